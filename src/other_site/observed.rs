//! `GET /observed?run=ID`: what the API origin recorded for one run of the
//! other site's page, asked on the other site's own listener, server-side
//! (no CORS involved, and nothing a real attacker could ask).
//!
//! The page tags each request with `?tab=X<run><technique>` (an upper-case
//! X, which no inspector's tab id starts with); this answers every exchange
//! of the API origin whose tab starts with `X<run>`: did it
//! arrive, did credentials come along (yes/no, never their values), what
//! was answered. And the server's count of state changes, with the lab's
//! CSRF defence and the scenario in force.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::access_log::Listener;
use crate::state::AppState;

/// A run id: 6 ASCII letters or digits (a tab is `X` + run + 2 letters).
fn valid_run(run: &str) -> bool {
    run.len() == 6 && run.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `GET /observed?run=ID`
pub async fn observed(State(state): State<AppState>, Query(query): Query<HashMap<String, String>>) -> Response {
    let Some(run) = query.get("run").filter(|r| valid_run(r)) else {
        let error = "give run=ID, 6 letters or digits";
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response();
    };
    let prefix = format!("X{run}");
    let exchanges: Vec<Value> = state
        .exchanges
        .recent()
        .iter()
        .filter(|e| e.listener == Listener::Api.as_str() && e.tab().is_some_and(|t| t.starts_with(&prefix)))
        .map(|e| {
            json!({
                "tab": e.tab(),
                "method": e.method(),
                "path": e.path(),
                "origin": e.origin(),
                "sec_fetch_site": e.sec_fetch()[1],
                "credentials": e.credentials,
                "status": e.status,
                "cors": e.cors,
            })
        })
        .collect();
    let body = json!({
        "executions": state.users.changes.executions(),
        "favourite": state.users.favourite_code(),
        "defence": state.users.changes.defended(),
        "scenario": state.lab.current_entry().name(),
        "exchanges": exchanges,
    });
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::valid_run;

    #[test]
    fn run_ids_are_short_and_plain() {
        assert!(valid_run("a1b2c3"));
        for bad in ["", "a1b2c", "a1b2c3d", "a-b2c3", "<x>abc", "a b2c3"] {
            assert!(!valid_run(bad), "{bad:?}");
        }
    }
}
