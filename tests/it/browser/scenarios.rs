//! Every lab scenario, in Chromium and in Firefox: each button reaches the outcome the
//! scenario predicts, the banner shows up on open pages, and the max-age
//! scenarios send the predicted number of preflights.

use std::time::{Duration, Instant};

use f1_race_results::lab::scenario::{self, Scenario};
use f1_race_results::pages::cors_requests::REQUESTS;

use super::driver::{Browser, Page};
use super::{Kind, in_both_browsers};
use super::{WAIT, browser_for, text};
use crate::helpers::TestApp;

in_both_browsers!(
    every_scenario_reaches_its_predicted_outcomes_part_one,
    every_scenario_reaches_its_predicted_outcomes_part_two,
    max_age_decides_how_many_preflights_ten_clicks_send,
    open_pages_show_the_scenario_banner_within_a_second,
    a_shared_cache_without_vary_serves_one_origins_answer_to_another,
    the_lab_probe_button_finds_what_the_setup_in_force_admits,
);

const OUTCOME: &str = "document.getElementById('outcome').dataset.outcome";

async fn press(page: &Page, id: &str) -> String {
    page.eval("document.getElementById('outcome').dataset.outcome = 'idle'").await.expect("reset");
    page.click(&format!("#{id}")).await.expect("the button exists");
    let done = format!("['ok', 'blocked', 'error'].includes({OUTCOME})");
    page.wait_for(&done, WAIT).await.unwrap_or_else(|e| panic!("#{id} never finished: {e}"));
    text(page, OUTCOME).await
}

/// A fresh browser context (no cached preflight, no cookie) on `path`.
async fn fresh(browser: &Browser, app: &TestApp, path: &str) -> Page {
    let page = browser.new_isolated_page().await.expect("a tab");
    page.goto(&format!("{}{path}", app.running.page_url())).await.expect("opens");
    page
}

async fn check_scenario(kind: Kind, browser: &Browser, app: &TestApp, scenario: &Scenario) {
    app.running.state().lab.apply(&scenario.name).expect("known scenario");
    let expect = |key: &str| scenario.expect.outcomes.get(key).cloned().unwrap_or_default();
    let page = fresh(browser, app, "/cors").await;
    let mut wrong = Vec::new();
    for button in REQUESTS {
        let outcome = press(&page, button.id).await;
        if outcome != expect(button.id) {
            wrong.push(format!("{}: {outcome}, predicted {}", button.id, expect(button.id)));
        }
    }
    if let Some(exposed) = &scenario.expect.exposed {
        press(&page, "cors-read-header").await;
        let read = text(&page, "document.getElementById('exposed').textContent").await;
        if &read != exposed {
            wrong.push(format!("exposed: read {read:?}, predicted {exposed:?}"));
        }
    }
    for technique in ["jsonp", "iframe"] {
        let other = fresh(browser, app, &format!("/{technique}")).await;
        let outcome = press(&other, "refresh").await;
        if outcome != expect(technique) {
            wrong.push(format!("{technique}: {outcome}, predicted {}", expect(technique)));
        }
        other.close().await.expect("closes");
    }
    // The console's words the lab page quotes (the shared cache's need two
    // names: its own test below).
    if let Some(says) = scenario.says.as_ref().filter(|_| scenario.name != SHARED_CACHE) {
        let words = match kind {
            Kind::Chromium => &says.chromium,
            Kind::Firefox => &says.firefox,
        };
        if !page.console().iter().any(|line| line.contains(words.as_str())) {
            wrong.push(format!("the console never said {words:?}"));
        }
    }
    assert!(wrong.is_empty(), "scenario {}:\n{}\nconsole: {:#?}", scenario.name, wrong.join("\n"), page.console());
    page.close().await.expect("closes");
}

const SHARED_CACHE: &str = "vary-missing-shared-cache";

/// Checks the scenarios whose position `take` accepts (two halves run in parallel).
async fn check_all(kind: Kind, take: impl Fn(usize) -> bool) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let scenarios = scenario::all().expect("scenarios parse");
    for (_, scenario) in scenarios.iter().enumerate().filter(|(i, _)| take(*i)) {
        check_scenario(kind, &browser, &app, scenario).await;
    }
}

async fn every_scenario_reaches_its_predicted_outcomes_part_one(kind: Kind) {
    check_all(kind, |i| i % 2 == 0).await;
}

async fn every_scenario_reaches_its_predicted_outcomes_part_two(kind: Kind) {
    check_all(kind, |i| i % 2 == 1).await;
}

async fn max_age_decides_how_many_preflights_ten_clicks_send(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    for name in ["long-max-age", "no-max-age"] {
        let lab = &app.running.state().lab;
        lab.apply(name).expect("known");
        let predicted = lab.entry(name).ok().and_then(|e| e.scenario.as_ref()?.expect.preflights_for_ten_clicks);
        let page = fresh(&browser, &app, "/cors").await;
        let before = app.running.state().exchanges.next_id();
        for _ in 0..10 {
            assert_eq!(press(&page, "cors-json-post").await, "ok");
        }
        let preflights = app
            .running
            .state()
            .exchanges
            .recent()
            .iter()
            .filter(|e| e.id > before && e.method() == "OPTIONS" && e.path() == "/cors/results")
            .count();
        assert_eq!(Some(preflights as u32), predicted, "{name}");
        page.close().await.expect("closes");
    }
}

async fn open_pages_show_the_scenario_banner_within_a_second(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = super::open(&browser, &app, "/cors").await;
    let banner = "document.getElementById('scenario-banner')";
    page.wait_for(&format!("{banner}.dataset.scenario === 'default'"), WAIT).await.expect("connected");
    assert_eq!(page.eval(&format!("{banner}.hidden")).await.expect("eval"), serde_json::Value::Bool(true));
    for name in ["credentials-flag-missing", "default"] {
        let started = Instant::now();
        app.running.state().lab.apply(name).expect("known");
        page.wait_for(&format!("{banner}.dataset.scenario === '{name}'"), Duration::from_secs(1))
            .await
            .unwrap_or_else(|e| panic!("no banner for {name} within a second: {e}"));
        assert!(started.elapsed() < Duration::from_secs(1));
    }
    let shown = text(&page, &format!("{banner}.hidden")).await;
    assert_eq!(shown, "true", "back to default hides the banner");
    app.running.state().lab.apply("no-max-age").expect("known");
    page.wait_for(&format!("!{banner}.hidden && {banner}.textContent.includes('Preflights never cached')"), WAIT)
        .await
        .expect("the title is shown");
}

/// Someone on `127.0.0.1` warms the shared cache; the learner on `localhost`
/// gets that answer, with the other origin's Access-Control-Allow-Origin.
async fn a_shared_cache_without_vary_serves_one_origins_answer_to_another(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    app.running.state().lab.apply(SHARED_CACHE).expect("known");
    let other_url = app.running.page_url().replace("localhost", "127.0.0.1");
    let other = browser.new_isolated_page().await.expect("a tab");
    other.goto(&format!("{other_url}/cors")).await.expect("opens on 127.0.0.1");
    assert_eq!(press(&other, "cors-simple-get").await, "ok", "the first origin is served fresh");
    let learner = fresh(&browser, &app, "/cors").await;
    assert_eq!(press(&learner, "cors-simple-get").await, "blocked", "console: {:#?}", learner.console());
    let lab = &app.running.state().lab;
    let says = lab.entry(SHARED_CACHE).ok().and_then(|e| e.scenario.as_ref()?.says.clone()).expect("words");
    let words = if kind == Kind::Chromium { says.chromium } else { says.firefox };
    learner.wait_for_console(&words, WAIT).await.expect("the console says why");
    learner.wait_for_console(&other_url, WAIT).await.expect("and names the other origin");
    let hit = app.running.state().exchanges.recent().iter().rev().find(|e| e.path() == "/cors/results").cloned();
    let hit = hit.expect("recorded");
    assert_eq!((hit.cors, hit.origin()), ("cache-hit", Some(app.running.page_url().as_str())));
    other.close().await.expect("closes");
    learner.close().await.expect("closes");
}

/// `#probe-run` on `/lab`: a row per probe, the admitted look-alikes marked.
async fn the_lab_probe_button_finds_what_the_setup_in_force_admits(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let rows = "document.querySelectorAll('#probe-results tbody tr')";
    let high = "document.querySelectorAll('#probe-results tr[data-admitted=\"true\"][data-severity=\"high\"]')";
    for (scenario, highs) in [("null-origin-allowed", 2), ("default", 0)] {
        app.running.state().lab.apply(scenario).expect("known");
        let page = fresh(&browser, &app, "/lab").await;
        page.click("#probe-run").await.expect("the button exists");
        page.wait_for(&format!("{rows}.length > 50"), WAIT)
            .await
            .unwrap_or_else(|e| panic!("{scenario}: no rows: {e}"));
        assert_eq!(text(&page, &format!("{high}.length")).await, highs.to_string(), "{scenario}");
        if highs > 0 {
            let origins = text(&page, &format!("[...{high}].every(r => r.dataset.origin === 'null')")).await;
            assert_eq!(origins, "true", "only null is admitted");
        }
        let allowed =
            text(&page, "document.querySelector('#probe-results tr[data-class=\"allowed\"]').dataset.admitted").await;
        assert_eq!(allowed, "true", "{scenario}: the page origin itself is admitted");
        page.close().await.expect("closes");
    }
}
