//! The playground's prediction (`static/js/playground-model.js`) held to the
//! server's model of the same Fetch rules (`diagnosis::safelist`) on a
//! table of requests, in Chromium and in Firefox.

use serde_json::{Value, json};

use f1_race_results::diagnosis::{RequestSpec, needs_preflight};

use super::{Kind, browser_for, in_both_browsers, text};
use crate::helpers::TestApp;

in_both_browsers!(playground_prediction_agrees_with_the_servers_model_on_a_table_of_requests);

/// `(method, headers)`: what a script asks for.
fn table() -> Vec<(&'static str, Vec<(String, String)>)> {
    let h = |pairs: &[(&str, &str)]| pairs.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect::<Vec<_>>();
    let long = "a".repeat(129);
    let half = "b".repeat(100);
    vec![
        ("GET", h(&[])),
        ("POST", h(&[("Content-Type", "text/plain;charset=UTF-8")])),
        ("POST", h(&[("Content-Type", "application/json")])),
        ("POST", h(&[("Content-Type", "multipart/form-data; boundary=x")])),
        ("POST", h(&[("Content-Type", "text/plain/x")])),
        ("HEAD", h(&[("content-type", "Application/X-WWW-Form-Urlencoded")])),
        ("put", h(&[])),
        ("patch", h(&[])),
        ("DELETE", h(&[])),
        ("GET", h(&[("X-Requested-With", "XMLHttpRequest")])),
        ("GET", h(&[("Accept", "application/json")])),
        ("GET", h(&[("Accept", "a(b)")])),
        ("GET", h(&[("Accept", &long)])),
        ("GET", h(&[("Accept", &half), ("Accept", &half)])),
        ("GET", h(&[("Accept-Language", "en-US,en;q=0.9")])),
        ("GET", h(&[("Accept-Language", "en_US")])),
        ("GET", h(&[("Content-Language", "de-DE")])),
        ("GET", h(&[("Range", "bytes=0-99")])),
        ("GET", h(&[("Range", "bytes=100-1")])),
        ("GET", h(&[("Range", "bytes=-5")])),
        ("GET", h(&[("Authorization", "Bearer x")])),
        ("GET", h(&[("Cookie", "a=b"), ("Sec-Foo", "1"), ("Proxy-X", "1")])),
        ("GET", h(&[("User-Agent", "x")])),
        ("GET", h(&[("X-HTTP-Method-Override", "TRACE")])),
        ("POST", h(&[("X-HTTP-Method-Override", "PUT")])),
        ("GET", h(&[("DPR", "2.0"), ("Save-Data", "on"), ("ECT", "4g")])),
        ("GET", h(&[("X-B", "1"), ("x-a", "2"), ("X-B", "3")])),
    ]
}

async fn playground_prediction_agrees_with_the_servers_model_on_a_table_of_requests(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = super::open(&browser, &app, "/playground").await;
    let rows = table();
    let cases = json!(rows.iter().map(|(m, h)| json!({ "method": m, "headers": h })).collect::<Vec<_>>());
    // The page's model with Chromium's departures, which the server's model follows.
    let js = format!("JSON.stringify({cases}.map((c) => [pgPredict(c, 'chromium'), pgPredict(c, 'firefox')]))");
    let predicted: Vec<(Value, Value)> = serde_json::from_str(&text(&page, &js).await).expect("JSON");
    for ((method, headers), (js, firefox)) in rows.iter().zip(&predicted) {
        let mut spec =
            RequestSpec::get("http://localhost:3000", "https://localhost:3001", "/playground/echo").method(method);
        for (n, v) in headers {
            spec = spec.header(n, v);
        }
        let rust = needs_preflight(&spec);
        let want = json!({
            "preflight": rust.is_some(),
            "method": rust.as_ref().and_then(|r| r.method.clone()),
            "unsafe": rust.as_ref().map(|r| r.headers.clone()).unwrap_or_default(),
        });
        let got = json!({ "preflight": js["preflight"], "method": js["method"], "unsafe": js["unsafe"] });
        assert_eq!(got, want, "{method} {headers:?}");
        // For Firefox, the model departs exactly where Firefox departs from the
        // server's model (tests/it/diagnosis_corpus/firefox.rs): it lets a script
        // set User-Agent, judges each Accept value alone, and preflights client hints.
        let departs = headers.iter().any(|(n, _)| ["User-Agent", "DPR"].contains(&n.as_str()))
            || headers.iter().filter(|(n, _)| n == "Accept").count() == 2;
        let got =
            json!({ "preflight": firefox["preflight"], "method": firefox["method"], "unsafe": firefox["unsafe"] });
        assert_eq!(got != want, departs, "Firefox: {method} {headers:?}: {got}");
    }
}
