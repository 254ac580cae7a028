//! One log line per request, so the instructor's terminal tells the story:
//! which listener, method, path, Origin, status, and what CORS decided.
//!
//! Only the Origin is taken from the request's headers: Cookie and
//! Authorization values never reach the log. The Origin is quoted with
//! escapes and cut short, so a hostile value cannot forge log lines.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use crate::cors::CorsOutcome;

/// The longest Origin value written to the log, in characters.
const MAX_LOGGED_ORIGIN: usize = 100;

/// Which listener a request arrived on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    /// The page origin (HTTP).
    Page,
    /// The API origin (HTTPS).
    Api,
}

impl Listener {
    /// `page` or `api`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Api => "api",
        }
    }
}

/// The middleware function; mount with `axum::middleware::from_fn_with_state`.
pub async fn log_request(State(listener): State<Listener>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().chars().take(200).collect::<String>();
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .map(|v| loggable(v.as_bytes()));
    let res = next.run(req).await;
    let cors = res
        .extensions()
        .get::<CorsOutcome>()
        .map_or("-", |o| o.as_str());
    tracing::info!(
        target: "f1_race_results::access",
        listener = listener.as_str(),
        %method,
        path = ?path,
        origin = origin.as_deref().unwrap_or("-"),
        status = res.status().as_u16(),
        cors,
        "request"
    );
    res
}

/// A printable, bounded rendering of a header value.
fn loggable(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text
        .chars()
        .take(MAX_LOGGED_ORIGIN)
        .flat_map(char::escape_default)
        .collect();
    if text.chars().count() > MAX_LOGGED_ORIGIN {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::loggable;

    #[test]
    fn hostile_origins_cannot_forge_log_lines() {
        assert_eq!(
            loggable(b"http://a\r\nINFO fake line"),
            "http://a\\r\\nINFO fake line"
        );
        assert_eq!(loggable(&[b'x'; 9000]).chars().count(), 101);
        assert_eq!(loggable(b"http://localhost:3000"), "http://localhost:3000");
    }
}
