//! The diagnosis held against real Chromium and Firefox: for every case of
//! the corpus a page on one origin makes the request (fetch or XHR) to a
//! scripted server on another, and the pure diagnosis must agree with what
//! the browser did: the preflight (sent, and what it asked for), whether the
//! script could read the response and which headers, and what its console
//! said, word for word in that browser's own words (Chromium's sentence and
//! its DevTools `corsError`, Firefox's sentence and so its reason). Firefox's
//! behaviour may differ only as `diagnosis_corpus/firefox.rs` lists.
//!
//! One browser, two tabs (a normal page and a sandboxed one, whose origin is
//! `null`), cases run one after the other on URLs of their own, so neither
//! the preflight cache nor the HTTP cache links two cases.

mod case;
mod cases;
mod compare;
mod firefox;
mod requests;
mod responses;
mod server;

use f1_race_results::diagnosis::{BrowserVerdict, diagnose};
use serde_json::Value;

use crate::browser::driver::{Browser, Kind, LaunchOptions, Page};
use case::Case;
use compare::{compare, console_message};
use server::{BODY, Servers};

/// Runs one case in the page and reports what the script saw.
const RUNNER: &str = include_str!("diagnosis_corpus/runner.html");

fn all_cases() -> Vec<Case> {
    [
        requests::simple(),
        requests::preflighted(),
        requests::preflight_answers(),
        responses::credentials(),
        responses::allow_origin(),
        responses::exposure(),
        responses::header_values(),
        cases::all(),
    ]
    .concat()
}

/// The corpus's size, the goal of issue 13 (checked without a browser).
#[test]
fn the_corpus_has_at_least_250_cases_with_distinct_names() {
    let cases = all_cases();
    let mut names: Vec<_> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    eprintln!("diagnosis corpus: {} cases", cases.len());
    assert!(cases.len() >= 250, "only {} cases", cases.len());
    assert_eq!(names.len(), cases.len(), "two cases share a name");
}

/// `DIAGNOSIS_CORPUS_ONLY=text` runs only the cases whose name contains
/// `text`, and `DIAGNOSIS_CORPUS_FROM=n` only those from the n-th on (to
/// try new cases while developing); by default every case runs.
fn selected(index: usize, name: &str) -> bool {
    let from = std::env::var("DIAGNOSIS_CORPUS_FROM").ok().and_then(|n| n.parse().ok()).unwrap_or(0);
    let only = std::env::var("DIAGNOSIS_CORPUS_ONLY").unwrap_or_default();
    index >= from && name.contains(&only)
}

fn selected_cases() -> Vec<Case> {
    all_cases().into_iter().enumerate().filter(|(i, c)| selected(*i, c.name)).map(|(_, c)| c).collect()
}

#[tokio::test]
async fn the_diagnosis_agrees_with_chromium_on_every_case() {
    let Some(found) = disagreements_in(Kind::Chromium).await else { return };
    let disagreements: Vec<_> = found.into_iter().map(|(_, d)| d).collect();
    assert!(
        disagreements.is_empty(),
        "{} disagreements with Chromium:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// Firefox's console must say the diagnosis's Firefox words; its behaviour
/// differs from Chromium's exactly where `firefox::DIFFERS` says.
#[tokio::test]
async fn the_diagnosis_agrees_with_firefox_but_where_firefox_differs_from_chromium() {
    let Some(found) = disagreements_in(Kind::Firefox).await else { return };
    let listed =
        |name: &str, what: &str| firefox::DIFFERS.iter().any(|(case, whats)| *case == name && whats.contains(&what));
    let unexpected: Vec<_> = found
        .iter()
        .filter(|(name, detail)| !listed(name, detail.split(':').next().unwrap_or_default()))
        .map(|(_, detail)| detail.as_str())
        .collect();
    let ran: Vec<&str> = selected_cases().iter().map(|c| c.name).collect();
    let missing: Vec<_> = firefox::DIFFERS
        .iter()
        .filter(|(case, _)| ran.contains(case))
        .flat_map(|(case, whats)| whats.iter().map(move |what| (*case, *what)))
        .filter(|(case, what)| !found.iter().any(|(name, d)| name == case && d.split(':').next() == Some(what)))
        .collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "Firefox differs where not listed:\n{}\nlisted but Firefox agrees: {missing:?}",
        unexpected.join("\n")
    );
}

/// Runs every case in `kind`; returns the case's name and one line per way
/// its diagnosis and the browser differ (`None`: the browser is missing and
/// CI unset, SKIP printed).
async fn disagreements_in(kind: Kind) -> Option<Vec<(&'static str, String)>> {
    let cases = selected_cases();
    let servers = Servers::start(RUNNER).await;
    // Prints a SKIP notice and returns None where the browser is missing (fails under CI).
    let launched = Browser::launch(kind, LaunchOptions::default()).await;
    let browser = launched.unwrap_or_else(|e| panic!("{kind:?} starts: {e}"))?;
    let page = open(&browser, &format!("{}/", servers.page_origin)).await;
    let sandboxed = open(&browser, &format!("{}/sandboxed", servers.page_origin)).await;

    let mut seen_by_script = Vec::with_capacity(cases.len());
    for (i, case) in cases.iter().enumerate() {
        servers.script(&i.to_string(), case.script(&servers.page_origin));
        let tab = if case.sandboxed { &sandboxed } else { &page };
        let call = format!("runCase({})", case.to_js(&url(&servers, i)));
        let mut last = Value::Null;
        for _ in 0..case.repeat {
            last = tab.eval(&call).await.unwrap_or_else(|e| panic!("{}: {e}", case.name));
        }
        seen_by_script.push(last);
    }

    let mut disagreements = Vec::new();
    for (i, (case, script_saw)) in cases.iter().zip(&seen_by_script).enumerate() {
        let tab = if case.sandboxed { &sandboxed } else { &page };
        let verdict = diagnosis_of(case, &servers, i);
        let console = console_message(kind, tab, &url(&servers, i), script_saw, &verdict).await;
        let found = compare(kind, case, &verdict, script_saw, &servers.seen(&i.to_string()), console);
        disagreements.extend(found.into_iter().map(|d| (case.name, format!("{d} (case {i} \"{}\")", case.name))));
    }
    browser.close().await.unwrap_or_else(|e| panic!("{kind:?} closes: {e}"));
    eprintln!("diagnosis corpus in {kind:?}: {} disagreements over {} cases", disagreements.len(), cases.len());
    Some(disagreements)
}

async fn open(browser: &Browser, url: &str) -> Page {
    let page = browser.new_page().await.expect("a tab");
    page.goto(url).await.expect("the runner page loads");
    page
}

fn url(servers: &Servers, i: usize) -> String {
    format!("{}/case/{i}", servers.api_origin)
}

/// The pure diagnosis of a case, from exactly what the server sends.
fn diagnosis_of(case: &Case, servers: &Servers, i: usize) -> BrowserVerdict {
    let spec = case.spec(&servers.page_origin, &servers.api_origin, &format!("/case/{i}"));
    let script = case.script(&servers.page_origin);
    let mut actual = script.actual.headers;
    actual.push(("Content-Length".to_owned(), BODY.len().to_string()));
    let preflight = &script.preflight;
    diagnose(
        &spec,
        Some((preflight.status, preflight.headers.as_slice())),
        Some((script.actual.status, actual.as_slice())),
    )
}
