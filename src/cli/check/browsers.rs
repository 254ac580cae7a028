//! One verdict line per browser, each made by one small function: what
//! the browser decides and the words its console uses.
//!
//! The decision is the diagnosis's (held against Chromium, and against
//! Firefox but for the differences `docs/browsers.md` lists). The words are
//! Chromium's console message; Firefox's sentence and reason key come
//! with the diagnosis's Firefox wording (issue 13), and go into
//! [`firefox`] then.

use serde::Serialize;

use super::redirect::Redirect;
use super::report::Outcome;
use crate::diagnosis::BrowserVerdict;

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

/// Chromium: the diagnosis's own words.
fn chromium(ending: Ending<'_>) -> BrowserLine {
    let Ending { outcome, verdict, redirect, status } = ending;
    let summary = match outcome {
        Outcome::Allowed => readable(status),
        Outcome::Blocked => match &verdict.console_message {
            Some(message) => format!("blocked: {message}"),
            None => followed(redirect),
        },
        Outcome::Redirected => followed(redirect),
    };
    BrowserLine { browser: "chromium", verdict: outcome, console: verdict.console_message.clone(), code: None, summary }
}

/// Firefox: the same decision; its own console words are not in the model yet.
fn firefox(ending: Ending<'_>) -> BrowserLine {
    let Ending { outcome, redirect, status, .. } = ending;
    let summary = match outcome {
        Outcome::Allowed => readable(status),
        Outcome::Blocked if redirect.is_some_and(|r| r.fails.is_some()) => followed(redirect),
        Outcome::Blocked => "blocked, the same decision; its console says \"Cross-Origin Request Blocked: …\" \
                             with a (Reason: …) of its own"
            .to_owned(),
        Outcome::Redirected => followed(redirect),
    };
    BrowserLine { browser: "firefox", verdict: outcome, console: None, code: None, summary }
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
