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

/// Callback payloads, percent-encoded as they would travel in a URL.
fn hostile_callbacks() -> Vec<(&'static str, String)> {
    let encoded = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    vec![
        ("a call", encoded("alert(1)//")),
        ("a script element", encoded("<script>alert(1)</script>")),
        ("a statement after", encoded("a;alert(1)")),
        ("an assignment", encoded("a=alert")),
        ("a comma expression", encoded("a,alert(1)")),
        ("a plus", encoded("a+alert(1)")),
        ("a block comment", encoded("/**/alert")),
        ("an HTML comment opener", encoded("<!--")),
        ("an HTML comment closer", encoded("-->")),
        ("a script closer", encoded("</script>")),
        ("a unicode escape", encoded("\\u0061lert")),
        ("a hex escape", encoded("a\\x28")),
        ("a percent-encoded newline", "x%0A%3Cscript%3E".to_owned()),
        ("a percent-encoded CR", "x%0Dalert(1)".to_owned()),
        ("a NUL", "a%00b".to_owned()),
        ("a right-to-left override", "a%E2%80%AEb".to_owned()),
        ("a line separator", "%E2%80%A8x".to_owned()),
        ("non-ASCII letters", encoded("été")),
        ("an emoji", encoded("a😀")),
        ("bytes that are not UTF-8", "a%FF%FE".to_owned()),
        ("brackets", encoded("a['b']")),
        ("a digit first", "1abc".to_owned()),
        ("a dash", "a-b".to_owned()),
        ("an empty segment", "a..b".to_owned()),
        ("a trailing dot", "a.".to_owned()),
        ("a space", "a%20b".to_owned()),
        ("a reserved word", "import".to_owned()),
        ("another reserved word", "typeof".to_owned()),
        ("a reserved word with a path", "this.constructor".to_owned()),
        ("65 characters", "a".repeat(65)),
        ("10 000 characters", "a".repeat(10_000)),
        ("empty", String::new()),
    ]
}

#[tokio::test]
async fn hostile_callbacks_get_400_with_a_fixed_text() {
    use f1_race_results::api::jsonp::CallbackError;
    let app = TestApp::spawn().await;
    let fixed = [CallbackError::Missing, CallbackError::Repeated, CallbackError::Invalid].map(|e| e.to_string());
    let mut queries: Vec<(&str, String)> =
        hostile_callbacks().into_iter().map(|(what, value)| (what, format!("callback={value}"))).collect();
    queries.extend([
        ("repeated", "callback=refreshSection&callback=alert".to_owned()),
        ("repeated, once encoded", "callback=refreshSection&call%62ack=alert".to_owned()),
        ("a parameter inside the value", "callback=a%26callback%3Db".to_owned()),
        ("an array-style name", "callback[]=refreshSection".to_owned()),
        ("another case", "Callback=refreshSection".to_owned()),
        ("no value", "callback".to_owned()),
    ]);
    assert!(queries.len() >= 25);
    for (what, query) in queries {
        let reply = app.api(Req::get(&format!("/jsonp/results?{query}"))).await;
        assert_eq!(reply.status, 400, "{what}: {query}");
        assert_eq!(reply.header("content-type"), Some("text/plain; charset=utf-8"), "{what}");
        // Never echoed: the body is one of three fixed sentences.
        assert!(fixed.contains(&reply.body), "{what}: {:?}", reply.body);
    }
}

#[tokio::test]
async fn odd_but_valid_identifiers_are_called_as_they_are() {
    let app = TestApp::spawn().await;
    // Identifiers and dotted paths, however odd: why they are safe is in
    // `is_valid_callback`'s documentation.
    let long = "a".repeat(64);
    for name in ["constructor.constructor", "__proto__", "$", "_", "promise.catch", "eval", "jQuery1_2", &long] {
        let reply = app.api(Req::get(&format!("/jsonp/results?callback={name}"))).await;
        assert_eq!(reply.status, 200, "{name}");
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{name}");
        assert_eq!(reply.header("content-type"), Some("application/javascript; charset=utf-8"));
        let argument = reply.body.strip_prefix(&format!("{name}(\"<")).and_then(|rest| rest.strip_suffix("\");"));
        assert!(argument.is_some(), "{name}: {:.80}", reply.body);
    }
}
