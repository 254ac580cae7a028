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
use crate::exchanges::{Exchange, ExchangeLog, ResponseHeaders, printable};

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
    let text = |name: &HeaderName| headers.get(name).map(|v| printable(v.as_bytes()));
    let mut exchange = Exchange {
        id: state.exchanges.next_id(),
        tab: crate::exchanges::tab_of(req.uri().query()),
        listener: state.listener.as_str(),
        method: req.method().as_str().chars().take(20).collect(),
        path: req.uri().path().chars().take(200).collect(),
        origin: text(&header::ORIGIN),
        request_method: text(&header::ACCESS_CONTROL_REQUEST_METHOD),
        request_headers: text(&header::ACCESS_CONTROL_REQUEST_HEADERS),
        sec_fetch: [&SEC_FETCH_MODE, &SEC_FETCH_SITE, &SEC_FETCH_DEST].map(text),
        credentials: headers.contains_key(header::COOKIE) || headers.contains_key(header::AUTHORIZATION),
        status: 0,
        cors: "-",
        response_headers: ResponseHeaders::new(),
    };
    let res = next.run(req).await;
    exchange.status = res.status().as_u16();
    exchange.cors = res.extensions().get::<CorsOutcome>().map_or("-", |o| o.as_str());
    exchange.response_headers = Exchange::record_headers(res.headers());
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

// Made at compile time: no name lookup per request.
const SEC_FETCH_MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const SEC_FETCH_DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");
