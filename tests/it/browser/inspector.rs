//! The inspector panel, in Chromium and in Firefox: a click's exchanges show up in its own
//! tab within a second, with a verdict that agrees with the browser.

use std::time::{Duration, Instant};

use super::driver::{Browser, Page};
use super::{Kind, in_both_browsers};
use super::{WAIT, browser_for, cors_blocked, text};
use crate::helpers::TestApp;

in_both_browsers!(
    a_click_shows_its_preflight_and_request_with_a_verdict_in_its_own_tab_only,
    a_blocked_request_is_explained_in_the_browsers_own_words,
    the_null_origin_button_is_explained_with_the_url_it_requested,
    jsonp_and_iframe_exchanges_appear_with_what_the_browser_checks,
    credentials_never_reach_the_page,
    under_methods_get_only_a_refused_put_names_the_method_not_the_origin,
    authorization_under_a_wildcard_is_shown_as_a_warning,
    a_refused_header_and_a_404_preflight_name_the_servers_reason,
);

const ITEMS: &str = "document.querySelectorAll('#exchanges li.inspected')";

async fn press(page: &Page, id: &str) {
    page.eval("document.getElementById('outcome').dataset.outcome = 'idle'").await.expect("reset");
    page.click(&format!("#{id}")).await.expect("the button exists");
    let done = "['ok', 'blocked', 'error'].includes(document.getElementById('outcome').dataset.outcome)";
    page.wait_for(done, WAIT).await.unwrap_or_else(|e| panic!("#{id} never finished: {e}"));
}

async fn count(page: &Page) -> u64 {
    page.eval(&format!("{ITEMS}.length")).await.expect("eval").as_u64().unwrap_or(0)
}

/// Waits (at most a second) for the panel to hold `n` items; returns the newest one's text.
async fn newest_after(page: &Page, n: u64) -> String {
    let started = Instant::now();
    page.wait_for(&format!("{ITEMS}.length >= {n}"), Duration::from_secs(1))
        .await
        .unwrap_or_else(|e| panic!("no inspector entry within a second: {e}"));
    assert!(started.elapsed() <= Duration::from_secs(1));
    text(page, &format!("{ITEMS}[0].innerText")).await
}

async fn a_click_shows_its_preflight_and_request_with_a_verdict_in_its_own_tab_only(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let mine = super::open(&browser, &app, "/cors").await;
    let other = super::open(&browser, &app, "/cors").await;
    // Both tabs' event streams are open before anyone clicks.
    for page in [&mine, &other] {
        page.wait_for("document.getElementById('scenario-banner').dataset.scenario === 'default'", WAIT)
            .await
            .expect("connected");
    }

    press(&mine, "cors-json-post").await;
    let entry = newest_after(&mine, 1).await;
    assert!(entry.contains("preflight OPTIONS API /cors/results → 204"), "{entry}");
    assert!(entry.contains("POST API /cors/results → 200"), "{entry}");
    assert!(entry.contains("Allowed: the preflight cleared POST"), "{entry}");

    press(&mine, "cors-json-post").await;
    let again = newest_after(&mine, 2).await;
    assert!(again.contains("reused a cached one"), "max-age 600: no second preflight: {again}");

    press(&other, "cors-simple-get").await;
    newest_after(&other, 1).await;
    // In front again, so that Firefox does not slow its timers down.
    mine.bring_to_front().await.expect("the first tab comes to front");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(count(&mine).await, 2, "another tab's click must not show here");
}

async fn a_blocked_request_is_explained_in_the_browsers_own_words(kind: Kind) {
    let app = TestApp::spawn_with(|c| c.scenario = Some("credentials-flag-missing".into())).await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = super::open(&browser, &app, "/cors").await;
    page.wait_for("document.getElementById('scenario-banner').dataset.scenario !== ''", WAIT).await.expect("connected");
    press(&page, "cors-cookie-me").await;
    let entry = newest_after(&page, 1).await;
    assert!(entry.contains("Blocked by the browser"), "{entry}");
    assert!(entry.contains("Fix:"), "{entry}");
    let shown = shown_as_logged(&page, kind, "/api/v1/users/me?tab=").await;
    let (label, reason, other) = match kind {
        Kind::Chromium => (
            "Chrome's console says (corsError InvalidAllowCredentials): ",
            "which must be 'true' when the request's credentials mode is 'include'.",
            "Firefox's console says (reason CORSMissingAllowCredentials): Cross-Origin Request Blocked: ",
        ),
        Kind::Firefox => (
            "Firefox's console says (reason CORSMissingAllowCredentials): ",
            "(Reason: expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).",
            "Chrome's console says (corsError InvalidAllowCredentials): Access to fetch at ",
        ),
    };
    assert!(shown.starts_with(label) && shown.ends_with(reason), "{shown}");
    // The other browser's words, one click away.
    let hidden = text(&page, &format!("{ITEMS}[0].querySelector('details .console-other').textContent")).await;
    assert!(hidden.starts_with(other), "{hidden}");
}

async fn the_null_origin_button_is_explained_with_the_url_it_requested(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = open_connected(&browser, &app, "/cors").await;
    press(&page, "cors-null-origin").await;
    let entry = newest_after(&page, 1).await;
    assert!(entry.contains("Blocked by the browser"), "{entry}");
    // The frame asked for `…/me?tab=…`: the console quotes that URL, and so must the inspector.
    let shown = shown_as_logged(&page, kind, "/api/v1/users/me?tab=").await;
    assert!(shown.contains("/api/v1/users/me?tab="), "{shown}");
}

/// The console sentence the newest entry shows (with its label), after
/// asserting it is, word for word, the line this browser logged for the
/// request whose URL contains `url_part`.
async fn shown_as_logged(page: &Page, kind: Kind, url_part: &str) -> String {
    let started = Instant::now();
    let logged = loop {
        let lines = page.console();
        let line = lines.iter().find(|l| l.contains(cors_blocked(kind)) && l.contains(url_part));
        if let Some(line) = line {
            // The driver prefixes each line with its source, e.g. `[log.error] `.
            break line.split_once("] ").map_or(line.as_str(), |(_, m)| m).to_owned();
        }
        assert!(started.elapsed() < WAIT, "{kind:?} logged no CORS error for {url_part}: {lines:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let shown = text(page, &format!("{ITEMS}[0].querySelector('.console .message').textContent")).await;
    assert_eq!(shown, logged, "the inspector must quote {kind:?}'s own console line");
    text(page, &format!("{ITEMS}[0].querySelector('.console').textContent")).await
}

async fn jsonp_and_iframe_exchanges_appear_with_what_the_browser_checks(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    for (path, says) in [("/jsonp", "no CORS check applies"), ("/iframe", "No CORS involved")] {
        let page = open_connected(&browser, &app, path).await;
        press(&page, "refresh").await;
        let entry = newest_after(&page, 1).await;
        assert!(entry.contains(says), "{path}: {entry}");
    }
}

async fn credentials_never_reach_the_page(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = open_connected(&browser, &app, "/cors").await;
    for id in ["cors-basic-auth", "cors-cookie-login", "cors-cookie-me"] {
        press(&page, id).await;
    }
    let panel = newest_after(&page, 3).await;
    let all = text(&page, "document.getElementById('inspector').innerText").await;
    assert!(panel.contains("yes (Cookie or Authorization; values never shown)"), "{panel}");
    assert!(!all.contains("dXNlcjpwYXNzd29yZA") && !all.contains("user:password"), "the Authorization value leaked");
    let sessions = app.running.state().exchanges.recent();
    let login = sessions.iter().find(|e| e.path() == "/api/v1/users/session").expect("recorded");
    assert!(login.response_headers.iter().any(|(n, v)| n == "set-cookie" && v == "(a cookie; value hidden)"));
    let json = sessions.iter().map(|e| serde_json::to_string(&**e).expect("serializable")).collect::<String>();
    assert!(!json.contains("f1_session="), "a cookie value reached the record: {json}");
    assert!(!all.contains("f1_session="), "a cookie value reached the page");
}

async fn under_methods_get_only_a_refused_put_names_the_method_not_the_origin(kind: Kind) {
    let app = TestApp::spawn_with(|c| c.scenario = Some("methods-get-only".into())).await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = super::open(&browser, &app, "/cors").await;
    page.wait_for("document.getElementById('scenario-banner').dataset.scenario === 'methods-get-only'", WAIT)
        .await
        .expect("connected");
    press(&page, "cors-put").await;
    let entry = newest_after(&page, 1).await;
    assert!(entry.contains("Blocked by the browser"), "{entry}");
    // The browser saw no Access-Control-* at all; the server knows it refused the method.
    let said = text(&page, &format!("{ITEMS}[0].querySelector('.server-said').textContent")).await;
    assert!(said.starts_with("Server said:") && said.contains("refused the method PUT"), "{said}");
    let fix = text(&page, &format!("{ITEMS}[0].querySelector('.fix').textContent")).await;
    assert!(fix.contains("Add PUT to the methods of the resource covering /api/v1/users/favourite"), "{fix}");
    assert!(!entry.contains("Allow the origin"), "{entry}");
}

async fn a_refused_header_and_a_404_preflight_name_the_servers_reason(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    for (scenario, said, fix) in [
        (
            "missing-allowed-header",
            "refused a header the preflight asked for (content-type)",
            "Add the headers it asked for (content-type)",
        ),
        ("no-preflight-handler", "answered 404 before the CORS policy ran", "Answer OPTIONS before routing"),
    ] {
        app.running.state().lab.apply(scenario).expect("known scenario");
        let page = browser.new_isolated_page().await.expect("a tab");
        page.goto(&format!("{}/cors", app.running.page_url())).await.expect("opens");
        page.wait_for(&format!("document.getElementById('scenario-banner').dataset.scenario === '{scenario}'"), WAIT)
            .await
            .expect("connected");
        press(&page, "cors-json-post").await;
        let entry = newest_after(&page, 1).await;
        assert!(entry.contains("Server said: ") && entry.contains(said), "{scenario}: {entry}");
        let shown = text(&page, &format!("{ITEMS}[0].querySelector('.fix').textContent")).await;
        assert!(shown.starts_with(&format!("Fix: {fix}")), "{scenario}: {shown}");
        page.close().await.expect("closes");
    }
}

async fn authorization_under_a_wildcard_is_shown_as_a_warning(kind: Kind) {
    // The policy engine never lets `*` cover Authorization; this scenario's
    // hand-written preflight answers `Access-Control-Allow-Headers: *`, and a
    // request without credentials still gets through in both browsers.
    let app = TestApp::spawn_with(|c| c.scenario = Some("wildcard-with-credentials".into())).await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = super::open(&browser, &app, "/cors").await;
    page.wait_for("document.getElementById('scenario-banner').dataset.scenario === 'wildcard-with-credentials'", WAIT)
        .await
        .expect("connected");
    let call = "fetch(`${apiOrigin()}/cors/results?tab=${tabId}`, \
                { headers: { Authorization: 'Bearer not-a-secret' } }).then((r) => r.status, (e) => String(e))";
    let status = page.eval(call).await.expect("eval");
    assert_eq!(status, 200, "both browsers still accept Authorization under `*`");
    let entry = newest_after(&page, 1).await;
    assert!(entry.contains("Allowed: the preflight cleared GET"), "{entry}");
    assert!(entry.contains("Server said: Hand-written headers"), "{entry}");
    let warning = text(&page, &format!("{ITEMS}[0].querySelector('.warning').textContent")).await;
    assert!(warning.starts_with("Warning: Chromium and Firefox still accept Authorization"), "{warning}");
    assert!(!entry.contains("not-a-secret"), "the Authorization value reached the page");
}

/// With `F1_SCREENSHOTS=DIR`, saves the lab and a populated inspector for the
/// README, in Chromium only (two browsers would overwrite each other's files).
#[tokio::test]
async fn screenshots_of_the_lab_and_the_inspector() {
    let kind = Kind::Chromium;
    let Ok(dir) = std::env::var("F1_SCREENSHOTS") else { return };
    let app = TestApp::spawn_with(|c| c.scenario = Some("wildcard-with-credentials".into())).await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let lab = super::open(&browser, &app, "/lab").await;
    lab.screenshot(format!("{dir}/lab.png")).await.expect("screenshot");
    let page = super::open(&browser, &app, "/cors").await;
    page.wait_for("document.getElementById('scenario-banner').dataset.scenario !== ''", WAIT).await.expect("connected");
    for id in ["cors-json-post", "cors-cookie-login"] {
        press(&page, id).await;
    }
    newest_after(&page, 2).await;
    page.eval("document.getElementById('inspector').scrollIntoView()").await.expect("scroll");
    page.screenshot(format!("{dir}/inspector.png")).await.expect("screenshot");
}

/// Opens `path` in a fresh tab once its event stream says the default setup is in force.
async fn open_connected(browser: &Browser, app: &TestApp, path: &str) -> Page {
    let page = super::open(browser, app, path).await;
    page.wait_for("document.getElementById('scenario-banner').dataset.scenario === 'default'", WAIT)
        .await
        .expect("connected");
    page
}
