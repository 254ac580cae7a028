//! A change to the lab, as every lab form posts it: [`InstructorChange`]
//! reads the form only once the instructor's checks passed (token, CSRF,
//! `Sec-Fetch-Site`/`Origin`, `Host`: `instructor.rs` decides), so a
//! handler that takes one cannot forget them; anyone else gets 403 saying
//! which check failed.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::instructor::{Attempt, Denied};
use crate::cookies::cookie;
use crate::state::AppState;

/// The cookie that makes a browser the instructor's (`/lab?token=…` sets it).
pub(super) const TOKEN_COOKIE: &str = "f1_lab";

/// The form fields of every lab change.
#[derive(Debug, serde::Deserialize)]
pub struct ChangeForm {
    csrf: Option<String>,
    token: Option<String>,
    /// The scenario to apply (`POST /lab/scenario`).
    pub(super) name: Option<String>,
    /// The origin to register or remove (`POST /lab/registry…`).
    pub(super) origin: Option<String>,
    /// The editor's text (`POST /lab/policy`).
    pub(super) policy: Option<String>,
    /// `true` or `false` (`POST /lab/csrf-defence`).
    pub(super) on: Option<String>,
}

/// A lab change the instructor's checks allowed: the form, and what the
/// handler needs to draw the lab page again.
#[derive(Debug)]
pub struct InstructorChange {
    /// The request's headers (the page drawn again reads the token cookie).
    pub(super) headers: HeaderMap,
    /// Who sent it.
    pub(super) peer: SocketAddr,
    /// What was posted.
    pub(super) form: ChangeForm,
}

impl FromRequest<AppState> for InstructorChange {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let headers = parts.headers.clone();
        let Form(form) = Form::<ChangeForm>::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        match check(state, &headers, peer, &form) {
            Ok(()) => Ok(Self { headers, peer, form }),
            Err(denied) => Err((StatusCode::FORBIDDEN, denied.to_string()).into_response()),
        }
    }
}

fn check(state: &AppState, headers: &HeaderMap, peer: SocketAddr, form: &ChangeForm) -> Result<(), Denied> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = text("host").map(host_name).unwrap_or_default();
    let known_host =
        state.urls.page_origins.iter().any(|o| o.as_str().strip_prefix("http://").map(host_name) == Some(host));
    let attempt = Attempt {
        loopback: peer.ip().is_loopback(),
        known_host,
        token: form.token.as_deref().or_else(|| cookie(headers, TOKEN_COOKIE)),
        csrf: form.csrf.as_deref(),
        fetch_site: text("sec-fetch-site"),
        origin_matches: text("origin").map(|o| state.urls.page_origins.iter().any(|p| p.as_str() == o)),
    };
    state.lab.secrets.check_change(&attempt)
}

/// `localhost:3000` → `localhost`, `[::1]:3000` → `[::1]`.
fn host_name(authority: &str) -> &str {
    match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => &authority[..i],
        _ => authority,
    }
}

#[cfg(test)]
mod tests {
    use super::host_name;

    #[test]
    fn host_names_lose_their_port() {
        assert_eq!(host_name("localhost:3000"), "localhost");
        assert_eq!(host_name("[::1]:3000"), "[::1]");
        assert_eq!(host_name("[::1]"), "[::1]");
        assert_eq!(host_name("lab.local"), "lab.local");
    }
}
