//! One log line per request, so the instructor's terminal tells the story:
//! which listener, method, path, Origin, status, and what CORS decided; and
//! the same exchange recorded in the [`ExchangeLog`] for the pages to show.
//!
//! Cookie and Authorization values never reach the log or the record: only
//! whether one of them was present. The Origin is quoted with
//! escapes and cut short, so a hostile value cannot forge log lines.

use axum::extract::{Request, State};
use axum::http::{HeaderName, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::cors::CorsOutcome;
use crate::exchanges::{Exchange, ExchangeLog};

/// The longest header value written to the log, in characters.
const MAX_LOGGED_VALUE: usize = 200;

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

/// What the middleware needs: which listener, and where to record.
#[derive(Debug, Clone)]
pub struct LogState {
    /// The listener this router serves.
    pub listener: Listener,
    /// The shared record of exchanges.
    pub exchanges: ExchangeLog,
}

/// The middleware function; mount with `axum::middleware::from_fn_with_state`.
pub async fn log_request(State(state): State<LogState>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let text = |name: &HeaderName| headers.get(name).map(|v| loggable(v.as_bytes()));
    let mut exchange = Exchange {
        id: state.exchanges.next_id(),
        tab: crate::exchanges::tab_of(req.uri().query()),
        listener: state.listener.as_str(),
        method: req.method().as_str().chars().take(20).collect(),
        path: req.uri().path().chars().take(200).collect(),
        origin: text(&header::ORIGIN),
        request_method: text(&header::ACCESS_CONTROL_REQUEST_METHOD),
        request_headers: text(&header::ACCESS_CONTROL_REQUEST_HEADERS),
        sec_fetch: [SEC_FETCH_MODE, SEC_FETCH_SITE, SEC_FETCH_DEST].map(|n| text(&HeaderName::from_static(n))),
        credentials: headers.contains_key(header::COOKIE) || headers.contains_key(header::AUTHORIZATION),
        status: 0,
        cors: "-",
        response_headers: Vec::new(),
    };
    let res = next.run(req).await;
    exchange.status = res.status().as_u16();
    exchange.cors = res.extensions().get::<CorsOutcome>().map_or("-", |o| o.as_str());
    exchange.response_headers = res
        .headers()
        .iter()
        .map(|(name, value)| {
            // A cookie's value is a secret: say that one was set, never what.
            let shown = if *name == header::SET_COOKIE {
                "(a cookie; value hidden)".to_owned()
            } else {
                loggable(value.as_bytes())
            };
            (name.as_str().to_owned(), shown)
        })
        .collect();
    tracing::info!(
        target: "f1_race_results::access",
        listener = exchange.listener,
        method = %exchange.method,
        path = ?exchange.path,
        origin = exchange.origin.as_deref().unwrap_or("-"),
        status = exchange.status,
        cors = exchange.cors,
        "request"
    );
    state.exchanges.record(exchange);
    res
}

const SEC_FETCH_MODE: &str = "sec-fetch-mode";
const SEC_FETCH_SITE: &str = "sec-fetch-site";
const SEC_FETCH_DEST: &str = "sec-fetch-dest";

/// A printable, bounded rendering of a header value.
fn loggable(bytes: &[u8]) -> String {
    // Nearly every value is short, printable ASCII: copy it as it is (this
    // runs for every header of every recorded exchange).
    if bytes.len() <= MAX_LOGGED_VALUE && bytes.iter().all(|b| (0x20..0x7f).contains(b) && *b != b'\\') {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text.chars().take(MAX_LOGGED_VALUE).flat_map(char::escape_default).collect();
    if text.chars().count() > MAX_LOGGED_VALUE {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{MAX_LOGGED_VALUE, loggable};

    #[test]
    fn hostile_origins_cannot_forge_log_lines() {
        assert_eq!(loggable(b"http://a\r\nINFO fake line"), "http://a\\r\\nINFO fake line");
        assert_eq!(loggable(&[b'x'; 9000]).chars().count(), MAX_LOGGED_VALUE + 1);
        assert_eq!(loggable(b"http://localhost:3000"), "http://localhost:3000");
    }
}
