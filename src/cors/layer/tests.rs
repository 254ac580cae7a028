//! The middleware against a handler, in process: the headers and verdicts a
//! request gets, preflights answered here, malformed fields refused.

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
