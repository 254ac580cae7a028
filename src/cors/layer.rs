//! The CORS middleware of the API origin: reads the policy in force, lets the
//! pure [`Policy::decide`](super::Policy::decide) rule, then answers a
//! preflight itself or adds the headers to the handler's response.
//!
//! Every request is decided afresh; there is no cache of answers. Deciding
//! borrows every value from the policy, and [`to_http`](super::to_http)
//! shares rather than copies them, so a granted request allocates nothing
//! (`tests/allocations.rs`; `docs/performance.md` has the measurements).
//!
//! The [`Setup`] sits behind an [`ArcSwap`]: loading it is one atomic read
//! per request, a switch replaces it whole (a request never sees half of
//! two policies), and a setup without a policy means the middleware is
//! removed, as when the tutorial's Rack::Cors block is deleted.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use arc_swap::ArcSwap;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use pin_project_lite::pin_project;
use smallvec::SmallVec;
use tower::{Layer, Service};

use super::decision::{CorsHeader, PolicyVerdict};
use super::setup::Setup;
use super::to_http::{RequestHeaders, convert, cors_request, header_name, joined};

/// The setup in force, shared by the middleware and whoever switches it.
pub type PolicySwitch = Arc<ArcSwap<Setup>>;

/// What the middleware did, left in the response's extensions for the
/// access log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorsOutcome {
    /// The middleware is removed (`--no-cors`).
    Off,
    /// The policy's verdict.
    Decided(PolicyVerdict),
    /// Something around the layer answered instead (a lab scenario's
    /// quirk, `api::quirks`): `auth-first`, `handler-error`, `cache-hit`.
    Elsewhere(&'static str),
}

impl CorsOutcome {
    /// A short word for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Decided(v) => v.as_str(),
            Self::Elsewhere(what) => what,
        }
    }
}

/// The CORS middleware as a tower layer (`api::router` puts it in its service stack).
///
/// Written by hand, not with `axum::middleware::from_fn`, because it runs
/// on every request of the API origin: no boxed future, no clone of the
/// inner service, and no allocation for a request the policy grants.
#[derive(Debug, Clone)]
pub struct CorsLayer {
    switch: PolicySwitch,
}

impl CorsLayer {
    /// The middleware, reading whatever setup `switch` holds at each request.
    pub fn new(switch: PolicySwitch) -> Self {
        Self { switch }
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Cors { inner, switch: Arc::clone(&self.switch) }
    }
}

/// The service [`CorsLayer`] wraps around the API's routes.
#[derive(Debug, Clone)]
pub struct Cors<S> {
    inner: S,
    switch: PolicySwitch,
}

impl<S, B> Service<Request<B>> for Cors<S>
where
    S: Service<Request<B>, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let (added, answer) = {
            let setup = self.switch.load();
            if setup.is_off() {
                // Removed (`--no-cors`): read nothing, add nothing.
                return ResponseFuture::Inner { future: self.inner.call(req), added: Some(Added::off()) };
            }
            let lookup = RequestHeaders(req.headers());
            let asked = (req.method() == Method::OPTIONS)
                .then(|| joined(req.headers(), &header::ACCESS_CONTROL_REQUEST_HEADERS))
                .flatten();
            let request = cors_request(&req, &lookup, asked.as_deref());
            let Some(decision) = setup.decide(&request) else {
                return ResponseFuture::Inner { future: self.inner.call(req), added: Some(Added::off()) };
            };
            // Decided afresh for every request: the header values are the
            // policy's shared texts or constants, so this allocates nothing
            // for a granted request from an origin the policy names.
            let answer = decision.answer_here.then_some(decision.status);
            let added = Added { outcome: CorsOutcome::Decided(decision.verdict), headers: convert(&decision) };
            (added, answer)
        };
        if let Some(status) = answer {
            let mut res = Response::new(Body::empty());
            *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::NO_CONTENT);
            added.apply(&mut res);
            return ResponseFuture::Answered { response: Some(res) };
        }
        ResponseFuture::Inner { future: self.inner.call(req), added: Some(added) }
    }
}

pin_project! {
    /// The response: the middleware's own (a preflight), or the handler's
    /// with the headers added.
    #[project = Projected]
    #[allow(missing_docs)] // the macro takes no doc comments on fields
    pub enum ResponseFuture<F> {
        /// The middleware answered (taken when polled).
        Answered { response: Option<Response> },
        /// The handler answers; `added` goes onto its response.
        Inner { #[pin] future: F, added: Option<Added> },
    }
}

impl<F, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            Projected::Answered { response } => match response.take() {
                Some(res) => Poll::Ready(Ok(res)),
                // Polled again after completion: a caller's bug, not a panic.
                None => Poll::Pending,
            },
            Projected::Inner { future, added } => {
                let mut res = ready!(future.poll(cx))?;
                if let Some(added) = added.take() {
                    added.apply(&mut res);
                }
                Poll::Ready(Ok(res))
            }
        }
    }
}

/// What the middleware adds to a response, ready to insert.
#[derive(Debug)]
pub struct Added {
    outcome: CorsOutcome,
    // Inline room for an actual request's four (Vary, the origin,
    // credentials, exposed headers); a preflight's six spill to the heap.
    headers: SmallVec<[(CorsHeader, HeaderValue); 4]>,
}

impl Added {
    fn off() -> Self {
        Self { outcome: CorsOutcome::Off, headers: SmallVec::new() }
    }

    fn apply(self, res: &mut Response) {
        let headers = res.headers_mut();
        headers.reserve(self.headers.len());
        for (name, value) in self.headers {
            headers.append(header_name(name), value);
        }
        res.extensions_mut().insert(self.outcome);
    }
}

#[cfg(test)]
mod tests;
