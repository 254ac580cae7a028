use std::sync::LazyLock;

use super::*;
use crate::cors::defaults::tutorial_policy;
use crate::cors::origin::Origin;

const PAGE: &str = "http://localhost:3000";

/// One policy for every test: a decision borrows from the policy it came from.
static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    let origins = ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"]
        .map(|o| Origin::parse(o).expect("valid origin"));
    tutorial_policy(&origins).expect("valid policy")
});

fn header<'d>(d: &'d Decision<'_>, name: &str) -> Option<&'d str> {
    d.header(name)
}

fn preflight<'a>(origin: &'a str, method: &'a str, headers: &'a str) -> CorsRequest<'a> {
    CorsRequest {
        method: "OPTIONS",
        path: "/cors/results",
        origin: Some(origin),
        request_method: Some(method),
        request_headers: Some(headers),
        headers: None,
    }
}

#[test]
fn the_tutorials_curl_preflight_is_granted() {
    let d = POLICY.decide(&preflight(PAGE, "POST", "Origin, Accept, Content-Type"));
    assert!(d.answer_here);
    assert_eq!(d.verdict, PolicyVerdict::Granted);
    assert_eq!(header(&d, "access-control-allow-origin"), Some(PAGE));
    assert_eq!(header(&d, "access-control-allow-methods"), Some("GET, POST"));
    assert_eq!(header(&d, "access-control-allow-headers"), Some("origin, accept, content-type"));
    assert!(header(&d, "vary").is_some_and(|v| v.starts_with("Origin")));
}

#[test]
fn odd_spacing_and_case_in_the_header_list_are_fine() {
    let d = POLICY.decide(&preflight(PAGE, "POST", "  ORIGIN ,accept,\tContent-Type "));
    assert_eq!(d.verdict, PolicyVerdict::Granted);
    assert_eq!(parse_header_list(" a ,B"), Some(vec!["a".to_owned(), "b".to_owned()]));
    // Empty list elements are ignored, as HTTP says.
    assert_eq!(parse_header_list("a,,b,"), Some(vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!(parse_header_list(" , "), Some(vec![]));
    assert_eq!(parse_header_list("a b"), None);
    assert_eq!(parse_header_list("x-\u{e9}"), None);
}

#[test]
fn refused_preflights_get_no_access_control_headers() {
    let cases = [
        (preflight("http://evil.example", "POST", "content-type"), PolicyVerdict::OriginRefused),
        (preflight("http://localhost:3001", "POST", ""), PolicyVerdict::OriginRefused),
        (preflight("null", "POST", ""), PolicyVerdict::OriginRefused),
        (preflight(PAGE, "PUT", ""), PolicyVerdict::MethodRefused),
        (preflight(PAGE, "POST", "x-requested-with"), PolicyVerdict::HeaderRefused),
        (preflight(PAGE, "POST", "a b"), PolicyVerdict::MalformedRequest),
        (preflight(PAGE, "POST", UNREADABLE), PolicyVerdict::MalformedRequest),
        (preflight(PAGE, "", ""), PolicyVerdict::MalformedRequest),
        (preflight(PAGE, "PO ST", ""), PolicyVerdict::MalformedRequest),
        (preflight(UNREADABLE, "POST", ""), PolicyVerdict::MalformedRequest),
    ];
    for (req, verdict) in cases {
        let d = POLICY.decide(&req);
        assert_eq!(d.verdict, verdict, "{req:?}");
        assert!(d.answer_here, "the middleware answers every preflight of a CORS resource");
        assert!(d.headers.iter().all(|(n, _)| !n.as_str().starts_with("access-control")), "{d:?}");
        assert!(header(&d, "vary").is_some(), "refusals vary on Origin too");
    }
}

#[test]
fn simple_requests_from_every_page_name_are_granted_with_their_own_origin() {
    for origin in ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"] {
        let req = CorsRequest { method: "POST", path: "/cors/results", origin: Some(origin), ..Default::default() };
        let d = POLICY.decide(&req);
        assert!(!d.answer_here);
        assert_eq!(d.verdict, PolicyVerdict::Granted);
        assert_eq!(header(&d, "access-control-allow-origin"), Some(origin));
        assert_eq!(header(&d, "vary"), Some("Origin"));
        assert_eq!(header(&d, "access-control-allow-credentials"), None);
    }
}

#[test]
fn paths_outside_the_policy_are_not_cors_resources() {
    let req = CorsRequest { method: "GET", path: "/ajax/results", origin: Some(PAGE), ..Default::default() };
    let d = POLICY.decide(&req);
    assert_eq!(d.verdict, PolicyVerdict::NotCors);
    assert!(d.headers.is_empty());
    let pre = CorsRequest { path: "/jsonp/results", ..preflight(PAGE, "GET", "") };
    assert!(!POLICY.decide(&pre).answer_here);
}

#[test]
fn same_origin_or_curl_requests_without_origin_only_get_vary() {
    let req = CorsRequest { method: "GET", path: "/cors/results", ..Default::default() };
    let d = POLICY.decide(&req);
    assert_eq!(d.verdict, PolicyVerdict::NotCors);
    assert_eq!(d.header_pairs(), vec![("vary", "Origin".to_owned())]);
}

#[test]
fn unreadable_origins_are_refused() {
    let req = CorsRequest { method: "GET", path: "/cors/results", origin: Some(""), ..Default::default() };
    assert_eq!(POLICY.decide(&req).verdict, PolicyVerdict::OriginRefused);
    let req = CorsRequest { origin: Some(UNREADABLE), ..req };
    assert_eq!(POLICY.decide(&req).verdict, PolicyVerdict::MalformedRequest);
}

#[test]
fn a_trailing_comma_in_the_request_headers_is_ignored() {
    let d = POLICY.decide(&preflight(PAGE, "POST", "content-type,"));
    assert_eq!(d.verdict, PolicyVerdict::Granted);
}
