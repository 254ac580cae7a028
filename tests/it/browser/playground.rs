//! The playground (`/playground`), in Chromium and in Firefox: its prediction
//! agrees with the server's model of the Fetch rules, and for composed
//! requests against both responders, what it predicted, what it says
//! happened and what the server recorded agree with what the browser did.

use serde_json::{Value, json};

use f1_race_results::diagnosis::{RequestSpec, needs_preflight};

use super::driver::Page;
use super::{Kind, WAIT, browser_for, in_both_browsers, text};
use crate::helpers::TestApp;

in_both_browsers!(
    playground_prediction_agrees_with_the_servers_model_on_a_table_of_requests,
    playground_requests_do_what_was_predicted_and_the_server_recorded,
    playground_says_when_the_policy_in_force_does_not_cover_the_path,
    playground_shared_link_restores_the_form_exactly,
);

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
    let js = format!("JSON.stringify({cases}.map((c) => pgPredict(c, 'chromium')))");
    let predicted: Vec<Value> = serde_json::from_str(&text(&page, &js).await).expect("JSON");
    for ((method, headers), js) in rows.iter().zip(&predicted) {
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
    }
}

/// One composed request and what must happen to it in every browser:
/// `(form state, outcome, preflight sent, status read)`.
fn composed(page_origin: &str) -> Vec<(Value, &'static str, &'static str, &'static str)> {
    let echo = |extra: Value| {
        let mut state = json!({ "responder": "policy", "path": "/playground/echo", "method": "GET", "mode": "cors",
            "credentials": "same-origin", "headers": "", "contentType": "", "body": "" });
        state.as_object_mut().map(|o| o.extend(extra.as_object().cloned().unwrap_or_default()));
        state
    };
    let respond = |extra: Value, status: &str, preflight: &str, headers: String| {
        let mut state = echo(extra);
        state.as_object_mut().map(|o| {
            o.extend([
                ("responder".to_owned(), json!("respond")),
                ("status".to_owned(), json!(status)),
                ("preflight".to_owned(), json!(preflight)),
                ("responseHeaders".to_owned(), json!(headers)),
            ])
        });
        state
    };
    vec![
        (echo(json!({})), "ok", "no", "200"),
        (echo(json!({ "method": "PUT" })), "ok", "yes", "200"),
        (echo(json!({ "headers": "X-Requested-With: XMLHttpRequest" })), "ok", "yes", "200"),
        (echo(json!({ "method": "POST", "contentType": "application/json", "body": "{}" })), "ok", "yes", "200"),
        (echo(json!({ "method": "POST", "contentType": "text/plain", "body": "hi" })), "ok", "no", "200"),
        (echo(json!({ "credentials": "include" })), "ok", "no", "200"),
        (echo(json!({ "method": "PATCH" })), "blocked", "yes", ""),
        (echo(json!({ "headers": "X-Api-Version: 2" })), "blocked", "yes", ""),
        (echo(json!({ "mode": "no-cors", "method": "POST", "headers": "X-Dropped: 1" })), "opaque", "no", ""),
        (
            respond(
                json!({ "credentials": "include" }),
                "200",
                "204",
                "Access-Control-Allow-Origin: *\nAccess-Control-Allow-Credentials: true".into(),
            ),
            "blocked",
            "no",
            "",
        ),
        (respond(json!({}), "200", "204", "Access-Control-Allow-Origin: *".into()), "ok", "no", "200"),
        (
            respond(json!({ "method": "PUT" }), "200", "404", format!("Access-Control-Allow-Origin: {page_origin}")),
            "blocked",
            "yes",
            "",
        ),
        (
            respond(
                json!({ "method": "DELETE", "headers": "X-Custom: 1" }),
                "202",
                "204",
                format!(
                    "Access-Control-Allow-Origin: {page_origin}\nAccess-Control-Allow-Methods: DELETE\nAccess-Control-Allow-Headers: X-Custom\nAccess-Control-Max-Age: 0"
                ),
            ),
            "ok",
            "yes",
            "202",
        ),
        (respond(json!({ "mode": "no-cors" }), "200", "204", String::new()), "opaque", "no", ""),
    ]
}

/// Fills the form, sends, and returns the outcome's `(outcome, preflight, status, text)`
/// and the prediction's `preflight`.
async fn send(page: &Page, state: &Value) -> ((String, String, String, String), String) {
    page.eval(&format!(
        "writeForm({state}); refresh(); document.getElementById('pg-outcome').dataset.outcome = 'idle'"
    ))
    .await
    .expect("the form fills");
    let predicted = text(page, "document.getElementById('pg-prediction').dataset.preflight").await;
    page.click("#pg-send").await.expect("the send button");
    let done = "!['idle', 'pending'].includes(document.getElementById('pg-outcome').dataset.outcome)";
    page.wait_for(done, WAIT).await.unwrap_or_else(|e| panic!("{state}: never finished: {e}"));
    let read = |what: &str| format!("document.getElementById('pg-outcome').{what}");
    let outcome = (
        text(page, &read("dataset.outcome")).await,
        text(page, &read("dataset.preflight")).await,
        text(page, &read("dataset.status")).await,
        text(page, &read("innerText")).await,
    );
    (outcome, predicted)
}

async fn connected(page: &Page) {
    page.wait_for("document.getElementById('scenario-banner').dataset.scenario !== ''", WAIT).await.expect("connected");
}

async fn playground_requests_do_what_was_predicted_and_the_server_recorded(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = super::open(&browser, &app, "/playground").await;
    connected(&page).await;
    let tab = text(&page, "tabId").await;
    let origin = app.running.page_url();
    for (state, outcome, preflight, status) in composed(origin.trim_end_matches('/')) {
        let before = app.running.state().exchanges.recent().last().map_or(0, |e| e.id);
        let ((got, sent, read, said), predicted) = send(&page, &state).await;
        assert_eq!((got.as_str(), read.as_str()), (outcome, status), "{state}\n{said}");
        assert_eq!(predicted, preflight, "the prediction: {state}");
        assert_eq!(sent, preflight, "what the page says the server received: {state}");
        let recorded = app.running.state().exchanges.recent();
        let mine: Vec<_> = recorded.iter().filter(|e| e.id > before && e.tab() == Some(tab.as_str())).collect();
        let options = mine.iter().any(|e| e.method() == "OPTIONS");
        assert_eq!(options, preflight == "yes", "the server's record: {state}");
        let method = state["method"].as_str().unwrap_or_default().to_ascii_uppercase();
        let actual_sent = mine.iter().any(|e| e.method() != "OPTIONS");
        assert_eq!(actual_sent, outcome != "blocked" || preflight == "no", "{method}: {state}");
        if state["responder"] == "respond" {
            assert!(mine.iter().all(|e| e.path() == "/playground/respond"), "{state}");
        }
        if state["credentials"] == "include" && outcome == "ok" {
            assert!(said.contains("\"origin\""), "the echo reached the page: {said}");
        }
    }
    // The refused header names the server's own reason.
    let ((_, _, _, said), _) = send(&page, &composed("")[7].0).await;
    assert!(said.contains("refused a header"), "{said}");
    // Where the browsers differ, each page predicts its own browser: Chromium
    // safelists its client hints, Firefox preflights them (and the policy refuses dpr).
    let mut hint = composed("")[0].0.clone();
    hint["headers"] = json!("DPR: 2");
    let ((got, sent, _, said), predicted) = send(&page, &hint).await;
    let want = match kind {
        Kind::Chromium => ("ok", "no", "no"),
        Kind::Firefox => ("blocked", "yes", "yes"),
    };
    assert_eq!((got.as_str(), sent.as_str(), predicted.as_str()), want, "{said}");
    let prediction = text(&page, "document.getElementById('pg-prediction').innerText").await;
    assert!(prediction.contains("differs here"), "{prediction}");
    let csp: Vec<_> = page
        .console()
        .into_iter()
        .filter(|l| l.contains("Content Security Policy") || l.contains("Content-Security-Policy"))
        .collect();
    assert!(csp.is_empty(), "the page's CSP holds: {csp:#?}");
}

async fn playground_says_when_the_policy_in_force_does_not_cover_the_path(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = super::open(&browser, &app, "/playground").await;
    connected(&page).await;
    app.running.state().lab.apply("methods-get-only").expect("a scenario");
    page.wait_for("document.getElementById('scenario-banner').dataset.scenario === 'methods-get-only'", WAIT)
        .await
        .expect("the banner");
    let state = composed("")[0].0.clone();
    let ((outcome, preflight, status, said), _) = send(&page, &state).await;
    assert_eq!((outcome.as_str(), preflight.as_str(), status.as_str()), ("blocked", "no", ""), "{said}");
    assert!(said.contains("No resource of the policy covers /playground/echo"), "{said}");
    // The learner's own headers still answer, whatever the scenario.
    let mine = composed("")[10].0.clone();
    let ((outcome, _, status, said), _) = send(&page, &mine).await;
    assert_eq!((outcome.as_str(), status.as_str()), ("ok", "200"), "{said}");
    assert!(said.contains("Hand-written headers"), "{said}");
}

async fn playground_shared_link_restores_the_form_exactly(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = super::open(&browser, &app, "/playground").await;
    page.click("#pg-preset-preflight-404").await.expect("a preset");
    page.eval("document.getElementById('pg-headers').value = 'X-One: 1\\nX-Two: a&b=c#d'; refresh()")
        .await
        .expect("edit");
    let form = "JSON.stringify(readForm())";
    let before = text(&page, form).await;
    page.click("#pg-share").await.expect("share");
    page.wait_for("document.getElementById('pg-share-link').textContent !== ''", WAIT).await.expect("a link");
    let link = text(&page, "document.getElementById('pg-share-link').textContent").await;
    assert!(link.contains("/playground#") && link.contains("preflight=404"), "{link}");
    let code = text(&page, "document.getElementById('pg-code').textContent").await;

    let other = browser.new_page().await.expect("a tab");
    other.goto(&link).await.expect("the link opens");
    other.wait_for("document.getElementById('pg-code').textContent !== ''", WAIT).await.expect("drawn");
    assert_eq!(text(&other, form).await, before);
    assert_eq!(text(&other, "document.getElementById('pg-prediction').dataset.preflight").await, "yes");
    let restored = text(&other, "document.getElementById('pg-code').textContent").await;
    // The same request, but for this tab's own id.
    let untagged = |s: &str| s.split("tab=").next().unwrap_or_default().to_owned();
    assert_eq!(untagged(&restored), untagged(&code));
    save_screenshot(&page, kind).await;
}

/// With `F1_SCREENSHOTS=DIR`, saves the playground after a blocked request (Chromium only).
async fn save_screenshot(page: &Page, kind: Kind) {
    let Ok(dir) = std::env::var("F1_SCREENSHOTS") else { return };
    if kind != Kind::Chromium {
        return;
    }
    page.click("#pg-preset-wildcard-credentials").await.expect("a preset");
    page.click("#pg-send").await.expect("send");
    let done = "!['idle', 'pending'].includes(document.getElementById('pg-outcome').dataset.outcome)";
    page.wait_for(done, WAIT).await.expect("finished");
    page.eval("document.getElementById('pg-code').parentElement.previousElementSibling.scrollIntoView()")
        .await
        .expect("scrolls");
    page.screenshot(format!("{dir}/playground.png")).await.expect("a screenshot");
}
