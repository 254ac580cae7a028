//! `POST /lab/policy`: the lab's policy editor. A typed policy that builds
//! becomes the `custom` scenario at once (and is saved); one that does not is
//! refused with `custom.toml:LINE: reason`, and nothing changes. The lab's
//! script sends it with `fetch` and asks for JSON, to show an error without
//! reloading; without script, the plain form gets the page back.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::change::InstructorChange;
use super::custom::{CUSTOM, Refused};
use super::diff;
use super::routes::render_with;
use super::{InForce, Lab};
use crate::cors::defaults::DEFAULT_POLICY;
use crate::state::AppState;

/// What the lab page's editor shows.
#[derive(Debug, Default)]
pub struct Editor {
    /// The text in the editor (`None`: the policy in force).
    pub text: Option<String>,
    /// Why the text was refused (`custom.toml:LINE: reason`).
    pub error: Option<String>,
    /// The line the error points at.
    pub error_line: Option<usize>,
    /// What can be loaded into it: every scenario (and `custom` once typed).
    pub names: Vec<String>,
}

impl Editor {
    /// The text to show (empty when there is none).
    pub fn text(&self) -> &str {
        self.text.as_deref().unwrap_or_default()
    }

    /// Fills in what the page needs: the policy in force when no text was
    /// given, and the names that can be loaded.
    pub fn fill(&mut self, lab: &Lab, current: &InForce<'_>) {
        if self.text.is_none() {
            self.text = lab.policy_source(current.name());
        }
        self.names = lab.entries().iter().map(|e| e.name().to_owned()).collect();
        self.names.extend(lab.custom().map(|_| CUSTOM.to_owned()));
    }
}

/// One line of the diff shown: its kind (a CSS class), its mark, its text.
pub type DiffLine = (&'static str, &'static str, String);

/// With `custom` in force, how it differs from the shipped policy (nothing
/// when it does not, or when another setup is in force).
pub fn diff_from_shipped(current: &InForce<'_>) -> Vec<DiffLine> {
    if current.name() != CUSTOM {
        return Vec::new();
    }
    let lines = diff::diff(DEFAULT_POLICY, &current.policy_text);
    if !diff::changes(&lines) {
        return Vec::new();
    }
    lines.iter().map(|l| (l.kind(), l.mark(), l.text().to_owned())).collect()
}

/// `POST /lab/policy` (`policy`): build, put in force, save.
pub async fn apply_policy(State(state): State<AppState>, change: InstructorChange) -> Response {
    let InstructorChange { headers, peer, form } = change;
    let json = wants_json(&headers);
    let text = form.policy.unwrap_or_default();
    let (status, error, line) = match state.lab.apply_policy(&text) {
        Ok(None) if json => return axum::Json(serde_json::json!({ "applied": "custom" })).into_response(),
        Ok(None) => return Redirect::to("/lab?done=typed").into_response(),
        Ok(Some(not_saved)) => {
            let error = format!("In force, but not saved (a restart forgets it): {not_saved}.");
            (StatusCode::INTERNAL_SERVER_ERROR, error, None)
        }
        Err(e @ Refused::TooLong(_)) => (StatusCode::PAYLOAD_TOO_LARGE, e.to_string(), None),
        Err(Refused::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string(), Some(e.line)),
    };
    if json {
        let body = serde_json::json!({ "error": error, "line": line });
        return (status, axum::Json(body)).into_response();
    }
    // The page again, the text as typed (unless it was too long to keep), the error beside it.
    let text = (status != StatusCode::PAYLOAD_TOO_LARGE).then_some(text);
    let editor = Editor { text, error: Some(error), error_line: line, names: Vec::new() };
    render_with(&state, &headers, peer, None, status, editor, None)
}

/// Whether the lab's script sent this (it asks for JSON).
fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}
