//! Where the diagnosis and the browser may differ on one case, and what
//! the browser said: the console line and the script's view.

use f1_race_results::diagnosis::BrowserVerdict;
use serde_json::Value;

use super::case::Case;
use super::server::{BODY, Seen};
use crate::browser::Kind;
use crate::browser::driver::Page;

/// The browser's CORS console message for the case's URL, whole (it arrives a
/// little after the script sees the failure).
pub async fn console_message(
    kind: Kind,
    tab: &Page,
    url: &str,
    script_saw: &Value,
    verdict: &BrowserVerdict,
) -> Option<String> {
    let (needles, blocked) = match kind {
        Kind::Chromium => (vec![format!("at '{url}' ")], "has been blocked by CORS policy: "),
        // "... reading the remote resource at <url>. (Reason: ...)", the URL
        // sometimes in quotes (‘<url>’), as for credentials with `*`.
        Kind::Firefox => (vec![format!("at {url}. "), format!("at ‘{url}’. ")], "Cross-Origin Request Blocked: "),
    };
    let find = || {
        let lines = tab.console().into_iter();
        lines.into_iter().find(|l| l.contains(blocked) && needles.iter().any(|n| l.contains(n)))
    };
    let mut line = find();
    let failed = script_saw["ok"] != Value::Bool(true);
    if line.is_none() && (failed || verdict.console_message.is_some()) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
        while line.is_none() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            line = find();
        }
    }
    // The driver prefixes each line with its source, e.g. `[log.error] `.
    line.map(|l| l.split_once("] ").map_or(l.as_str(), |(_, m)| m).to_owned())
}

/// Every way the diagnosis and the browser differ on one case.
pub fn compare(
    kind: Kind,
    case: &Case,
    verdict: &BrowserVerdict,
    script_saw: &Value,
    seen: &Seen,
    console: Option<String>,
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
    // The whole line: API, URL and origin as well as the reason after "blocked by CORS policy".
    match kind {
        Kind::Chromium => {
            let message = verdict.console_message.as_deref();
            check("console", format!("{message:?}"), format!("{console:?}"));
        }
        // The diagnosis words its message like Chromium: only whether one comes is compared.
        Kind::Firefox => {
            let expected = verdict.console_message.is_some();
            // Equal when both or neither; otherwise what Firefox said (or None).
            let firefox = if console.is_some() == expected { expected.to_string() } else { format!("{console:?}") };
            check("a console message", expected.to_string(), firefox);
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
