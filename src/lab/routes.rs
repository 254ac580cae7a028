//! `/lab` on the page origin ([`router`]): the scenario in force (its policy, the
//! headers it produces, what the class should see) for everyone, and the
//! instructor's controls for whoever may change it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use super::change::{InstructorChange, TOKEN_COOKIE};
use super::editor::{self, Editor};
use super::instructor::{Attempt, Denied};
use super::probe::ProbeView;
use super::samples::{Sample, samples};
use super::{Entry, InForce, RegistryChangeError};
use crate::cookies::cookie;
use crate::layout::Layout;
use crate::render::html;
use crate::state::AppState;

/// The lab's routes on the page origin: the page, its forms, and the event
/// stream every open page listens to.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lab", get(page))
        .route("/lab/scenario", post(apply))
        .route("/lab/registry", post(register))
        .route("/lab/registry/remove", post(unregister))
        .route("/lab/policy", post(editor::apply_policy))
        .route("/lab/csrf-defence", post(csrf_defence))
        .route("/lab/probe", post(run_probe))
        .route("/events", get(super::events::events))
}

/// The cookie that carries the instructor token after `/lab?token=…`.

#[derive(Template)]
#[template(path = "lab.html")]
struct LabPage<'a> {
    layout: Layout,
    current: InForce<'a>,
    entries: &'a [Entry],
    quirks_text: String,
    /// The editor: its text, its error, the names it can load.
    editor: Editor,
    /// `custom` in force: how it differs from the shipped policy.
    diff: Vec<editor::DiffLine>,
    samples: Vec<Sample>,
    registry: Vec<String>,
    instructor: bool,
    csrf: &'a str,
    notice: Option<String>,
    data_file: String,
    custom_file: String,
    csrf_defence: bool,
    probe: Option<ProbeView>,
}

/// `GET /lab` (and `/lab?token=…` to become the instructor on this browser).
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = query.get("token") {
        let attempt = Attempt { token: Some(token), ..Attempt::default() };
        if !state.lab.secrets.is_instructor(&attempt) {
            return render(&state, &headers, peer, Some(Denied::Token.to_string()), StatusCode::FORBIDDEN);
        }
        let mut res = Redirect::to("/lab").into_response();
        let cookie = format!("{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            res.headers_mut().insert(header::SET_COOKIE, value);
        }
        return res;
    }
    let notice = query.get("done").and_then(|d| done_message(d)).map(str::to_owned);
    let loaded = query.get("load").and_then(|name| state.lab.policy_source(name));
    let editor = Editor { text: loaded, ..Editor::default() };
    render_with(&state, &headers, peer, notice, StatusCode::OK, editor, None)
}

fn done_message(key: &str) -> Option<&'static str> {
    Some(match key {
        "applied" => "Applied: the API origin answers with this setup from the next request on.",
        "typed" => "Your policy is in force as the scenario custom from the next request on, and saved.",
        "registered" => "Origin registered and saved.",
        "removed" => "Origin removed.",
        "defence" => "CSRF defence switched: the favourite driver answers accordingly from the next request on.",
        _ => return None,
    })
}

fn render(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    render_with(state, headers, peer, notice, status, Editor::default(), None)
}

/// `POST /lab/probe`: the lab page with the probe's results.
pub async fn run_probe(State(state): State<AppState>, change: InstructorChange) -> Response {
    let InstructorChange { headers, peer, .. } = change;
    match super::probe::probe(&state).await {
        Ok(view) => render_with(&state, &headers, peer, None, StatusCode::OK, Editor::default(), Some(view)),
        Err(reason) => {
            render(&state, &headers, peer, Some(format!("The probe could not run: {reason}.")), StatusCode::OK)
        }
    }
}

/// The lab page, with the editor as given (its text defaults to the policy in force).
pub(super) fn render_with(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    notice: Option<String>,
    status: StatusCode,
    mut editor: Editor,
    probe: Option<ProbeView>,
) -> Response {
    let lab = &state.lab;
    let token = cookie(headers, TOKEN_COOKIE);
    let instructor =
        lab.secrets.is_instructor(&Attempt { loopback: peer.ip().is_loopback(), token, ..Attempt::default() });
    let current = lab.in_force();
    let setup = Arc::clone(&current.setup);
    editor.fill(lab, &current);
    let diff = editor::diff_from_shipped(&current);
    // A registry file that could not be read is never overwritten: say so
    // until it is fixed, not only when a change fails.
    let notice =
        notice.or_else(|| lab.store.not_saving().map(|reason| format!("Registry changes are not saved: {reason}.")));
    let page = LabPage {
        layout: Layout::new(state),
        quirks_text: current.scenario.map(|s| s.quirks_description()).unwrap_or_default(),
        current,
        entries: lab.entries(),
        editor,
        diff,
        samples: samples(&setup, state.urls.page_origin.as_str(), state.urls.api_origin.as_str()),
        registry: lab.registry.list(),
        instructor,
        csrf: if instructor { &lab.secrets.csrf } else { "" },
        notice,
        data_file: lab.store.path().display().to_string(),
        custom_file: lab.custom_store.path().display().to_string(),
        csrf_defence: state.users.changes.defended(),
        probe,
    };
    let mut res = html(&page);
    *res.status_mut() = status;
    // The instructor's copy carries the lab's forms: never kept, never revalidated.
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `POST /lab/scenario` (`name`), also used by the middleware switch.
pub async fn apply(State(state): State<AppState>, change: InstructorChange) -> Response {
    let form = change.form;
    let name = form.name.as_deref().unwrap_or_default();
    match state.lab.apply(name) {
        Ok(()) => Redirect::to("/lab?done=applied").into_response(),
        Err(unknown) => (StatusCode::UNPROCESSABLE_ENTITY, unknown.to_string()).into_response(),
    }
}

/// `POST /lab/registry` (`origin`): register an origin.
pub async fn register(State(state): State<AppState>, change: InstructorChange) -> Response {
    let InstructorChange { headers, peer, form } = change;
    match state.lab.register(form.origin.as_deref().unwrap_or_default()) {
        Ok(_) => Redirect::to("/lab?done=registered").into_response(),
        Err(RegistryChangeError::Refused(reason)) => {
            render(&state, &headers, peer, Some(format!("Not registered: {reason}.")), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(RegistryChangeError::NotSaved(reason)) => {
            let notice = format!("Registered and in force, but not saved (a restart forgets it): {reason}.");
            render(&state, &headers, peer, Some(notice), StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// `POST /lab/registry/remove` (`origin`).
pub async fn unregister(State(state): State<AppState>, change: InstructorChange) -> Response {
    let InstructorChange { headers, peer, form } = change;
    match state.lab.unregister(form.origin.as_deref().unwrap_or_default()) {
        Ok(_) => Redirect::to("/lab?done=removed").into_response(),
        Err(RegistryChangeError::Refused(reason)) => {
            render(&state, &headers, peer, Some(format!("Not removed: {reason}.")), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(RegistryChangeError::NotSaved(reason)) => {
            let notice = format!("Removed and in force, but not saved (a restart brings it back): {reason}.");
            render(&state, &headers, peer, Some(notice), StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// `POST /lab/csrf-defence` (`on=true|false`): the favourite driver's
/// `Origin` check on state changes (`api::state_changes`).
pub async fn csrf_defence(State(state): State<AppState>, change: InstructorChange) -> Response {
    let form = change.form;
    match form.on.as_deref() {
        Some("true") => state.users.changes.set_defence(true),
        Some("false") => state.users.changes.set_defence(false),
        _ => return (StatusCode::UNPROCESSABLE_ENTITY, "give on=true or on=false\n").into_response(),
    }
    Redirect::to("/lab?done=defence").into_response()
}
