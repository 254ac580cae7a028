//! `POST /inspect/verdict` on the page origin ([`router`]): the inspector panel asks why
//! the browser allowed or blocked one of its tab's requests.
//!
//! The page says what its script asked for (method, headers it set, with
//! any Authorization value left out, credentials mode); the server adds
//! what went over the wire (the recorded preflight and actual exchange) and
//! lets the pure [`diagnosis`](crate::diagnosis) judge. When a request that
//! needs a preflight arrives without one, the browser used a cached answer:
//! the last preflight this tab sent for that path is the one it reused.
//! The server's own side of the story ([`server_side`]) comes with it: what
//! the policy decided, and when it refused, the fix follows from that.

mod server_side;

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::diagnosis::{ConsoleWords, CredentialsMode, RequestKind, RequestSpec, diagnose, needs_preflight};
use crate::exchanges::Exchange;
use crate::state::AppState;
pub use server_side::{InForce, ServerSide, server_side};

/// The most headers a verdict request may describe.
const MAX_HEADERS: usize = 32;

/// What the page sends.
#[derive(Debug, Deserialize)]
pub struct VerdictRequest {
    tab: String,
    preflight: Option<u64>,
    actual: Option<u64>,
    request: PageRequest,
}

/// The request as the page's script made it.
#[derive(Debug, Deserialize)]
pub struct PageRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    credentials: String,
    kind: String,
}

/// What the panel shows.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct VerdictReply {
    /// Whether the script could read the response.
    pub readable: bool,
    /// Whether the request needed a preflight.
    pub preflight_needed: bool,
    /// Whether the browser reused a cached preflight instead of sending one.
    pub preflight_cached: bool,
    /// One sentence for the learner.
    pub summary: String,
    /// Chromium's console line, when blocked (the same as `chromium.message`).
    pub console_message: Option<String>,
    /// What Chromium's console says when blocked, with its `corsError`.
    pub chromium: Option<BrowserWords>,
    /// What Firefox's console says when blocked, with its reason key.
    pub firefox: Option<BrowserWords>,
    /// The fix, when blocked: the server's own when it refused, else the browser's.
    pub fix: Option<String>,
    /// What this server's CORS layer decided, and why.
    pub server_said: Option<String>,
    /// Response headers the script can read.
    pub exposed: Vec<String>,
    /// Where the browsers accept what the Fetch standard refuses.
    pub warnings: Vec<String>,
}

/// One browser's console line and its name for the error.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct BrowserWords {
    /// The console line, word for word.
    pub message: String,
    /// Chromium's `corsError` or Firefox's reason key.
    pub code: &'static str,
}

impl From<ConsoleWords> for BrowserWords {
    fn from(words: ConsoleWords) -> Self {
        Self { message: words.message, code: words.code }
    }
}

/// The inspector's route on the page origin, merged by `pages`.
pub fn router() -> Router<AppState> {
    Router::new().route("/inspect/verdict", post(verdict))
}

/// `POST /inspect/verdict`
pub async fn verdict(
    State(state): State<AppState>,
    body: Result<Json<VerdictRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return (StatusCode::BAD_REQUEST, "send the request as JSON, as inspector.js does\n").into_response();
    };
    // The setup in force now: the lab switches it rarely, and the record
    // keeps the layer's verdict, not which quirk or hand-written block applied.
    let setup = state.policy.load();
    let in_force = |path: &str| InForce {
        preflight_status: setup.quirks.preflight_status,
        hand_written: path == crate::cors::setup::HAND_WRITTEN_BY_THE_LEARNER
            || setup.quirks.raw.as_ref().is_some_and(|raw| raw.paths.iter().any(|p| p.matches(path))),
        on_routes_only: setup.quirks.on_routes_only,
    };
    match judge(&state.exchanges.recent(), &body, &in_force) {
        Ok(reply) => Json(reply).into_response(),
        Err(reason) => (StatusCode::UNPROCESSABLE_ENTITY, reason).into_response(),
    }
}

/// Judges a request against the recorded exchanges (pure, for tests).
pub fn judge(
    recent: &[Arc<Exchange>],
    body: &VerdictRequest,
    in_force: &dyn Fn(&str) -> InForce,
) -> Result<VerdictReply, &'static str> {
    let find =
        |id: Option<u64>| id.and_then(|id| recent.iter().find(|e| e.id == id && e.tab() == Some(body.tab.as_str())));
    let actual = find(body.actual);
    let mut preflight = find(body.preflight);
    let origin =
        actual.or(preflight).and_then(|e| e.origin().map(str::to_owned)).ok_or("no recorded exchange of this tab")?;
    let spec = spec_of(&body.request, &origin)?;
    let mut cached = false;
    if preflight.is_none()
        && needs_preflight(&spec).is_some()
        && let Some(actual) = actual
    {
        preflight = recent.iter().rev().find(|e| {
            e.id < actual.id && e.method() == "OPTIONS" && e.path() == actual.path() && e.tab() == actual.tab()
        });
        cached = preflight.is_some();
    }
    let (preflight_headers, actual_headers) =
        (preflight.map(|e| e.response_header_texts()), actual.map(|e| e.response_header_texts()));
    let verdict = diagnose(
        &spec,
        preflight.zip(preflight_headers.as_deref()).map(|(e, h)| (e.status, h)),
        actual.zip(actual_headers.as_deref()).map(|(e, h)| (e.status, h)),
    );
    let summary = match (&verdict.failure, verdict.readable, verdict.preflight_needed()) {
        (Some(failure), _, _) => format!("Blocked by the browser: {}", failure.plain()),
        (None, true, true) => format!(
            "Allowed: the preflight cleared {} and its headers, then the answer named this origin, so the page may read it.",
            spec.wire_method()
        ),
        (None, true, false) => {
            "Allowed: a simple request (no preflight), and the answer named this origin, so the page may read it."
                .to_owned()
        }
        (None, false, _) => "The response never arrived, so there is nothing to read.".to_owned(),
    };
    let server = server_side(
        preflight.map(|e| &**e),
        actual.map(|e| &**e),
        in_force(actual.or(preflight).map_or("", |e| e.path())),
    );
    // A refusal is the server's own: its reason names the change to make,
    // where the browser, seeing no Access-Control-* at all, can only say
    // "no Allow-Origin".
    let fix = match (&verdict.failure, server.as_ref().and_then(|s| s.fix.clone())) {
        (Some(_), Some(server_fix)) => Some(server_fix),
        _ => verdict.fix.clone(),
    };
    Ok(VerdictReply {
        readable: verdict.readable,
        preflight_needed: verdict.preflight_needed(),
        preflight_cached: cached,
        summary,
        console_message: verdict.console_message,
        chromium: verdict.chromium.map(BrowserWords::from),
        firefox: verdict.firefox.map(BrowserWords::from),
        fix,
        server_said: server.map(|s| s.said),
        exposed: verdict.exposed,
        warnings: verdict.warnings,
    })
}

fn spec_of(request: &PageRequest, origin: &str) -> Result<RequestSpec, &'static str> {
    let (scheme, rest) = request.url.split_once("://").ok_or("the URL must be absolute")?;
    let (authority, path) = rest.find('/').map_or((rest, "/"), |i| (&rest[..i], &rest[i..]));
    if request.headers.len() > MAX_HEADERS || request.method.len() > 32 {
        return Err("too many headers, or an overlong method");
    }
    let credentials = match request.credentials.as_str() {
        "include" => CredentialsMode::Include,
        "omit" => CredentialsMode::Omit,
        _ => CredentialsMode::SameOrigin,
    };
    let kind = if request.kind == "xhr" { RequestKind::Xhr } else { RequestKind::Fetch };
    let mut spec = RequestSpec::get(origin, &format!("{scheme}://{authority}"), path)
        .method(&request.method)
        .credentials(credentials)
        .kind(kind);
    for (name, value) in &request.headers {
        spec = spec.header(name, value);
    }
    Ok(spec)
}

#[cfg(test)]
mod tests;
