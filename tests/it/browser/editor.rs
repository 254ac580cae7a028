//! The lab's policy editor, and the result beside each button, in Chromium
//! and in Firefox: a typed policy that does not build is refused with its line
//! and changes nothing; one that builds is in force on the next request and
//! the class's open pages show the banner; each click's outcome shows beside
//! its button, with its exchange one link away, in view on a 1280×900 screen.

use std::time::{Duration, Instant};

use super::driver::{Browser, Page};
use super::{Kind, in_both_browsers};
use super::{WAIT, browser_for, text};
use crate::helpers::{Req, TestApp};
use crate::lab_editor::{BROKEN, ONLY_GET};

in_both_browsers!(
    a_policy_that_does_not_build_is_refused_beside_the_text_and_changes_nothing,
    a_policy_that_builds_is_in_force_on_the_next_request_and_open_pages_show_the_banner,
    each_button_shows_its_outcome_and_its_exchange_beside_it,
    on_a_1280_by_900_screen_the_result_of_a_click_mid_page_is_in_view,
);

const OUTCOME: &str = "document.getElementById('outcome').dataset.outcome";

fn result_of(id: &str) -> String {
    format!("document.querySelector('[data-result-for=\"{id}\"]')")
}

/// Clicks a button and waits until both the outcome line and the result
/// beside the button are final; returns (outcome line, result beside it).
async fn press(page: &Page, id: &str) -> (String, String) {
    let result = result_of(id);
    page.eval(&format!(
        "document.getElementById('outcome').dataset.outcome = 'idle'; {result}.dataset.outcome = 'idle'"
    ))
    .await
    .expect("reset");
    page.click(&format!("#{id}")).await.expect("the button exists");
    let done = |of: &str| format!("['ok', 'blocked', 'error'].includes({of}.dataset.outcome)");
    let both = format!("{} && {}", done("document.getElementById('outcome')"), done(&result));
    page.wait_for(&both, WAIT).await.unwrap_or_else(|e| panic!("#{id} never finished: {e}"));
    (text(page, OUTCOME).await, text(page, &format!("{result}.dataset.outcome")).await)
}

/// Waits for the link beside `id` to the exchange its click caused, and
/// returns whether that inspector entry says the page could read it.
async fn linked_exchange(page: &Page, id: &str) -> String {
    let wire = format!("{}.querySelector('.wire')", result_of(id));
    let target = format!("document.querySelector({wire}.getAttribute('href'))");
    page.wait_for(&format!("!{wire}.hidden && {target}?.classList.contains('inspected')"), WAIT)
        .await
        .unwrap_or_else(|e| panic!("no exchange linked beside #{id}: {e}"));
    text(page, &format!("{target}.dataset.readable")).await
}

async fn allow_and_expose(app: &TestApp) -> (Option<String>, Option<String>) {
    let origin = format!("http://localhost:{}", app.running.page_port());
    let reply = app.api(Req::get("/cors/results").origin(&origin)).await;
    let h = |n: &str| reply.header(n).map(str::to_owned);
    (h("access-control-allow-origin"), h("access-control-expose-headers"))
}

/// Types `policy` in the lab's editor and presses Apply.
async fn type_and_apply(lab: &Page, policy: &str) {
    let literal = serde_json::to_string(policy).expect("a JS string");
    lab.eval(&format!("document.getElementById('policy-editor').value = {literal}")).await.expect("typed");
    lab.click("#policy-apply").await.expect("the instructor's Apply button");
}

async fn a_policy_that_does_not_build_is_refused_beside_the_text_and_changes_nothing(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let before = allow_and_expose(&app).await;
    let lab = super::open(&browser, &app, "/lab").await;
    lab.eval("window.stillThisPage = true").await.expect("marked");
    type_and_apply(&lab, BROKEN).await;
    let error = "document.getElementById('policy-error')";
    lab.wait_for(&format!("!{error}.hidden"), WAIT).await.expect("the error is shown");
    let shown = text(&lab, &format!("{error}.textContent")).await;
    assert!(shown.starts_with("custom.toml:5: "), "{shown}");
    assert_eq!(text(&lab, &format!("{error}.dataset.line")).await, "5");
    assert_eq!(text(&lab, "String(window.stillThisPage)").await, "true", "shown without a reload");
    lab.eval("document.getElementById('policy-form').scrollIntoView()").await.expect("scroll");
    screenshot(&lab, kind, "lab-editor").await;
    let selected = "(() => { const e = document.getElementById('policy-editor'); return e.value.slice(e.selectionStart, e.selectionEnd); })()";
    assert_eq!(text(&lab, selected).await, "  methods = [\"GET\", 42]", "the line is selected in the editor");
    assert_eq!(app.running.state().lab.current().scenario, "default");
    assert_eq!(allow_and_expose(&app).await, before, "the next API request still gets the old answer");
}

async fn a_policy_that_builds_is_in_force_on_the_next_request_and_open_pages_show_the_banner(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let class = super::open(&browser, &app, "/cors").await;
    let banner = "document.getElementById('scenario-banner')";
    class.wait_for(&format!("{banner}.dataset.scenario === 'default'"), WAIT).await.expect("connected");
    let lab = super::open(&browser, &app, "/lab").await;
    let started = Instant::now();
    type_and_apply(&lab, ONLY_GET).await;
    class
        .wait_for(&format!("{banner}.dataset.scenario === 'custom' && !{banner}.hidden"), Duration::from_secs(1))
        .await
        .unwrap_or_else(|e| panic!("no banner within a second: {e}"));
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(text(&class, &format!("{banner}.textContent")).await.contains("A policy typed in the lab (custom)"));
    let origin = format!("http://localhost:{}", app.running.page_port());
    assert_eq!(allow_and_expose(&app).await, (Some(origin), Some("X-Custom-Policy".to_owned())));

    lab.wait_for("document.getElementById('in-force')?.dataset.scenario === 'custom'", WAIT)
        .await
        .expect("the lab reloads showing custom in force");
    assert!(text(&lab, "location.search").await.contains("done=typed"));
    let diff = text(&lab, "document.getElementById('policy-diff').textContent").await;
    assert!(diff.contains("+ # typed in the lab") && diff.contains("- # The CORS policy the app ships with"), "{diff}");
    let samples = text(&lab, "document.querySelector('.samples').textContent").await;
    assert!(samples.contains("access-control-expose-headers: X-Custom-Policy"), "recomputed: {samples}");

    // The class's page, under the typed policy: GET allowed, POST not.
    assert_eq!(press(&class, "cors-simple-get").await, ("ok".into(), "ok".into()));
    assert_eq!(press(&class, "cors-json-post").await, ("blocked".into(), "blocked".into()));
}

async fn fresh(browser: &Browser, app: &TestApp, path: &str) -> Page {
    let page = browser.new_isolated_page().await.expect("a tab");
    page.goto(&format!("{}{path}", app.running.page_url())).await.expect("opens");
    page
}

async fn each_button_shows_its_outcome_and_its_exchange_beside_it(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = fresh(&browser, &app, "/cors").await;
    for (id, expected) in [("cors-simple-get", "ok"), ("cors-basic-auth", "ok"), ("cors-null-origin", "blocked")] {
        assert_eq!(press(&page, id).await, (expected.into(), expected.into()), "{id}");
        let readable = linked_exchange(&page, id).await;
        assert_eq!(readable, (expected == "ok").to_string(), "{id}: the linked exchange agrees");
    }
    let status = text(&page, &format!("{}.dataset.status", result_of("cors-basic-auth"))).await;
    assert_eq!(status, "200");

    app.running.state().lab.apply("methods-get-only").expect("known");
    let page = fresh(&browser, &app, "/cors").await;
    for (id, expected) in [("cors-json-post", "blocked"), ("cors-simple-get", "ok"), ("cors-put", "blocked")] {
        assert_eq!(press(&page, id).await, (expected.into(), expected.into()), "methods-get-only: {id}");
        assert_eq!(linked_exchange(&page, id).await, (expected == "ok").to_string(), "{id}");
    }
    let said = text(&page, &format!("{}.querySelector('.said').textContent", result_of("cors-json-post"))).await;
    assert!(said.starts_with("cors-json-post: the browser did not let this page read"), "{said}");

    let ajax = fresh(&browser, &app, "/ajax").await;
    assert_eq!(press(&ajax, "refresh").await, ("ok".into(), "ok".into()));
    assert_eq!(press(&ajax, "refresh-cross-origin").await, ("blocked".into(), "blocked".into()));
    assert_eq!(linked_exchange(&ajax, "refresh-cross-origin").await, "false");
    let first = text(&ajax, &format!("{}.dataset.outcome", result_of("refresh"))).await;
    assert_eq!(first, "ok", "each button keeps its own result");
}

async fn on_a_1280_by_900_screen_the_result_of_a_click_mid_page_is_in_view(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = fresh(&browser, &app, "/cors").await;
    page.set_viewport(1280, 900).await.expect("a 1280×900 screen");
    page.wait_for("innerWidth === 1280 && innerHeight === 900", WAIT).await.expect("resized");
    page.eval("document.getElementById('cors-basic-auth').scrollIntoView({ block: 'center' })").await.expect("scroll");
    let scrolled = text(&page, "String(scrollY)").await;
    assert_ne!(scrolled, "0", "the button is mid-page");
    assert_eq!(press(&page, "cors-basic-auth").await, ("ok".into(), "ok".into()));
    linked_exchange(&page, "cors-basic-auth").await;
    screenshot(&page, kind, "cors-1280x900").await;
    let in_view = |selector: &str| {
        format!(
            "(() => {{ const r = document.querySelector('{selector}').getBoundingClientRect(); \
             return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; }})()"
        )
    };
    assert_eq!(text(&page, &in_view("#cors-basic-auth")).await, "true", "the button is still in view");
    assert_eq!(text(&page, &in_view("[data-result-for=\"cors-basic-auth\"]")).await, "true", "the result is in view");
    let beside = "(() => { const b = document.getElementById('cors-basic-auth').getBoundingClientRect(); \
                  const r = document.querySelector('[data-result-for=\"cors-basic-auth\"]').getBoundingClientRect(); \
                  return Math.abs(r.top - b.top) < 80; })()";
    assert_eq!(text(&page, beside).await, "true", "the result is beside the button");
    let newest = "(() => { const r = document.querySelector('#exchanges li.inspected:first-child').getBoundingClientRect(); \
                  return r.top >= 0 && r.top < innerHeight - 40; })()";
    assert_eq!(text(&page, newest).await, "true", "the exchange starts in view too, beside the buttons");

    // Side by side here; stacked on a phone.
    let wire_beside = "document.getElementById('inspector').getBoundingClientRect().left > \
                       document.getElementById('standings').getBoundingClientRect().right";
    assert_eq!(text(&page, wire_beside).await, "true", "the wire beside the standings at 1280 wide");
    page.set_viewport(390, 844).await.expect("a phone");
    page.wait_for("innerWidth === 390", WAIT).await.expect("resized");
    let stacked = "document.getElementById('inspector').getBoundingClientRect().top > \
                   document.getElementById('standings').getBoundingClientRect().bottom";
    assert_eq!(text(&page, stacked).await, "true", "stacked on a phone");
    let fits = "document.documentElement.scrollWidth <= innerWidth";
    let wide = "(() => { const clipped = (e) => { for (let p = e.parentElement; p; p = p.parentElement) { if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; }; return [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && !clipped(e)).slice(0, 8).map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).join(' | ') + ' sw=' + document.documentElement.scrollWidth; })()";
    assert_eq!(text(&page, fits).await, "true", "nothing wider than a phone: {}", text(&page, wide).await);
}

/// Saves what the page shows, to be looked at: under the target directory, and
/// with `F1_SCREENSHOTS=DIR` (Chromium's only) for the README.
async fn screenshot(page: &Page, kind: Kind, name: &str) {
    let mine = format!("{}/{name}-{kind:?}.png", env!("CARGO_TARGET_TMPDIR"));
    page.screenshot(&mine).await.expect("screenshot");
    if let (Ok(dir), Kind::Chromium) = (std::env::var("F1_SCREENSHOTS"), kind) {
        std::fs::copy(&mine, format!("{dir}/{name}.png")).expect("copied for the README");
    }
}
