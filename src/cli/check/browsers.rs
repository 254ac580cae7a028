//! One verdict line per browser, each made by one small function: what
//! the browser decides and the words its console uses.
//!
//! The decision is the diagnosis's (held against Chromium, and against
//! Firefox but for the differences `docs/browsers.md` lists). The words
//! and codes are each browser's own (`diagnosis::words`): Chromium's
//! console sentence and `corsError`, Firefox's sentence and reason key.

use serde::Serialize;

use super::redirect::Redirect;
use super::report::Outcome;
use crate::diagnosis::{BrowserVerdict, ConsoleWords};

/// What one browser decides, and how it says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct BrowserLine {
    /// `chromium` or `firefox`.
    pub(crate) browser: &'static str,
    /// `allowed`, `blocked` or `redirected`.
    pub(crate) verdict: Outcome,
    /// The browser's console words, when it has some to say and we know them.
    pub(crate) console: Option<String>,
    /// The browser's error code or reason key, when we know it.
    pub(crate) code: Option<String>,
    /// One sentence for the terminal.
    pub(crate) summary: String,
}

/// What each browser's line is made from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ending<'a> {
    /// How the request ended for the script.
    pub(crate) outcome: Outcome,
    /// The diagnosis's verdict.
    pub(crate) verdict: &'a BrowserVerdict,
    /// The redirect the browser would follow (or fail on), if any.
    pub(crate) redirect: Option<&'a Redirect>,
    /// The status of the actual response, if one came.
    pub(crate) status: Option<u16>,
}

/// The line of every browser, in a stable order.
pub(crate) fn browser_lines(ending: Ending<'_>) -> Vec<BrowserLine> {
    vec![chromium(ending), firefox(ending)]
}

/// Chromium: its console sentence and `corsError` code.
fn chromium(ending: Ending<'_>) -> BrowserLine {
    line("chromium", ending, ending.verdict.chromium.as_ref())
}

/// Firefox: its console sentence and reason key.
fn firefox(ending: Ending<'_>) -> BrowserLine {
    line("firefox", ending, ending.verdict.firefox.as_ref())
}

/// One browser's line: the shared decision in that browser's words.
fn line(browser: &'static str, ending: Ending<'_>, words: Option<&ConsoleWords>) -> BrowserLine {
    let Ending { outcome, redirect, status, .. } = ending;
    let verdict = ending.verdict;
    // A refused answer this browser reads all the same (Firefox and an empty
    // header line): the diagnosis gives it no words, and a warning says why.
    if outcome == Outcome::Blocked && words.is_none() && verdict.failure.is_some() && verdict.chromium.is_some() {
        let summary = format!("{} (this browser reads it; see the warnings)", readable(status));
        return BrowserLine { browser, verdict: Outcome::Allowed, console: None, code: None, summary };
    }
    let summary = match (outcome, words) {
        (Outcome::Allowed, _) => readable(status),
        (Outcome::Blocked, Some(words)) => format!("blocked ({}): {}", words.code, words.message),
        (Outcome::Blocked | Outcome::Redirected, _) => followed(redirect),
    };
    BrowserLine {
        browser,
        verdict: outcome,
        console: words.map(|w| w.message.clone()),
        code: words.map(|w| w.code.to_owned()),
        summary,
    }
}

/// An allowed request: the script reads the answer, whatever its status.
fn readable(status: Option<u16>) -> String {
    match status {
        Some(status) => format!("allowed: the script can read the {status} response"),
        None => "allowed: the script can read the response".to_owned(),
    }
}

/// What every browser does with a redirect that passed the CORS check.
fn followed(redirect: Option<&Redirect>) -> String {
    match redirect {
        Some(Redirect { fails: Some(why), status, .. }) => format!("blocked after the {status} redirect: {why}"),
        Some(r) => format!(
            "follows the {} redirect: {} {} with Origin: {}, preflighted again if that request is not simple; \
             the outcome depends on that answer",
            r.status, r.method, r.location, r.origin
        ),
        None => "blocked: the request failed without a CORS message".to_owned(),
    }
}
