//! Each origin's guard, the outermost layer of its service stack: a request
//! for a `Host` this origin is not is refused before anything else sees it
//! ([`crate::hosts`]), and every other answer leaves with the origin's
//! security headers ([`crate::security_headers`]).
//!
//! A hand-written tower layer, like the others in the stack: it boxes
//! nothing and clones nothing per request but an `Arc`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::http::{Request, Response};
use bytes::Bytes;
use http_body_util::{Either, Full};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::hosts::{self, KnownHosts, ServedHost};
use crate::security_headers::{self, OtherSiteHeaders, PageAnswer, PageHeaders};

/// Which origin's headers a guard adds.
#[derive(Debug, Clone)]
enum Headers {
    Page(Arc<PageHeaders>),
    Api,
    /// The other site's: a page's, with its own CSP.
    Other(Arc<OtherSiteHeaders>),
}

/// The layer; see the module's first lines.
#[derive(Debug, Clone)]
pub struct OriginGuardLayer {
    hosts: Arc<KnownHosts>,
    headers: Headers,
}

impl OriginGuardLayer {
    /// The page origin's guard: its names, and the CSP for each.
    pub fn page(hosts: KnownHosts, api_port: u16) -> Self {
        let headers = Arc::new(PageHeaders::new(&hosts, api_port));
        Self { hosts: Arc::new(hosts), headers: Headers::Page(headers) }
    }

    /// The other site's guard: its names, and its CSP (aimed at `api_origin`).
    pub fn other_site(hosts: KnownHosts, api_origin: &str) -> Self {
        Self { hosts: Arc::new(hosts), headers: Headers::Other(Arc::new(OtherSiteHeaders::new(api_origin))) }
    }

    /// The API origin's guard.
    pub fn api(hosts: KnownHosts) -> Self {
        Self { hosts: Arc::new(hosts), headers: Headers::Api }
    }
}

impl<S> Layer<S> for OriginGuardLayer {
    type Service = OriginGuard<S>;

    fn layer(&self, inner: S) -> OriginGuard<S> {
        OriginGuard { inner, layer: self.clone() }
    }
}

/// The service [`OriginGuardLayer`] makes.
#[derive(Debug, Clone)]
pub struct OriginGuard<S> {
    inner: S,
    layer: OriginGuardLayer,
}

/// A guarded answer's body: the refusal's own text, or the inner answer's.
pub type GuardedBody<R> = Either<Full<Bytes>, R>;

impl<S, B, R> Service<Request<B>> for OriginGuard<S>
where
    S: Service<Request<B>, Response = Response<R>>,
{
    type Response = Response<GuardedBody<R>>;
    type Error = S::Error;
    type Future = Guarded<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let index = match self.layer.hosts.check_request(&req) {
            Ok(index) => index,
            Err(refusal) => return Guarded::Refused { response: Some(hosts::refusal(refusal)) },
        };
        req.extensions_mut().insert(ServedHost(index));
        let answer = match &self.layer.headers {
            Headers::Page(headers) => Some(headers.for_request(index, req.uri().path())),
            Headers::Other(headers) => Some(headers.for_request(req.uri().path())),
            Headers::Api => None,
        };
        Guarded::Passed { inner: self.inner.call(req), answer: Some(answer) }
    }
}

pin_project! {
    /// A guarded request's answer on its way: refused at once (the refusal,
    /// until handed out), or passed on (the inner answer, and the page
    /// origin's headers as decided from the request; `None` inside for the
    /// API origin's).
    // pin-project-lite takes no doc comments on enum fields.
    #[allow(missing_docs)]
    #[project = GuardedProj]
    pub enum Guarded<F> {
        Refused { response: Option<Response<Full<Bytes>>> },
        Passed { #[pin] inner: F, answer: Option<Option<PageAnswer>> },
    }
}

impl<F, R, E> Future for Guarded<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = Result<Response<GuardedBody<R>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            GuardedProj::Refused { response } => {
                // Polled once more after Ready would be a caller's bug: answer
                // an empty 400 rather than panic.
                let response = response.take().unwrap_or_default();
                Poll::Ready(Ok(response.map(Either::Left)))
            }
            GuardedProj::Passed { inner, answer } => {
                let mut res = ready!(inner.poll(cx))?;
                match answer.take().flatten() {
                    Some(page) => security_headers::apply_page(page, res.headers_mut()),
                    None => security_headers::apply_api(res.headers_mut()),
                }
                Poll::Ready(Ok(res.map(Either::Right)))
            }
        }
    }
}
