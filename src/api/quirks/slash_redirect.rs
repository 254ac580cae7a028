//! `preflight-redirect`: routes declared with a trailing slash, and a
//! router that redirects a request without it (`308`, as Flask's and
//! Django's do), behind the CORS layer, which adds its headers to the
//! redirect. A simple request follows the redirect and works; a preflight
//! is never followed (the Fetch standard's CORS-preflight fetch takes only
//! an ok status), so every preflighted request to such a path fails.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, Uri, header};
use tower::{Layer, Service};

use crate::cors::PolicySwitch;
use crate::cors::policy::PathPattern;

/// The redirect behind the CORS layer, as a tower layer.
#[derive(Debug, Clone)]
pub struct BehindLayer {
    switch: PolicySwitch,
}

impl BehindLayer {
    /// Reads whatever setup `switch` holds at each request.
    pub fn new(switch: PolicySwitch) -> Self {
        Self { switch }
    }
}

impl<S> Layer<S> for BehindLayer {
    type Service = Behind<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Behind { inner, switch: self.switch.clone() }
    }
}

/// The service [`BehindLayer`] puts between the CORS layer and the routes.
#[derive(Debug, Clone)]
pub struct Behind<S> {
    inner: S,
    switch: PolicySwitch,
}

impl<S, B> Service<Request<B>> for Behind<S>
where
    S: Service<Request<B>, Response = Response<Body>, Error = Infallible>,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = futures_util::future::Either<std::future::Ready<Result<Response<Body>, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        use futures_util::future::Either;
        let setup = self.switch.load();
        let routed = &setup.quirks.around.slash_redirect;
        if routed.is_empty() {
            return Either::Right(self.inner.call(req));
        }
        match route(routed, req.uri()) {
            Route::Redirect(location) => return Either::Left(std::future::ready(Ok(redirect(location)))),
            Route::As(uri) => *req.uri_mut() = uri,
            Route::Unchanged => {}
        }
        Either::Right(self.inner.call(req))
    }
}

/// What the router does with a path.
#[derive(Debug, PartialEq)]
enum Route {
    /// Redirect to the path with its slash (and the same query).
    Redirect(HeaderValue),
    /// The slashed path: served by the route of the path without it.
    As(Uri),
    /// Not a slash-routed path.
    Unchanged,
}

fn route(routed: &[PathPattern], uri: &Uri) -> Route {
    let path = uri.path();
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    if routed.iter().any(|p| p.matches(path)) {
        // A parsed path and query are visible ASCII: a valid header value.
        return HeaderValue::try_from(format!("{path}/{query}")).map_or(Route::Unchanged, Route::Redirect);
    }
    match path.strip_suffix('/') {
        Some(bare) if !bare.is_empty() && routed.iter().any(|p| p.matches(bare)) => {
            format!("{bare}{query}").parse().map_or(Route::Unchanged, Route::As)
        }
        _ => Route::Unchanged,
    }
}

fn redirect(location: HeaderValue) -> Response<Body> {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::PERMANENT_REDIRECT;
    res.headers_mut().insert(header::LOCATION, location);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routed() -> Vec<PathPattern> {
        vec![PathPattern::parse(1, "/cors/results").expect("pattern")]
    }

    #[test]
    fn the_bare_path_is_redirected_with_its_query() {
        let uri: Uri = "/cors/results?tab=a1".parse().expect("uri");
        assert_eq!(route(&routed(), &uri), Route::Redirect(HeaderValue::from_static("/cors/results/?tab=a1")));
    }

    #[test]
    fn the_slashed_path_is_served_by_the_route_and_others_are_left_alone() {
        let uri: Uri = "/cors/results/?tab=a1".parse().expect("uri");
        assert_eq!(route(&routed(), &uri), Route::As("/cors/results?tab=a1".parse().expect("uri")));
        let other: Uri = "/api/v1/users/me".parse().expect("uri");
        assert_eq!(route(&routed(), &other), Route::Unchanged);
        assert_eq!(route(&routed(), &"/".parse().expect("uri")), Route::Unchanged);
    }
}
