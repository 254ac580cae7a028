//! JSONP on the API origin.

use crate::helpers::{Req, TestApp};

#[tokio::test]
async fn a_valid_callback_gets_a_script_calling_it_with_the_fragment() {
    let app = TestApp::spawn().await;
    let reply = app.api(Req::get("/jsonp/results?callback=refreshSection")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/javascript; charset=utf-8"));
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    let json = reply
        .body
        .strip_prefix("refreshSection(")
        .and_then(|rest| rest.strip_suffix(");"))
        .unwrap_or_else(|| panic!("not a call: {}", reply.body));
    let fragment: String = serde_json::from_str(json).expect("the argument is one JSON string");
    assert!(fragment.contains("data-lap=") && fragment.contains("<table>"), "{fragment}");
}

#[tokio::test]
async fn bad_callbacks_get_400_without_an_echo() {
    let app = TestApp::spawn().await;
    let long = "a".repeat(65);
    let payloads = [
        "alert(1)//",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "a%3Balert(document.cookie)",
        "x%0A%3Cscript%3E",
        long.as_str(),
        "",
        "%E2%80%A8x",
    ];
    for payload in payloads {
        let reply = app.api(Req::get(&format!("/jsonp/results?callback={payload}"))).await;
        assert_eq!(reply.status, 400, "{payload}");
        assert_eq!(reply.header("content-type"), Some("text/plain; charset=utf-8"));
        assert!(!reply.body.contains("alert") && !reply.body.contains("<script"), "echoed: {}", reply.body);
        if !payload.is_empty() {
            assert!(!reply.body.contains(payload), "echoed: {}", reply.body);
        }
    }
    let missing = app.api(Req::get("/jsonp/results")).await;
    assert_eq!(missing.status, 400);
    let repeated = app.api(Req::get("/jsonp/results?callback=a&callback=b")).await;
    assert_eq!(repeated.status, 400);
}
