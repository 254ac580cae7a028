//! One log line per request, so the instructor's terminal tells the story:
//! which listener, method, path, Origin, status, and what CORS decided; and
//! the same exchange recorded in the [`ExchangeLog`] for the pages to show.
//! A hand-written tower layer ([`AccessLogLayer`]): it boxes nothing and
//! clones nothing of the inner service per request.
//!
//! Cookie and Authorization values never reach the log or the record: only
//! whether one of them was present. The Origin is quoted with
//! escapes and cut short, so a hostile value cannot forge log lines.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::http::{HeaderName, Request, Response, header};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::cors::CorsOutcome;
use crate::exchanges::{Exchange, ExchangeLog, RequestParts, tab_in};

/// Which listener a request arrived on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    /// The page origin (HTTP).
    Page,
    /// The API origin (HTTPS).
    Api,
    /// The other site (HTTP), a page that plays "a site you don't trust".
    Other,
}

impl Listener {
    /// `page`, `api` or `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Api => "api",
            Self::Other => "other",
        }
    }
}

/// The access log as a tower layer: wrap a router's routes with it.
#[derive(Debug, Clone)]
pub struct AccessLogLayer {
    state: Arc<LogState>,
}

#[derive(Debug)]
struct LogState {
    listener: Listener,
    exchanges: ExchangeLog,
}

impl AccessLogLayer {
    /// Logs every request on `listener` and records it in `exchanges`.
    pub fn new(listener: Listener, exchanges: ExchangeLog) -> Self {
        Self { state: Arc::new(LogState { listener, exchanges }) }
    }
}

impl<S> Layer<S> for AccessLogLayer {
    type Service = AccessLog<S>;

    fn layer(&self, inner: S) -> AccessLog<S> {
        AccessLog { inner, state: Arc::clone(&self.state) }
    }
}

/// The service [`AccessLogLayer`] makes.
#[derive(Debug, Clone)]
pub struct AccessLog<S> {
    inner: S,
    state: Arc<LogState>,
}

impl<S, B, R> Service<Request<B>> for AccessLog<S>
where
    S: Service<Request<B>, Response = Response<R>>,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = Logged<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let exchange = begin(&self.state, &req);
        Logged { inner: self.inner.call(req), pending: Some((exchange, Arc::clone(&self.state))) }
    }
}

pin_project! {
    /// A request's answer on its way: logged and recorded once it is ready.
    pub struct Logged<F> {
        #[pin]
        inner: F,
        pending: Option<(Exchange, Arc<LogState>)>,
    }
}

impl<F, R, E> Future for Logged<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = Result<Response<R>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        if let (Ok(res), Some((exchange, state))) = (&result, this.pending.take()) {
            finish(&state, exchange, res);
        }
        Poll::Ready(result)
    }
}

/// What is known of an exchange before the handler runs: copied out of the
/// request into one inline buffer (no allocation for a usual request).
fn begin<B>(state: &LogState, req: &Request<B>) -> Exchange {
    let headers = req.headers();
    let raw = |name: &HeaderName| headers.get(name).map(|v| v.as_bytes());
    let tab = tab_in(req.uri().query());
    let parts = RequestParts {
        tab: tab.as_deref(),
        method: req.method().as_str(),
        path: req.uri().path(),
        origin: raw(&header::ORIGIN),
        request_method: raw(&header::ACCESS_CONTROL_REQUEST_METHOD),
        request_headers: raw(&header::ACCESS_CONTROL_REQUEST_HEADERS),
        sec_fetch: [&SEC_FETCH_MODE, &SEC_FETCH_SITE, &SEC_FETCH_DEST].map(raw),
    };
    let credentials = headers.contains_key(header::COOKIE) || headers.contains_key(header::AUTHORIZATION);
    Exchange::new(state.exchanges.next_id(), state.listener.as_str(), &parts, credentials)
}

/// The answer is known: one log line, and the exchange recorded.
fn finish<R>(state: &LogState, mut exchange: Exchange, res: &Response<R>) {
    exchange.status = res.status().as_u16();
    exchange.cors = res.extensions().get::<CorsOutcome>().map_or("-", |o| o.as_str());
    exchange.response_headers = Exchange::record_headers(res.headers());
    tracing::info!(
        target: "f1_race_results::access",
        listener = exchange.listener,
        method = exchange.method(),
        // A parsed URI path holds no control characters (the http crate
        // refuses them): written as it is, it cannot forge a line.
        path = exchange.path(),
        origin = exchange.origin().unwrap_or("-"),
        status = exchange.status,
        cors = exchange.cors,
        "request"
    );
    // The other site's own requests are logged, not recorded: no inspector
    // shows them, and its page's polling of `/observed` would only push
    // the learners' exchanges out of the ring.
    if state.listener != Listener::Other {
        state.exchanges.record(exchange);
    }
}

// Made at compile time: no name lookup per request.
const SEC_FETCH_MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const SEC_FETCH_DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");

#[cfg(test)]
mod tests {
    /// The access log writes the path as it is: that is safe only while no
    /// request can carry a control character in its path.
    #[test]
    fn a_path_cannot_carry_a_control_character() {
        for bad in ["/a\nINFO forged", "/a\rb", "/a\x1b[31mred", "/a\tb", "/a\0b", "/a\x7fb"] {
            assert!(bad.parse::<http::Uri>().is_err(), "{bad:?} parsed as a URI");
        }
    }
}
