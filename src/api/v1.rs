//! `/api/v1/public/*` and `/api/v1/admin/*`: the reference's layout of a
//! public read-only API and an admin API behind HTTP Basic.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::standings::StandingsJson;
use crate::state::AppState;

/// The tutorial's "Include authentication" credentials: `user` / `password`.
/// (A teaching lab: the point is how Authorization crosses origins.)
const ADMIN_BASIC: &str = "Basic dXNlcjpwYXNzd29yZA==";

/// `GET /api/v1/public/standings`: the standings as JSON, for any origin.
pub async fn public_standings(State(state): State<AppState>) -> Response {
    let snapshot = state.race.current();
    ([(header::CACHE_CONTROL, "no-store")], Json(StandingsJson::new(&snapshot))).into_response()
}

/// `GET /api/v1/admin/standings`: the same behind HTTP Basic.
pub async fn admin_standings(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let authorized = headers.get(header::AUTHORIZATION).is_some_and(|v| v.as_bytes() == ADMIN_BASIC.as_bytes());
    if !authorized {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"F1 admin\", charset=\"UTF-8\"")],
            Json(json!({ "error": "HTTP Basic credentials user / password required" })),
        )
            .into_response();
    }
    let snapshot = state.race.current();
    ([(header::CACHE_CONTROL, "no-store")], Json(json!({ "admin": true, "standings": StandingsJson::new(&snapshot) })))
        .into_response()
}
