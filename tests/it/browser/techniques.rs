//! The four techniques, in Chromium and in Firefox.

use std::time::Duration;

use super::driver::Page;
use super::{Kind, in_both_browsers};
use super::{WAIT, browser_for, cors_blocked, open, text};
use crate::helpers::TestApp;

in_both_browsers!(
    every_technique_refreshes_the_standings_without_reloading,
    the_same_origin_policy_blocks_cross_origin_ajax,
    without_cors_only_the_cors_page_is_blocked,
    the_home_page_tells_whether_the_api_certificate_is_accepted,
    cors_works_from_every_name_of_the_page_origin,
);

const OUTCOME: &str = "document.getElementById('outcome').dataset.outcome";
/// Which lap of which race the page shows, e.g. "1:12".
const SHOWN: &str = "(() => { const l = document.querySelector('#standings [data-lap]'); \
                     return l.dataset.race + ':' + l.dataset.lap; })()";

/// Clicks `button` and waits for the outcome it ends with.
async fn click_and_wait(page: &Page, button: &str, expected: &str) {
    page.eval("document.getElementById('outcome').dataset.outcome = 'idle'").await.expect("reset");
    page.click(&format!("#{button}")).await.expect("the button exists");
    let done = format!("['ok', 'blocked', 'error'].includes({OUTCOME})");
    page.wait_for(&done, WAIT).await.unwrap_or_else(|e| panic!("#{button} never finished: {e}"));
    let outcome = text(page, OUTCOME).await;
    let sentence = text(page, "document.getElementById('outcome').textContent").await;
    assert_eq!(outcome, expected, "#{button}: {sentence}\nconsole: {:#?}", page.console());
}

/// Waits until the server's race has moved past what the page shows.
async fn wait_for_next_lap(app: &TestApp, page: &Page) {
    let shown = text(page, SHOWN).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let now = app.running.state().race.current();
        if format!("{}:{}", now.race_number, now.standings.lap) != shown {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "the race did not move past {shown}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The learner's check: click, see the standings change, no reload.
async fn refreshes_without_reloading(app: &TestApp, page: &Page) {
    let loaded_at = text(page, "document.getElementById('loaded-at').textContent").await;
    page.eval("window.__sameDocument = true").await.expect("mark the document");
    click_and_wait(page, "refresh", "ok").await;
    let before = text(page, SHOWN).await;
    wait_for_next_lap(app, page).await;
    click_and_wait(page, "refresh", "ok").await;
    let after = text(page, SHOWN).await;
    assert_ne!(before, after, "a second click shows the new lap");
    assert_eq!(text(page, "document.getElementById('loaded-at').textContent").await, loaded_at);
    assert_eq!(
        page.eval("window.__sameDocument === true").await.expect("eval"),
        serde_json::Value::Bool(true),
        "the page reloaded"
    );
}

async fn every_technique_refreshes_the_standings_without_reloading(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    for path in ["/iframe", "/ajax", "/jsonp", "/cors"] {
        let page = open(&browser, &app, path).await;
        refreshes_without_reloading(&app, &page).await;
        // The README's screenshots are Chromium's (both would write the same files).
        if kind == Kind::Chromium
            && let Ok(dir) = std::env::var("F1_SCREENSHOTS")
        {
            let name = path.trim_start_matches('/');
            page.screenshot(format!("{dir}/{name}.png")).await.expect("screenshot");
        }
    }
}

async fn the_same_origin_policy_blocks_cross_origin_ajax(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    let page = open(&browser, &app, "/ajax").await;
    click_and_wait(&page, "refresh-cross-origin", "blocked").await;
    let message = page.wait_for_console(cors_blocked(kind), WAIT).await.expect("the browser explains");
    let api = format!("https://localhost:{}/ajax/results", app.running.api_port());
    match kind {
        Kind::Chromium => {
            assert!(message.contains("No 'Access-Control-Allow-Origin' header"), "{message}");
            assert!(message.contains(&format!("from origin '{}'", app.running.page_url())), "{message}");
        }
        // Firefox names the resource and the reason, not the page's origin.
        Kind::Firefox => {
            assert!(message.contains("The Same Origin Policy disallows reading the remote resource at"), "{message}");
            assert!(message.contains(&api), "{message}");
            assert!(message.contains("(Reason: CORS header ‘Access-Control-Allow-Origin’ missing)"), "{message}");
        }
    }
}

async fn without_cors_only_the_cors_page_is_blocked(kind: Kind) {
    let app = TestApp::spawn_with(|c| c.no_cors = true).await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    let cors = open(&browser, &app, "/cors").await;
    click_and_wait(&cors, "refresh", "blocked").await;
    cors.wait_for_console(cors_blocked(kind), WAIT).await.expect("the browser explains");
    for path in ["/iframe", "/jsonp"] {
        let page = open(&browser, &app, path).await;
        click_and_wait(&page, "refresh", "ok").await;
    }
}

async fn the_home_page_tells_whether_the_api_certificate_is_accepted(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    let home = open(&browser, &app, "/").await;
    home.wait_for("document.getElementById('api-check').dataset.state !== 'checking'", WAIT).await.expect("checked");
    assert_eq!(text(&home, "document.getElementById('api-check').dataset.state").await, "reachable");
    // The README's screenshots are Chromium's (both would write the same files).
    if kind == Kind::Chromium
        && let Ok(dir) = std::env::var("F1_SCREENSHOTS")
    {
        home.screenshot(format!("{dir}/home.png")).await.expect("screenshot");
    }

    // A browser that does not trust the CA sees the guidance instead.
    let untrusting =
        super::driver::Browser::launch(kind, super::driver::LaunchOptions::default()).await.expect("starts");
    let Some(untrusting) = untrusting else { return };
    let page = open(&untrusting, &app, "/").await;
    page.wait_for("document.getElementById('api-check').dataset.state !== 'checking'", WAIT).await.expect("checked");
    assert_eq!(text(&page, "document.getElementById('api-check').dataset.state").await, "unreachable");
    let jsonp = open(&untrusting, &app, "/jsonp").await;
    click_and_wait(&jsonp, "refresh", "blocked").await;
}

async fn cors_works_from_every_name_of_the_page_origin(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let port = app.running.page_port();
    for host in ["127.0.0.1", "[::1]"] {
        let page = browser.new_page().await.expect("a tab");
        page.goto(&format!("http://{host}:{port}/cors")).await.expect("opens");
        click_and_wait(&page, "refresh", "ok").await;
        let api = text(&page, "apiOrigin()").await;
        assert_eq!(api, format!("https://{host}:{}", app.running.api_port()), "the page talks to its own host name");
    }
}
