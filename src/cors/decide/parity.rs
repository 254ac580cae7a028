//! The engine held against Rack::Cors and tower-http's `CorsLayer`: the
//! behaviours their own test suites pin down, and where we differ on
//! purpose. Each case names the library behaviour it mirrors.

use std::sync::LazyLock;

use super::*;
use crate::cors::file::{PolicyContext, fixed_env, parse};
use crate::cors::origin::Origin;
use crate::cors::registry::OriginRegistry;

const RACK_LIKE: &str = r#"
[[allow]]
origins = ["http://localhost:3000", "https://app.example"]
  [[allow.resource]]
  path = "/api/*"
  methods = ["GET", "POST", "PUT"]
  headers = ["X-Domain-Token", "Content-Type"]
  expose = ["X-Total-Count"]
  max_age = 600
  [[allow.resource]]
  path = "/any-headers/*"
  headers = "*"
  methods = "*"
[[allow]]
origins = ["*"]
  [[allow.resource]]
  path = "/public/*"
"#;

/// One policy for every case: a decision borrows from the policy it came from.
static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    let registry = OriginRegistry::new();
    let env = fixed_env(&[]);
    let page: [Origin; 0] = [];
    parse("parity.toml", RACK_LIKE, &PolicyContext::new(&page, &registry, &env)).expect("valid")
});

fn get<'a>(path: &'a str, origin: Option<&'a str>) -> CorsRequest<'a> {
    CorsRequest { method: "GET", path, origin, ..Default::default() }
}

fn pre<'a>(path: &'a str, origin: &'a str, method: &'a str, headers: &'a str) -> CorsRequest<'a> {
    CorsRequest {
        method: "OPTIONS",
        path,
        origin: Some(origin),
        request_method: Some(method),
        request_headers: Some(headers),
        headers: None,
    }
}

fn has(d: &Decision<'_>, name: &str, value: &str) -> bool {
    d.headers.iter().any(|(n, v)| n.as_str() == name && v.as_str() == value)
}

fn cors_headers(d: &Decision<'_>) -> usize {
    d.headers.iter().filter(|(n, _)| n.as_str().starts_with("access-control-")).count()
}

// Rack::Cors "should support simple CORS request": the origin is echoed
// from the allowlist, with the exposed headers.
#[test]
fn simple_request_echoes_the_allowed_origin() {
    let d = POLICY.decide(&get("/api/x", Some("https://app.example")));
    assert!(has(&d, "access-control-allow-origin", "https://app.example"));
    assert!(has(&d, "access-control-expose-headers", "X-Total-Count"));
}

// Rack::Cors "should not return CORS headers if Origin header isn't present",
// "should add Vary header if resource matches even if Origin header isn't present".
#[test]
fn no_origin_gets_vary_but_no_cors_headers() {
    let d = POLICY.decide(&get("/api/x", None));
    assert_eq!(cors_headers(&d), 0);
    assert!(has(&d, "vary", "Origin"));
}

// Rack::Cors "should support '*' origin": answered with a literal `*`.
#[test]
fn public_resources_answer_with_a_wildcard() {
    let d = POLICY.decide(&get("/public/a", Some("https://anyone.example")));
    assert!(has(&d, "access-control-allow-origin", "*"));
}

// Rack::Cors preflight: "should allow headers case insensitive" and "should
// not allow headers that are not in the list" (no CORS headers at all).
#[test]
fn preflight_headers_are_case_insensitive_and_checked() {
    let ok = POLICY.decide(&pre("/api/x", "https://app.example", "PUT", "x-domain-token, CONTENT-TYPE"));
    assert_eq!(ok.verdict, PolicyVerdict::Granted);
    assert!(has(&ok, "access-control-allow-methods", "GET, POST, PUT"));
    let bad = POLICY.decide(&pre("/api/x", "https://app.example", "PUT", "x-other"));
    assert_eq!(bad.verdict, PolicyVerdict::HeaderRefused);
    assert_eq!(cors_headers(&bad), 0);
}

// Rack::Cors "should not allow a method not in the list". tower-http would
// answer this preflight with its full header set and let the browser
// refuse it; we refuse it here (see the module comment) so a learner's
// curl shows the same verdict the browser reaches.
#[test]
fn preflight_methods_are_checked_here_unlike_tower_http() {
    let d = POLICY.decide(&pre("/api/x", "https://app.example", "DELETE", ""));
    assert_eq!(d.verdict, PolicyVerdict::MethodRefused);
    assert_eq!(cors_headers(&d), 0);
}

// Rack::Cors `headers: :any` echoes the requested headers; tower-http's
// `AllowHeaders::mirror_request` does the same. `Authorization` is the one
// exception, as in browsers' own `*` rule.
#[test]
fn any_headers_mirror_the_request_except_authorization() {
    let d = POLICY.decide(&pre("/any-headers/x", "http://localhost:3000", "PATCH", "x-a, x-b"));
    assert!(has(&d, "access-control-allow-headers", "x-a, x-b"));
    assert!(has(&d, "access-control-allow-methods", "PATCH"));
    let auth = POLICY.decide(&pre("/any-headers/x", "http://localhost:3000", "GET", "authorization"));
    assert_eq!(auth.verdict, PolicyVerdict::HeaderRefused);
}

// tower-http's CorsLayer sends its static headers (e.g. allow-methods) to
// refused origins too; Rack::Cors sends nothing. We follow Rack::Cors: a
// refused origin learns nothing about the policy.
#[test]
fn refused_origins_learn_nothing_unlike_tower_http() {
    let d = POLICY.decide(&get("/api/x", Some("https://evil.example")));
    assert_eq!(d.verdict, PolicyVerdict::OriginRefused);
    assert_eq!(cors_headers(&d), 0);
}

// tower-http's `Vary` for preflights lists the three request headers the
// answer depends on; we do the same.
#[test]
fn preflight_vary_names_the_request_headers() {
    let d = POLICY.decide(&pre("/api/x", "https://app.example", "GET", ""));
    assert!(has(&d, "vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"));
}

// Rack::Cors matches resources in order within a block; paths outside every
// resource are not CORS resources at all.
#[test]
fn paths_outside_every_resource_are_left_alone() {
    let d = POLICY.decide(&get("/private/x", Some("https://app.example")));
    assert_eq!((d.verdict, d.headers.len()), (PolicyVerdict::NotCors, 0));
}

// Rack::Cors `CORS_SIMPLE_HEADERS`: Accept, Accept-Language, Content-Language
// and Content-Type are allowed on every resource, so a Rack config listing
// only custom headers accepts a JSON POST. The answer names what the
// browser will check.
#[test]
fn safelisted_request_headers_are_always_allowed_as_in_rack_cors() {
    let d = POLICY.decide(&pre("/api/x", "https://app.example", "POST", "x-domain-token, content-type, Accept"));
    assert_eq!(d.verdict, PolicyVerdict::Granted);
    // Content-Type is in the list already; Accept is added for the browser.
    assert!(has(&d, "access-control-allow-headers", "x-domain-token, content-type, accept"), "{d:?}");
    let listed = POLICY.decide(&pre("/api/x", "https://app.example", "POST", "content-type"));
    assert!(has(&listed, "access-control-allow-headers", "x-domain-token, content-type"), "{listed:?}");
    // Never Authorization, nor anything else not listed.
    let auth = POLICY.decide(&pre("/api/x", "https://app.example", "POST", "content-language, authorization"));
    assert_eq!(auth.verdict, PolicyVerdict::HeaderRefused);
}

// Rack::Cors splits `Access-Control-Request-Headers` on `,\s*` and Ruby
// drops the trailing empty element: `x-domain-token,` is granted.
#[test]
fn empty_request_header_elements_are_ignored() {
    let d = POLICY.decide(&pre("/api/x", "https://app.example", "PUT", "x-domain-token,"));
    assert_eq!(d.verdict, PolicyVerdict::Granted);
    assert_eq!(POLICY.decide(&pre("/api/x", "https://app.example", "PUT", ",, ,")).verdict, PolicyVerdict::Granted);
}

// `methods = "*"` echoes the requested method, so it must be a token.
#[test]
fn any_methods_echo_only_tokens() {
    let ok = POLICY.decide(&pre("/any-headers/x", "http://localhost:3000", "PROPFIND", ""));
    assert!(has(&ok, "access-control-allow-methods", "PROPFIND"));
    for bad in ["", "GET, PUT", "P\"UT", "PUT\u{0}"] {
        let d = POLICY.decide(&pre("/any-headers/x", "http://localhost:3000", bad, ""));
        assert_eq!(d.verdict, PolicyVerdict::MalformedRequest, "{bad:?}");
        assert_eq!(cors_headers(&d), 0);
    }
}
