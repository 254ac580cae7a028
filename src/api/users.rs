//! `/api/v1/users/*`: a cookie session and a "favourite driver", the
//! credentialed and state-changing resources of the `/cors` page.
//!
//! The page origin (http) and the API origin (https) are cross-site for
//! today's browsers, so the session cookie must be `Secure; SameSite=None`
//! to be sent at all, and `Partitioned` (CHIPS) to survive browsers that
//! block third-party cookies. `HttpOnly` keeps it away from scripts: the
//! page can only learn whether it is logged in by asking `/me`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::state_changes::StateChanges;
use crate::race::bahrain_2014;
use crate::state::AppState;

/// The cookie's name.
pub const COOKIE: &str = "f1_session";
/// Sessions kept at most; the oldest goes first (a class is small, a
/// flood of logins must not grow memory without bound).
const MAX_SESSIONS: usize = 10_000;
const COOKIE_ATTRIBUTES: &str = "Path=/; Secure; HttpOnly; SameSite=None; Partitioned";

/// Logged-in sessions and the class's favourite driver.
#[derive(Debug, Clone, Default)]
pub struct Users {
    // std Mutex: no `.await` happens while either lock is held.
    sessions: Arc<Mutex<HashMap<String, Session>>>,
    favourite: Arc<Mutex<Option<&'static str>>>,
    /// Every change to the favourite, counted; the lab's CSRF defence.
    pub changes: Arc<StateChanges>,
}

#[derive(Debug, Clone)]
struct Session {
    user: String,
    created: Instant,
}

impl Users {
    /// The favourite driver's code, if one is chosen.
    pub fn favourite_code(&self) -> Option<&'static str> {
        *self.favourite.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn user(&self, headers: &HeaderMap) -> Option<String> {
        let token = session_token(headers)?;
        let sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.get(token).map(|s| s.user.clone())
    }
}

/// The session token from the `Cookie` header(s), if any.
fn session_token(headers: &HeaderMap) -> Option<&str> {
    crate::cookies::cookie(headers, COOKIE)
}

/// `POST /api/v1/users/session`: log in (no password: the lesson is the
/// cookie, not the login) and set the session cookie.
pub async fn login(State(state): State<AppState>) -> Response {
    let Ok(token) = crate::secret::random_hex(16) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "cannot make a session token: the system's random source failed\n")
            .into_response();
    };
    let user = format!("learner-{}", &token[..6]);
    {
        let mut sessions = state.users.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        if sessions.len() >= MAX_SESSIONS
            && let Some(oldest) = sessions.iter().min_by_key(|(_, s)| s.created).map(|(k, _)| k.clone())
        {
            sessions.remove(&oldest);
        }
        sessions.insert(token.clone(), Session { user: user.clone(), created: Instant::now() });
    }
    let cookie = format!("{COOKIE}={token}; Max-Age=3600; {COOKIE_ATTRIBUTES}");
    let mut res = (StatusCode::CREATED, Json(json!({ "user": user }))).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, value);
    }
    res
}

/// `GET /api/v1/users/me`: who the session cookie says you are.
pub async fn me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match state.users.user(&headers) {
        Some(user) => Json(json!({ "user": user })).into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "not logged in: no valid session cookie came with the request" })),
        )
            .into_response(),
    }
}

/// `DELETE /api/v1/users/session`: log out and expire the cookie.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers) {
        state.users.sessions.lock().unwrap_or_else(PoisonError::into_inner).remove(token);
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    let expired = format!("{COOKIE}=; Max-Age=0; {COOKIE_ATTRIBUTES}");
    if let Ok(value) = HeaderValue::from_str(&expired) {
        res.headers_mut().insert(header::SET_COOKIE, value);
    }
    res
}

/// The body of `PUT /api/v1/users/favourite`.
#[derive(Debug, serde::Deserialize)]
pub struct FavouriteBody {
    driver: String,
}

fn favourite_json(code: Option<&'static str>) -> Json<serde_json::Value> {
    let name = code.and_then(|c| bahrain_2014().drivers.iter().find(|d| d.code == c)).map(|d| d.name);
    Json(json!({ "favourite": code, "driver": name }))
}

/// `GET /api/v1/users/favourite`
pub async fn favourite(State(state): State<AppState>) -> Response {
    let current = *state.users.favourite.lock().unwrap_or_else(PoisonError::into_inner);
    favourite_json(current).into_response()
}

/// `PUT /api/v1/users/favourite` with `{"driver": "HAM"}`.
pub async fn set_favourite(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<FavouriteBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let body = match body {
        Ok(Json(body)) => body,
        // A chunked body (no Content-Length) is only found too large while
        // it is read: that is still 413, not a malformed request.
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let error = format!("the body is larger than {} bytes", crate::MAX_BODY_BYTES);
            return (StatusCode::PAYLOAD_TOO_LARGE, Json(json!({ "error": error }))).into_response();
        }
        Err(_) => {
            return (StatusCode::BAD_REQUEST, Json(json!({ "error": "send JSON like {\"driver\": \"HAM\"}" })))
                .into_response();
        }
    };
    if let Some(refused) = state.users.changes.refusal(&headers, &state.urls.page_origins) {
        return refused;
    }
    change_favourite(&state, &body.driver)
}

/// Sets the favourite to the driver `code` names, and counts the change.
fn change_favourite(state: &AppState, code: &str) -> Response {
    let code = code.trim().to_ascii_uppercase();
    let Some(driver) = bahrain_2014().drivers.iter().find(|d| d.code == code) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": "unknown driver code: use a three-letter code from the standings, such as HAM" })),
        )
            .into_response();
    };
    *state.users.favourite.lock().unwrap_or_else(PoisonError::into_inner) = Some(driver.code);
    state.users.changes.count();
    favourite_json(Some(driver.code)).into_response()
}

/// `POST /api/v1/users/favourite` with a form body `driver=HAM`: the same
/// change as a plain HTML form makes it, signed in (the session cookie).
/// A form POST is a *simple* request: no preflight asks first, so the
/// browser sends it to any site, and CORS only decides whether the page
/// may read the answer. This is the resource a forged request aims at.
pub async fn vote(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if state.users.user(&headers).is_none() {
        let error = "not logged in: no valid session cookie came with the request, so nothing changed";
        return (StatusCode::UNAUTHORIZED, Json(json!({ "error": error }))).into_response();
    }
    if let Some(refused) = state.users.changes.refusal(&headers, &state.urls.page_origins) {
        return refused;
    }
    let driver = form_urlencoded::parse(&body).find(|(k, _)| k == "driver").map(|(_, v)| v.into_owned());
    change_favourite(&state, driver.as_deref().unwrap_or_default())
}

/// `DELETE /api/v1/users/favourite`
pub async fn clear_favourite(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(refused) = state.users.changes.refusal(&headers, &state.urls.page_origins) {
        return refused;
    }
    *state.users.favourite.lock().unwrap_or_else(PoisonError::into_inner) = None;
    state.users.changes.count();
    favourite_json(None).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; f1_session=abc; b=2"));
        assert_eq!(session_token(&headers), Some("abc"));
        headers.insert(header::COOKIE, HeaderValue::from_static("f1_sessionx=1"));
        assert_eq!(session_token(&headers), None);
    }
}
