//! `judge` against hand-made exchange records: granted, cached, refused, and the
//! three scenarios where only the server knows why it refused.

use axum::http::{HeaderName, HeaderValue};

use super::*;
use crate::exchanges::RequestParts;

fn exchange(id: u64, method: &str, status: u16, headers: &[(&str, &str)]) -> Arc<Exchange> {
    let preflight = method == "OPTIONS";
    Arc::new(recorded(id, method, status, headers, preflight.then_some("POST"), preflight.then_some("content-type")))
}

/// An exchange as the access log records it, with these request fields.
fn recorded(
    id: u64,
    method: &str,
    status: u16,
    headers: &[(&str, &str)],
    request_method: Option<&str>,
    request_headers: Option<&str>,
) -> Exchange {
    let parts = RequestParts {
        tab: Some("t1"),
        method,
        path: "/cors/results",
        origin: Some(b"http://localhost:3000"),
        request_method: request_method.map(str::as_bytes),
        request_headers: request_headers.map(str::as_bytes),
        sec_fetch: [Some(b"cors".as_slice()), Some(b"same-site"), Some(b"empty")],
    };
    let response_headers = headers
        .iter()
        .map(|(n, v)| {
            let name = HeaderName::from_bytes(n.as_bytes()).expect("a header name");
            (name, HeaderValue::from_str(v).expect("a header value"))
        })
        .collect();
    Exchange { status, cors: "granted", response_headers, ..Exchange::new(id, "api", &parts, false) }
}

fn policy(_: &str) -> InForce {
    InForce::default()
}

/// A preflight as the CORS layer recorded it, with no Access-Control-* in its answer.
fn refused(cors: &'static str, status: u16, method: &str, headers: Option<&str>) -> Arc<Exchange> {
    Arc::new(Exchange { cors, ..recorded(1, "OPTIONS", status, &[], Some(method), headers) })
}

fn json_post(preflight: Option<u64>, actual: Option<u64>) -> VerdictRequest {
    VerdictRequest {
        tab: "t1".into(),
        preflight,
        actual,
        request: PageRequest {
            method: "POST".into(),
            url: "https://localhost:3001/cors/results?tab=t1".into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            credentials: "same-origin".into(),
            kind: "fetch".into(),
        },
    }
}

const GRANT: &[(&str, &str)] = &[
    ("access-control-allow-origin", "http://localhost:3000"),
    ("access-control-allow-methods", "GET, POST"),
    ("access-control-allow-headers", "content-type"),
];

#[test]
fn a_granted_pair_is_readable() {
    let recent = [exchange(1, "OPTIONS", 204, GRANT), exchange(2, "POST", 200, &GRANT[..1])];
    let reply = judge(&recent, &json_post(Some(1), Some(2)), &policy).expect("judged");
    assert!(reply.readable && reply.preflight_needed && !reply.preflight_cached, "{reply:?}");
}

#[test]
fn a_missing_preflight_means_the_browser_reused_a_cached_one() {
    let recent = [
        exchange(1, "OPTIONS", 204, GRANT),
        exchange(2, "POST", 200, &GRANT[..1]),
        exchange(3, "POST", 200, &GRANT[..1]),
    ];
    let reply = judge(&recent, &json_post(None, Some(3)), &policy).expect("judged");
    assert!(reply.readable && reply.preflight_cached, "{reply:?}");
}

#[test]
fn a_refused_preflight_is_explained_like_the_console() {
    let recent = [exchange(1, "OPTIONS", 204, &[])];
    let reply = judge(&recent, &json_post(Some(1), None), &policy).expect("judged");
    assert!(!reply.readable);
    let message = reply.console_message.expect("a console line");
    assert!(message.contains("Response to preflight request doesn't pass access control check"), "{message}");
    assert!(reply.summary.starts_with("Blocked by the browser"));
    assert!(reply.fix.is_some());
    let chromium = reply.chromium.expect("Chromium's words");
    assert_eq!((chromium.message.as_str(), chromium.code), (message.as_str(), "PreflightMissingAllowOriginHeader"));
    let firefox = reply.firefox.expect("Firefox's words");
    assert_eq!(firefox.code, "CORSMissingAllowOrigin2");
    assert!(firefox.message.starts_with("Cross-Origin Request Blocked: "), "{}", firefox.message);
    assert!(
        firefox.message.ends_with("(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 204.")
    );
}

#[test]
fn the_reply_json_keeps_console_message_and_adds_each_browsers_words() {
    let recent = [exchange(1, "OPTIONS", 204, &[])];
    let reply = judge(&recent, &json_post(Some(1), None), &policy).expect("judged");
    let json = serde_json::to_value(&reply).expect("serializable");
    assert_eq!(json["console_message"], json["chromium"]["message"], "the old field stays, for older scripts");
    assert_eq!(json["chromium"]["code"], "PreflightMissingAllowOriginHeader");
    assert_eq!(json["firefox"]["code"], "CORSMissingAllowOrigin2");
    assert!(json["firefox"]["message"].as_str().is_some_and(|m| m.starts_with("Cross-Origin Request Blocked: ")));
}

#[test]
fn another_tabs_exchanges_are_not_judged() {
    let recent = [exchange(1, "OPTIONS", 204, GRANT)];
    let mut other = json_post(Some(1), None);
    other.tab = "t2".into();
    assert!(judge(&recent, &other, &policy).is_err());
}

// The three scenarios where every browser says "no Allow-Origin" although
// the origin is allowed: the fix must come from the server's reason.

#[test]
fn methods_get_only_a_refused_put_is_fixed_by_adding_the_method() {
    let recent = [refused("refused:method", 204, "PUT", None)];
    let mut put = json_post(Some(1), None);
    put.request.method = "PUT".into();
    put.request.headers.clear();
    let reply = judge(&recent, &put, &policy).expect("judged");
    let fix = reply.fix.expect("a fix");
    assert!(fix.starts_with("Add PUT to the methods of the resource covering /cors/results"), "{fix}");
    assert!(!fix.contains("Allow the origin"), "{fix}");
    let said = reply.server_said.expect("the server's side");
    assert!(said.contains("refused the method PUT"), "{said}");
}

#[test]
fn missing_allowed_header_a_refused_json_post_is_fixed_by_adding_the_header() {
    let recent = [refused("refused:header", 204, "POST", Some("content-type"))];
    let reply = judge(&recent, &json_post(Some(1), None), &policy).expect("judged");
    let fix = reply.fix.expect("a fix");
    assert!(fix.starts_with("Add the headers it asked for (content-type) to the headers"), "{fix}");
    assert!(!fix.contains("Allow the origin"), "{fix}");
    assert!(reply.server_said.expect("said").contains("refused a header"));
}

#[test]
fn no_preflight_handler_a_404_preflight_is_fixed_by_answering_options_first() {
    let recent = [refused("n/a", 404, "POST", Some("content-type"))];
    let in_force = |_: &str| InForce { preflight_status: Some(404), ..InForce::default() };
    let reply = judge(&recent, &json_post(Some(1), None), &in_force).expect("judged");
    let fix = reply.fix.expect("a fix");
    assert!(fix.starts_with("Answer OPTIONS before routing"), "{fix}");
    assert!(reply.server_said.expect("said").contains("answered 404 before the CORS policy ran"));
}

#[test]
fn a_granted_preflight_keeps_the_browsers_fix() {
    // Granted by the policy, yet the answer lacks what the browser needs:
    // the server has no refusal to report, so the browser's fix stands.
    let recent = [exchange(1, "OPTIONS", 204, &GRANT[1..])];
    let reply = judge(&recent, &json_post(Some(1), None), &policy).expect("judged");
    assert!(reply.fix.expect("a fix").starts_with("Allow the origin"));
    assert!(reply.server_said.expect("said").starts_with("The policy granted the preflight"));
}
