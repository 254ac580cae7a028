//! The playground's two resources on the API origin (the page is
//! `/playground` on the page origin):
//!
//! - `/playground/echo`: any method, answered with a JSON [`Echo`] of what
//!   arrived; the CORS policy in force decides its headers, like any
//!   resource (the shipped policy covers `/playground/*` for the page).
//! - `/playground/respond`: the same echo, but the status and the
//!   `Access-Control-*` headers of both the preflight and the actual
//!   response come from its query string ([`answer`]). The CORS layer
//!   never decides it ([`crate::cors::Setup::decide`]), the way the lab's
//!   hand-written answers bypass the policy: what the learner wrote is all
//!   the browser judges.
//!
//! Neither can be used to read anything but its own echo, and the echo
//! names the headers that arrived, never a value: a Cookie or an
//! Authorization is only said to be present.

pub mod answer;

use axum::Json;
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The path of the responder the learner configures; the CORS layer leaves it alone.
pub const RESPOND_PATH: &str = crate::cors::setup::HAND_WRITTEN_BY_THE_LEARNER;

/// A response header carrying the size of the body that arrived: not
/// CORS-safelisted, so a script reads it only when it is exposed.
pub const BODY_BYTES_HEADER: &str = "x-echo-bytes";

/// What arrived, as the echo tells it.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Echo {
    /// Which resource answered: `echo` or `respond`.
    pub responder: &'static str,
    /// The method as it arrived.
    pub method: String,
    /// The path (no query).
    pub path: String,
    /// The `Origin` header, when sent.
    pub origin: Option<String>,
    /// The request's header names, lower-case, each once, in arrival order.
    pub headers: Vec<String>,
    /// Whether a Cookie arrived (its value is never shown).
    pub cookie: bool,
    /// Whether an Authorization arrived (its value is never shown).
    pub authorization: bool,
    /// The size of the request body, in bytes.
    pub body_bytes: usize,
}

impl Echo {
    /// The echo of one request.
    pub fn of(responder: &'static str, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Self {
        let mut names: Vec<String> = Vec::new();
        for name in headers.keys() {
            if !names.iter().any(|n| n == name.as_str()) {
                names.push(name.as_str().to_owned());
            }
        }
        Self {
            responder,
            method: method.as_str().to_owned(),
            path: uri.path().to_owned(),
            origin: headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_owned),
            headers: names,
            cookie: headers.contains_key(header::COOKIE),
            authorization: headers.contains_key(header::AUTHORIZATION),
            body_bytes: body.len(),
        }
    }

    fn into_response(self, status: StatusCode) -> Response {
        let bytes = HeaderValue::from(self.body_bytes);
        let mut res = if matches!(status.as_u16(), 204 | 205 | 304) {
            status.into_response()
        } else {
            (status, Json(self)).into_response()
        };
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(HeaderName::from_static(BODY_BYTES_HEADER), bytes);
        res
    }
}

/// `/playground/echo`, any method: the echo, headers from the policy in force.
pub async fn echo(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    Echo::of("echo", &method, &uri, &headers, &body).into_response(StatusCode::OK)
}

/// `/playground/respond`, any method: the echo, with the status and
/// headers the query asks for; a preflight (an `OPTIONS` with
/// `Access-Control-Request-Method`) gets them too, with no body.
pub async fn respond(method: Method, uri: Uri, RawQuery(query): RawQuery, headers: HeaderMap, body: Bytes) -> Response {
    let answer = match answer::parse(query.as_deref()) {
        Ok(answer) => answer,
        Err(bad) => {
            let sentence = format!("bad playground answer: {bad}\n");
            return (StatusCode::BAD_REQUEST, [(header::CACHE_CONTROL, "no-store")], sentence).into_response();
        }
    };
    let preflight = method == Method::OPTIONS && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let code = if preflight { answer.preflight_status } else { answer.status };
    // Parsing kept the status within 200..=599.
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    let mut res = if preflight {
        (status, [(header::CACHE_CONTROL, "no-store")]).into_response()
    } else {
        Echo::of("respond", &method, &uri, &headers, &body).into_response(status)
    };
    for (name, value) in answer.headers {
        // Both were checked when parsed: a known name, visible ASCII.
        if let Ok(value) = HeaderValue::from_str(&value) {
            res.headers_mut().append(HeaderName::from_static(name), value);
        }
    }
    res
}

#[cfg(test)]
mod tests;
