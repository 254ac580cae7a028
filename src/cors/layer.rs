//! The CORS middleware of the API origin: reads the policy in force, lets the
//! pure [`Policy::decide`] rule, then answers a preflight itself or adds the
//! headers to the handler's response.
//!
//! The [`Setup`] sits behind an [`ArcSwap`]: loading it is one atomic read
//! per request, a switch replaces it whole (a request never sees half of
//! two policies), and a setup without a policy means the middleware is
//! removed, as when the tutorial's Rack::Cors block is deleted.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use arc_swap::ArcSwap;
use axum::body::Body;
use axum::http::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use pin_project_lite::pin_project;
use smallvec::SmallVec;
use tower::{Layer, Service};

use super::decide::{CorsHeader, CorsRequest, Decision, UNREADABLE, Value, Verdict};
use super::policy::HeaderLookup;
use super::setup::Setup;

/// The setup in force, shared by the middleware and whoever switches it.
pub type PolicySwitch = Arc<ArcSwap<Setup>>;

/// What the middleware did, left in the response's extensions for the
/// access log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorsOutcome {
    /// The middleware is removed (`--no-cors`).
    Off,
    /// The policy's verdict.
    Decided(Verdict),
}

impl CorsOutcome {
    /// A short word for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Decided(v) => v.as_str(),
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

/// The decision's headers as header values.
fn convert(decision: &Decision<'_>) -> SmallVec<[(CorsHeader, HeaderValue); 4]> {
    let mut headers = SmallVec::new();
    for (name, value) in &decision.headers {
        if let Some(value) = header_value(value) {
            headers.push((*name, value));
        }
    }
    headers
}

const VARY_ORIGIN: HeaderValue = HeaderValue::from_static("Origin");
const TRUE: HeaderValue = HeaderValue::from_static("true");
const ANY: HeaderValue = HeaderValue::from_static("*");

/// The names the core writes are standard ones: constants, no lookup.
fn header_name(name: CorsHeader) -> HeaderName {
    match name {
        CorsHeader::Vary => header::VARY,
        CorsHeader::AllowOrigin => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        CorsHeader::AllowCredentials => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        CorsHeader::AllowMethods => header::ACCESS_CONTROL_ALLOW_METHODS,
        CorsHeader::AllowHeaders => header::ACCESS_CONTROL_ALLOW_HEADERS,
        CorsHeader::ExposeHeaders => header::ACCESS_CONTROL_EXPOSE_HEADERS,
        CorsHeader::MaxAge => header::ACCESS_CONTROL_MAX_AGE,
    }
}

/// Values come from the policy or from a request header that was already
/// valid; one that is not a valid header value (a bug) is skipped, never a
/// panic.
fn header_value(value: &Value<'_>) -> Option<HeaderValue> {
    match value {
        // Literals of the core: the usual ones are constants, checked when
        // this file was compiled.
        Value::Static("Origin") => Some(VARY_ORIGIN),
        Value::Static("true") => Some(TRUE),
        Value::Static("*") => Some(ANY),
        Value::Static(text) => Some(HeaderValue::from_static(text)),
        // Copied, not shared: a request's header values are slices of its
        // connection's read buffer, and the exchange record would keep
        // that whole buffer alive.
        Value::Origin(origin) => HeaderValue::from_str(origin).ok(),
        Value::Shared(text) => HeaderValue::from_maybe_shared(text.bytes()).ok(),
        Value::Text(text) => HeaderValue::from_str(text).ok(),
    }
}

/// The request's headers as the pure core reads them.
struct RequestHeaders<'a>(&'a HeaderMap);

impl HeaderLookup for RequestHeaders<'_> {
    /// A resource's condition reads one value: a header sent twice is
    /// present but equals nothing, so a condition cannot be met by sending
    /// the expected value next to another one.
    fn get(&self, name: &str) -> Option<&str> {
        // Looked up by &str: http parses it on the stack, no allocation.
        single(self.0, name)
    }
}

fn cors_request<'a, B>(
    req: &'a Request<B>,
    lookup: &'a RequestHeaders<'a>,
    request_headers: Option<&'a str>,
) -> CorsRequest<'a> {
    let headers = req.headers();
    // Only a preflight (OPTIONS) is asked what it intends; on other methods
    // the `Access-Control-Request-*` headers mean nothing, so they are not
    // even looked up.
    let options = req.method() == Method::OPTIONS;
    CorsRequest {
        headers: Some(lookup),
        method: req.method().as_str(),
        path: req.uri().path(),
        origin: single(headers, &header::ORIGIN),
        request_method: if options { single(headers, &header::ACCESS_CONTROL_REQUEST_METHOD) } else { None },
        request_headers: if options { request_headers } else { None },
    }
}

/// A header that holds one value (`Origin`, a method): `None` when absent;
/// [`UNREADABLE`] when sent twice or not visible ASCII, so that it never
/// matches anything and the request is refused, not read as "absent".
fn single(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    Some(if values.next().is_some() { UNREADABLE } else { first.to_str().unwrap_or(UNREADABLE) })
}

/// A list header (`Access-Control-Request-Headers`): fields sent more than
/// once are one comma-joined list, as HTTP says (RFC 9110, 5.3); borrowed
/// unless it was repeated. [`UNREADABLE`] when any value is not visible
/// ASCII: refused, never read as "no headers requested".
fn joined<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<Cow<'a, str>> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    let Ok(first) = first.to_str() else {
        return Some(Cow::Borrowed(UNREADABLE));
    };
    let mut list = Cow::Borrowed(first);
    for value in values {
        let Ok(value) = value.to_str() else {
            return Some(Cow::Borrowed(UNREADABLE));
        };
        let list = list.to_mut();
        list.push_str(", ");
        list.push_str(value);
    }
    Some(list)
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use tower::ServiceExt;

    use super::*;
    use crate::cors::defaults::tutorial_policy;
    use crate::cors::origin::Origin;
    use crate::cors::setup::Quirks;

    const PAGE: &str = "http://localhost:3000";

    fn setup(extra: Option<&str>) -> Arc<Setup> {
        let policy = Arc::new(tutorial_policy(&[Origin::parse(PAGE).expect("origin")]).expect("policy"));
        let extra_headers = extra.map(|v| (CorsHeader::ExposeHeaders, v.to_owned())).into_iter().collect();
        Arc::new(Setup { quirks: Quirks { extra_headers, ..Quirks::default() }, ..Setup::correct(policy) })
    }

    type Handler = tower::util::ServiceFn<fn(Request<Body>) -> Ready>;

    async fn get(service: &Cors<Handler>, origin: &str) -> Vec<String> {
        let req = Request::get("/cors/results").header(header::ORIGIN, origin).body(Body::empty()).expect("request");
        let res = service.clone().oneshot(req).await.expect("infallible");
        res.headers().iter().map(|(n, v)| format!("{n}: {}", v.to_str().unwrap_or("?"))).collect()
    }

    type Ready = std::future::Ready<Result<Response, Infallible>>;

    fn ok(_: Request<Body>) -> Ready {
        std::future::ready(Ok(Response::new(Body::empty())))
    }

    #[tokio::test]
    async fn answers_follow_the_setup_in_force() {
        let switch: PolicySwitch = Arc::new(ArcSwap::new(setup(None)));
        let service = CorsLayer::new(Arc::clone(&switch)).layer(tower::service_fn(ok as fn(_) -> Ready));
        let first = get(&service, PAGE).await;
        assert!(first.contains(&format!("access-control-allow-origin: {PAGE}")), "{first:?}");
        assert_eq!(get(&service, PAGE).await, first, "the same request, the same answer");
        // Another setup in force: its own answer, at once.
        switch.store(setup(Some("X-Lap")));
        let second = get(&service, PAGE).await;
        assert!(second.contains(&"access-control-expose-headers: X-Lap".to_owned()), "{second:?}");
        // A refused origin is never given a granted answer.
        let refused = get(&service, "http://evil.example").await;
        assert!(refused.iter().all(|h| !h.starts_with("access-control")), "{refused:?}");
    }

    /// A policy with a `*`-headers resource (where `Authorization` must still
    /// be named) and an admin one that allows only Content-Type.
    const LISTS: &str = r#"
[[allow]]
origins = ["http://localhost:3000"]
  [[allow.resource]]
  path = "/admin/*"
  methods = ["GET", "POST"]
  headers = ["Content-Type"]
  [[allow.resource]]
  path = "/any/*"
  methods = "*"
  headers = "*"
  [[allow.resource]]
  path = "/cond/*"
  if = { header = "X-Lab", equals = "on" }
[[allow]]
origins = ["*"]
  [[allow.resource]]
  path = "/public/*"
"#;

    fn lists_service() -> Cors<Handler> {
        use crate::cors::file::{PolicyContext, fixed_env, parse};
        let registry = crate::cors::registry::OriginRegistry::new();
        let env = fixed_env(&[]);
        let policy = parse("lists.toml", LISTS, &PolicyContext::new(&[], &registry, &env)).expect("valid");
        let switch: PolicySwitch = Arc::new(ArcSwap::new(Arc::new(Setup::correct(Arc::new(policy)))));
        CorsLayer::new(switch).layer(tower::service_fn(ok as fn(_) -> Ready))
    }

    /// Sends `req`; returns the status, the middleware's verdict and the CORS headers.
    async fn send(service: &Cors<Handler>, req: Request<Body>) -> (u16, &'static str, Vec<String>) {
        let res = service.clone().oneshot(req).await.expect("infallible");
        let outcome = res.extensions().get::<CorsOutcome>().map_or("none", |o| o.as_str());
        let cors = res
            .headers()
            .iter()
            .filter(|(n, _)| n.as_str().starts_with("access-control"))
            .map(|(n, v)| format!("{n}: {}", v.to_str().unwrap_or("?")))
            .collect();
        (res.status().as_u16(), outcome, cors)
    }

    fn preflight(path: &str, method: &str, extra: &[(&str, &[u8])]) -> Request<Body> {
        let mut req = Request::options(path).header(header::ORIGIN, PAGE);
        if !method.is_empty() {
            req = req.header(header::ACCESS_CONTROL_REQUEST_METHOD, method);
        }
        for (name, value) in extra {
            req = req.header(*name, HeaderValue::from_bytes(value).expect("test value"));
        }
        req.body(Body::empty()).expect("request")
    }

    const ACRH: &str = "access-control-request-headers";

    #[tokio::test]
    async fn a_repeated_request_headers_field_is_one_list_and_is_checked_whole() {
        let service = lists_service();
        // Two fields: the second asks for what the admin resource does not allow.
        let twice = preflight("/admin/x", "POST", &[(ACRH, b"content-type"), (ACRH, b"x-evil")]);
        let (status, outcome, cors) = send(&service, twice).await;
        assert_eq!((status, outcome), (204, "refused:header"), "{cors:?}");
        assert!(cors.is_empty(), "{cors:?}");
        // `*` never covers Authorization, however the list is split.
        let auth = preflight("/any/x", "GET", &[(ACRH, b"x-a"), (ACRH, b"authorization")]);
        assert_eq!(send(&service, auth).await.1, "refused:header");
        // Both allowed: granted, and the echo names both.
        let both = preflight("/any/x", "GET", &[(ACRH, b"x-a"), (ACRH, b"x-b")]);
        let (_, outcome, cors) = send(&service, both).await;
        assert_eq!(outcome, "granted");
        assert!(cors.contains(&"access-control-allow-headers: x-a, x-b".to_owned()), "{cors:?}");
    }

    #[tokio::test]
    async fn unreadable_or_repeated_cors_fields_are_refused_not_ignored() {
        let service = lists_service();
        let cases: [(&str, Request<Body>); 5] = [
            ("non-ASCII request headers", preflight("/any/x", "GET", &[(ACRH, b"x-\xe9")])),
            ("non-ASCII request headers, second field", preflight("/any/x", "GET", &[(ACRH, b"x-a"), (ACRH, b"\xff")])),
            ("method twice", preflight("/any/x", "GET", &[("access-control-request-method", b"PUT")])),
            ("empty method under methods = *", preflight("/any/x", "", &[("access-control-request-method", b"")])),
            ("origin twice", preflight("/public/x", "GET", &[("origin", b"http://evil.example")])),
        ];
        for (what, req) in cases {
            let (status, outcome, cors) = send(&service, req).await;
            assert_eq!((status, outcome), (204, "refused:malformed"), "{what}: {cors:?}");
            assert!(cors.is_empty(), "{what}: {cors:?}");
        }
        // Two Origins on an actual request, even under `*`: no CORS headers.
        let req = Request::get("/public/x")
            .header(header::ORIGIN, PAGE)
            .header(header::ORIGIN, PAGE)
            .body(Body::empty())
            .expect("request");
        let (_, outcome, cors) = send(&service, req).await;
        assert_eq!(outcome, "refused:malformed");
        assert!(cors.is_empty(), "{cors:?}");
    }

    #[tokio::test]
    async fn an_options_without_origin_is_not_a_preflight_and_reaches_the_app() {
        let service = lists_service();
        let req = Request::options("/admin/x")
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .body(Body::empty())
            .expect("request");
        let (status, outcome, cors) = send(&service, req).await;
        // The handler's 200, not the middleware's 204.
        assert_eq!((status, outcome), (200, "n/a"), "{cors:?}");
        assert!(cors.is_empty());
    }

    #[tokio::test]
    async fn a_condition_is_not_met_by_a_header_sent_twice() {
        let service = lists_service();
        let get = |values: &[&str]| {
            let mut req = Request::get("/cond/x").header(header::ORIGIN, PAGE);
            for value in values {
                req = req.header("x-lab", *value);
            }
            req.body(Body::empty()).expect("request")
        };
        assert_eq!(send(&service, get(&["on"])).await.1, "granted");
        assert_eq!(send(&service, get(&["on", "off"])).await.1, "refused:origin");
        assert_eq!(send(&service, get(&["on", "on"])).await.1, "refused:origin");
    }
}
