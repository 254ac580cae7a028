//! Where the diagnosis and the browser may differ on one case, and what
//! the browser said: the console line (each browser's own words), Chromium's
//! error code, and the script's view.

use f1_race_results::diagnosis::BrowserVerdict;
use serde_json::Value;

use super::case::Case;
use super::server::{BODY, Seen};
use crate::browser::Kind;
use crate::browser::driver::Page;

/// What the browser said about one case: its CORS console line (whole) and,
/// in Chromium, the `corsError` of the DevTools issue for the URL.
#[derive(Debug, Default)]
pub struct Said {
    pub message: Option<String>,
    pub code: Option<String>,
}

/// What the browser said about the case's URL; it arrives a little after the
/// script sees the failure, so wait (at most 3 s) when one is due.
pub async fn console_message(kind: Kind, tab: &Page, url: &str, script_saw: &Value, verdict: &BrowserVerdict) -> Said {
    let (needles, blocked) = match kind {
        Kind::Chromium => (vec![format!("at '{url}' ")], "has been blocked by CORS policy: "),
        // "... reading the remote resource at <url>. (Reason: ...)", the URL
        // in quotes (‘<url>’) for credentials with `*`.
        Kind::Firefox => (vec![format!("at {url}. "), format!("at ‘{url}’. ")], "Cross-Origin Request Blocked: "),
    };
    let issue = format!(" {url}");
    let find = || {
        let lines = tab.console();
        let message = lines.iter().find(|l| l.contains(blocked) && needles.iter().any(|n| l.contains(n)));
        // The driver prefixes each line with its source, e.g. `[log.error] `.
        let message = message.map(|l| l.split_once("] ").map_or(l.as_str(), |(_, m)| m).to_owned());
        let code = lines.iter().find_map(|l| {
            let rest = l.strip_prefix("[issue.CorsIssue] ")?;
            rest.strip_suffix(&issue).map(str::to_owned)
        });
        Said { message, code }
    };
    let mut said = find();
    let failed = script_saw["ok"] != Value::Bool(true);
    let due = |said: &Said| {
        let code_due = kind == Kind::Chromium && verdict.chromium.is_some() && said.code.is_none();
        said.message.is_none() && (failed || verdict.console_message.is_some()) || code_due
    };
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
    while due(&said) && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        said = find();
    }
    said
}

/// Every way the diagnosis and the browser differ on one case.
pub fn compare(
    kind: Kind,
    case: &Case,
    verdict: &BrowserVerdict,
    script_saw: &Value,
    seen: &Seen,
    console: Said,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, diagnosis: String, browser: String| {
        if diagnosis != browser {
            out.push(format!("{what}: diagnosis {diagnosis}, {kind:?} {browser}"));
        }
    };
    let preflights = match (verdict.preflight_sent, verdict.preflight_cache_seconds) {
        (false, _) => 0,
        (true, Some(seconds)) if seconds > 0 => 1,
        (true, _) => case.repeat,
    };
    check("preflights", preflights.to_string(), seen.preflights.to_string());
    let actuals = if verdict.actual_sent { case.repeat } else { 0 };
    check("actual requests", actuals.to_string(), seen.actuals.to_string());
    if let Some(reason) = verdict.preflight.as_ref().filter(|_| seen.preflights > 0) {
        let method = reason.method.clone().unwrap_or_else(|| case.method.clone());
        check("request method", format!("{:?}", Some(method)), format!("{:?}", seen.request_method));
        check("request headers", format!("{:?}", reason.request_headers()), format!("{:?}", seen.request_headers));
    }
    let readable = script_saw["ok"] == Value::Bool(true);
    check("readable", verdict.readable.to_string(), readable.to_string());
    // The whole line, word for word: API, URL and origin as well as the reason.
    match kind {
        Kind::Chromium => {
            let message = verdict.console_message.as_deref();
            check("console", format!("{message:?}"), format!("{:?}", console.message));
            let code = verdict.chromium.as_ref().map(|w| w.code);
            check("error code", format!("{code:?}"), format!("{:?}", console.code.as_deref()));
        }
        // Whether a message comes (a behaviour `firefox::DIFFERS` may list),
        // then, when both have one, its words: those must always agree.
        Kind::Firefox => {
            let expected = verdict.firefox.as_ref().map(|w| w.message.as_str());
            check("a console message", expected.is_some().to_string(), console.message.is_some().to_string());
            if let (Some(expected), Some(said)) = (expected, console.message.as_deref()) {
                check("console", format!("{expected:?}"), format!("{said:?}"));
            }
        }
    }
    if readable && verdict.readable {
        for name in case.readable_candidates() {
            let exposed = verdict.exposed.contains(&name);
            let read = !script_saw["values"][&name].is_null();
            check(&format!("{name} readable"), exposed.to_string(), read.to_string());
        }
        let body = if case.method == "HEAD" { "" } else { BODY };
        check("body", format!("{body:?}"), script_saw["body"].to_string());
    }
    out
}
