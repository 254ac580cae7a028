//! The server-side mistakes of the lab's scenarios that live around the
//! CORS layer, not in it: an authentication layer in front of it
//! ([`auth_first`]), a handler whose error page is written outside it
//! ([`failing`]), a shared cache in front of the whole API
//! ([`shared_cache`]), and a trailing-slash redirect behind it
//! ([`slash_redirect`]). Each reads the setup in force (`Setup::quirks`)
//! on every request and does nothing when the scenario does not ask for it.
//!
//! The API's stack: access log → body limit → [`Front`] → CORS →
//! [`slash_redirect::Behind`] → routes.

pub mod auth_first;
pub mod failing;
pub mod shared_cache;
pub mod slash_redirect;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::cors::{CorsOutcome, PolicySwitch};
use shared_cache::{Lookup, SharedCache};

/// What runs in front of the CORS layer, as a tower layer.
#[derive(Debug, Clone)]
pub struct FrontLayer {
    switch: PolicySwitch,
    cache: SharedCache,
}

impl FrontLayer {
    /// Reads whatever setup `switch` holds at each request.
    pub fn new(switch: PolicySwitch) -> Self {
        Self { switch, cache: SharedCache::default() }
    }
}

impl<S> Layer<S> for FrontLayer {
    type Service = Front<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Front { inner, switch: Arc::clone(&self.switch), cache: self.cache.clone() }
    }
}

/// The service [`FrontLayer`] puts in front of the CORS layer.
#[derive(Debug, Clone)]
pub struct Front<S> {
    inner: S,
    switch: PolicySwitch,
    cache: SharedCache,
}

type Boxed = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

impl<S, B> Service<Request<B>> for Front<S>
where
    S: Service<Request<B>, Response = Response<Body>, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = FrontFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let setup = self.switch.load_full();
        let around = &setup.quirks.around;
        let answer = auth_first::refuse(&around.auth_first, &req).or_else(|| failing::fail(&around.failing, &req));
        if let Some(response) = answer {
            return FrontFuture::Answered { response: Some(response) };
        }
        if around.shared_cache {
            match self.cache.lookup(&setup, &req) {
                Lookup::Hit(response) => return FrontFuture::Answered { response: Some(response) },
                Lookup::Miss(key, stored_for) => {
                    let (cache, future) = (self.cache.clone(), self.inner.call(req));
                    let stored: Boxed = Box::pin(async move {
                        let Ok(response) = future.await;
                        Ok(cache.store(&setup, key, stored_for, response).await)
                    });
                    return FrontFuture::Stored { future: stored };
                }
                Lookup::Skip => {}
            }
        }
        FrontFuture::Inner { future: self.inner.call(req) }
    }
}

pin_project! {
    /// The answer: one of the quirks' own, or the inner service's.
    #[project = Projected]
    #[allow(missing_docs)] // the macro takes no doc comments on fields
    pub enum FrontFuture<F> {
        /// A quirk answered (taken when polled).
        Answered { response: Option<Response<Body>> },
        /// The inner service answers, and the shared cache keeps it.
        Stored { future: Boxed },
        /// The inner service answers.
        Inner { #[pin] future: F },
    }
}

impl<F> Future for FrontFuture<F>
where
    F: Future<Output = Result<Response<Body>, Infallible>>,
{
    type Output = Result<Response<Body>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            Projected::Answered { response } => match response.take() {
                Some(res) => Poll::Ready(Ok(res)),
                // Polled again after completion: a caller's bug, not a panic.
                None => Poll::Pending,
            },
            Projected::Stored { future } => future.as_mut().poll(cx),
            Projected::Inner { future } => future.poll(cx),
        }
    }
}

/// A plain-text answer written by a quirk, marked for the access log with
/// what answered (`what`), carrying no CORS header.
fn plain(status: StatusCode, text: &'static str, what: &'static str) -> Response<Body> {
    let mut res = Response::new(Body::from(text));
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/plain; charset=utf-8"));
    res.extensions_mut().insert(CorsOutcome::Elsewhere(what));
    res
}

/// Whether the request carries credentials (a cookie or `Authorization`).
fn has_credentials<B>(req: &Request<B>) -> bool {
    req.headers().contains_key(header::COOKIE) || req.headers().contains_key(header::AUTHORIZATION)
}
