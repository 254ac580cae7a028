//! The playground (`/playground`), in Chromium and in Firefox: for composed
//! requests against both responders, what it predicted, what it says
//! happened and what the server recorded agree with what the browser did;
//! a shared link restores the form. (Its model against the server's:
//! `playground_model.rs`.)

use serde_json::{Value, json};

use super::driver::Page;
use super::{Kind, WAIT, browser_for, in_both_browsers, text};
use crate::helpers::TestApp;

in_both_browsers!(
    playground_requests_do_what_was_predicted_and_the_server_recorded,
    playground_says_when_the_policy_in_force_does_not_cover_the_path,
    playground_shared_link_restores_the_form_exactly,
);

/// One composed request and what must happen to it in every browser:
/// `(form state, outcome, preflight sent, status read)`.
fn composed(page_origin: &str) -> Vec<(Value, &'static str, &'static str, &'static str)> {
    let echo = |extra: Value| {
        let mut state = json!({ "responder": "policy", "path": "/playground/echo", "method": "GET", "mode": "cors",
            "credentials": "same-origin", "headers": "", "contentType": "", "body": "" });
        for (key, value) in extra.as_object().into_iter().flatten() {
            state[key] = value.clone();
        }
        state
    };
    let respond = |extra: Value, status: &str, preflight: &str, headers: String| {
        let mut state = echo(extra);
        state["responder"] = json!("respond");
        state["status"] = json!(status);
        state["preflight"] = json!(preflight);
        state["responseHeaders"] = json!(headers);
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
pub(super) async fn send(page: &Page, state: &Value) -> ((String, String, String, String), String) {
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

pub(super) async fn connected(page: &Page) {
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
    // A request fetch refuses to make: predicted, and nothing reaches the server.
    let before = app.running.state().exchanges.recent().last().map_or(0, |e| e.id);
    let mut trace = composed("")[0].0.clone();
    trace["method"] = json!("TRACE");
    let ((got, sent, read, said), _) = send(&page, &trace).await;
    assert_eq!((got.as_str(), sent.as_str(), read.as_str()), ("blocked", "no", ""), "{said}");
    assert!(said.contains("nothing reached the server"), "{said}");
    let prediction = text(&page, "document.getElementById('pg-prediction').innerText").await;
    assert!(prediction.contains("forbidden method"), "{prediction}");
    assert!(app.running.state().exchanges.recent().iter().all(|e| e.id <= before || e.tab() != Some(tab.as_str())));
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
    let own_words = match kind {
        Kind::Chromium => "Chrome's console says (MissingAllowOriginHeader): Access to fetch at",
        Kind::Firefox => "Firefox's console says (CORSMissingAllowOrigin2): Cross-Origin Request Blocked",
    };
    assert!(said.contains(own_words), "the learner's own browser's words: {said}");
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
