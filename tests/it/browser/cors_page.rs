//! The `/cors` page's buttons in Chromium and in Firefox, against the default policy.

use f1_race_results::pages::cors_requests::REQUESTS;

use super::driver::Page;
use super::{Kind, in_both_browsers};
use super::{WAIT, browser_for, text};
use crate::helpers::TestApp;

in_both_browsers!(
    every_button_reaches_its_outcome_with_the_default_policy,
    the_session_cookie_is_stored_and_sent_back,
    a_sandboxed_frame_with_null_allowed_reads_the_api_with_the_cookie,
    preflighted_kinds_really_send_a_preflight_and_simple_ones_do_not,
    a_policy_listing_only_custom_headers_accepts_a_json_post_as_rack_cors_does,
);

const OUTCOME: &str = "document.getElementById('outcome').dataset.outcome";

/// The method and path each button's request goes to.
fn target(id: &str) -> (&'static str, &'static str) {
    match id {
        "cors-simple-get" | "cors-custom-header" | "cors-read-header" => ("GET", "/cors/results"),
        "cors-simple-post" | "cors-json-post" => ("POST", "/cors/results"),
        "cors-put" => ("PUT", "/api/v1/users/favourite"),
        "cors-delete" => ("DELETE", "/api/v1/users/favourite"),
        "cors-basic-auth" => ("GET", "/api/v1/admin/standings"),
        "cors-cookie-login" => ("POST", "/api/v1/users/session"),
        "cors-cookie-me" => ("GET", "/api/v1/users/me"),
        "cors-cookie-logout" => ("DELETE", "/api/v1/users/session"),
        "cors-public-get" => ("GET", "/api/v1/public/standings"),
        "cors-null-origin" => ("GET", "/api/v1/users/me"),
        other => panic!("no target known for {other}"),
    }
}

/// Clicks a button; returns (outcome, HTTP status the page saw).
async fn press(page: &Page, id: &str) -> (String, String) {
    page.eval("document.getElementById('outcome').dataset.outcome = 'idle'").await.expect("reset");
    page.click(&format!("#{id}")).await.expect("the button exists");
    let done = format!("['ok', 'blocked', 'error'].includes({OUTCOME})");
    page.wait_for(&done, WAIT).await.unwrap_or_else(|e| panic!("#{id} never finished: {e}"));
    let outcome = text(page, OUTCOME).await;
    let status = text(page, "document.getElementById('outcome').dataset.status").await;
    (outcome, status)
}

async fn last_body(page: &Page) -> String {
    text(page, "document.getElementById('last-body').textContent").await
}

async fn every_button_reaches_its_outcome_with_the_default_policy(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    let page = super::open(&browser, &app, "/cors").await;
    for button in REQUESTS {
        let shown = text(&page, &format!("document.getElementById('{}-code').textContent", button.id)).await;
        assert!(shown.contains("(api('/"), "{} shows its request code: {shown:?}", button.id);
    }

    for id in ["cors-simple-get", "cors-simple-post", "cors-json-post", "cors-custom-header", "cors-public-get"] {
        assert_eq!(press(&page, id).await, ("ok".into(), "200".into()), "{id}: {:#?}", page.console());
    }

    assert_eq!(press(&page, "cors-put").await, ("ok".into(), "200".into()));
    assert!(last_body(&page).await.contains("\"favourite\":\"HAM\""));
    assert_eq!(press(&page, "cors-delete").await, ("ok".into(), "200".into()));
    assert!(last_body(&page).await.contains("\"favourite\":null"));

    assert_eq!(press(&page, "cors-basic-auth").await, ("ok".into(), "200".into()));
    assert!(last_body(&page).await.contains("\"admin\":true"));

    assert_eq!(press(&page, "cors-null-origin").await.0, "blocked", "the default policy never admits null");

    assert_eq!(press(&page, "cors-read-header").await.0, "ok");
    let exposed = text(&page, "document.getElementById('exposed').textContent").await;
    let lap = exposed.rsplit(' ').next().and_then(|n| n.parse::<u32>().ok());
    assert!(exposed.starts_with("X-Total-Count: 22, X-Race-Lap: ") && lap.is_some(), "{exposed}");
}

async fn the_session_cookie_is_stored_and_sent_back(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    let page = super::open(&browser, &app, "/cors").await;
    assert_eq!(press(&page, "cors-cookie-me").await, ("ok".into(), "401".into()), "not logged in yet");
    assert_eq!(press(&page, "cors-cookie-login").await, ("ok".into(), "201".into()));
    let login = last_body(&page).await;
    assert_eq!(press(&page, "cors-cookie-me").await, ("ok".into(), "200".into()), "the cookie came back");
    let me = last_body(&page).await;
    let user = login.split('"').nth(3).expect("a user name in the login answer");
    assert!(user.starts_with("learner-") && me.contains(user), "login {login} vs me {me}");
    assert!(
        text(&page, "document.cookie").await.is_empty(),
        "HttpOnly, and another site's cookie anyway: invisible to this page's script"
    );
    let stored: Vec<_> =
        page.cookies().await.expect("cookies").into_iter().filter(|c| c.name == "f1_session").collect();
    let [cookie] = stored.as_slice() else { panic!("one session cookie stored: {stored:?}") };
    assert_eq!((cookie.domain.as_str(), cookie.http_only, cookie.secure), ("localhost", true, true), "{cookie:?}");
    assert_eq!(cookie.same_site, "none", "{cookie:?}");
    let sent = app.running.state().exchanges.recent();
    let me_exchange = sent.iter().rev().find(|e| e.path() == "/api/v1/users/me").expect("recorded");
    assert!(me_exchange.credentials, "the browser sent the cookie");

    assert_eq!(press(&page, "cors-cookie-logout").await, ("ok".into(), "204".into()));
    assert_eq!(press(&page, "cors-cookie-me").await, ("ok".into(), "401".into()), "logged out");
}

async fn preflighted_kinds_really_send_a_preflight_and_simple_ones_do_not(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    let origin = app.running.page_url();
    for button in REQUESTS {
        // A fresh browser context: no preflight cached by an earlier click.
        let page = browser.new_isolated_page().await.expect("a tab");
        page.goto(&format!("{origin}/cors")).await.expect("opens");
        let (method, path) = target(button.id);
        let before = app.running.state().exchanges.next_id();
        let (outcome, _) = press(&page, button.id).await;
        let expected = if button.id == "cors-null-origin" { "blocked" } else { "ok" };
        assert_eq!(outcome, expected, "{}", button.id);
        let new: Vec<_> =
            app.running.state().exchanges.recent().into_iter().filter(|e| e.id > before && e.path() == path).collect();
        let preflight = new.iter().find(|e| e.method() == "OPTIONS");
        let actual =
            new.iter().find(|e| e.method() == method).unwrap_or_else(|| panic!("{}: no {method} {path}", button.id));
        let sent_origin = if button.id == "cors-null-origin" { "null" } else { origin.as_str() };
        assert_eq!(actual.origin(), Some(sent_origin), "{}", button.id);
        match preflight {
            Some(p) if button.preflighted => {
                assert_eq!(p.request_method(), Some(method), "{}", button.id);
                assert!(p.id < actual.id, "{}: the preflight comes first", button.id);
                assert_eq!(p.cors, "granted");
            }
            None if !button.preflighted => {}
            other => panic!("{}: preflighted = {}, but saw {other:?}", button.id, button.preflighted),
        }
        page.close().await.expect("closes");
    }
}

/// A Rack::Cors block translated as is: `headers: ['X-Requested-With']`,
/// with no Content-Type, which Rack::Cors always allows.
const RACK_TRANSLATED: &str = r#"
[[allow]]
origins = ["@page"]
  [[allow.resource]]
  path = "/cors/*"
  methods = ["GET", "POST"]
  headers = ["X-Requested-With"]
"#;

async fn a_policy_listing_only_custom_headers_accepts_a_json_post_as_rack_cors_does(kind: Kind) {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("rack.toml");
    std::fs::write(&policy, RACK_TRANSLATED).expect("write policy");
    let app = TestApp::spawn_with(|c| c.policy = Some(policy)).await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    let page = super::open(&browser, &app, "/cors").await;
    // Browsers check the preflight's answer names Content-Type: it does.
    assert_eq!(press(&page, "cors-json-post").await, ("ok".into(), "200".into()), "{:#?}", page.console());
    assert_eq!(press(&page, "cors-custom-header").await, ("ok".into(), "200".into()), "{:#?}", page.console());
}

/// The `null-origin-allowed` lesson: a sandboxed frame (Origin: null) reads
/// the API with the learner's cookie, "the last button shows it".
async fn a_sandboxed_frame_with_null_allowed_reads_the_api_with_the_cookie(kind: Kind) {
    let app = TestApp::spawn_with(|c| c.scenario = Some("null-origin-allowed".into())).await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    let page = super::open(&browser, &app, "/cors").await;
    assert_eq!(press(&page, "cors-cookie-login").await, ("ok".into(), "201".into()));
    let before = app.running.state().exchanges.next_id();
    let (outcome, status) = press(&page, "cors-null-origin").await;
    assert_eq!(outcome, "ok", "null is allowed: the frame reads the answer");
    let sent = app.running.state().exchanges.recent();
    let me = sent.iter().find(|e| e.id > before && e.path() == "/api/v1/users/me").expect("recorded");
    assert_eq!(me.origin(), Some("null"));
    match kind {
        Kind::Chromium => {
            assert!(me.credentials, "Chromium sends the cookie from the sandboxed frame");
            assert_eq!(status, "200", "and the frame reads who is logged in");
        }
        // Firefox sends no cookie from the sandboxed frame (observed; the cookie is
        // `SameSite=None; Partitioned`, and an opaque-origin frame is, we believe,
        // outside the page's partition), so the API answers 401. The scenario's
        // lesson and the button's text say so for each browser.
        Kind::Firefox => {
            assert!(!me.credentials, "Firefox sends no cookie from the sandboxed frame");
            assert_eq!(status, "401");
        }
    }
}
