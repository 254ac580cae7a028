//! Where the diagnosis and Chromium may differ on one case, and what
//! Chromium said: the console line and the script's view.

use f1_race_results::diagnosis::BrowserVerdict;
use serde_json::Value;

use super::case::Case;
use super::server::{BODY, Seen};
use crate::browser::cdp::Page;

const BLOCKED: &str = "has been blocked by CORS policy: ";

/// Chromium's CORS console message for the case's URL, whole (it arrives a
/// little after the script sees the failure).
pub async fn console_message(tab: &Page, url: &str, script_saw: &Value, verdict: &BrowserVerdict) -> Option<String> {
    let needle = format!("at '{url}' ");
    let find = |lines: Vec<String>| lines.into_iter().find(|l| l.contains(&needle) && l.contains(BLOCKED));
    let mut line = find(tab.console());
    let failed = script_saw["ok"] != Value::Bool(true);
    if line.is_none() && (failed || verdict.console_message.is_some()) {
        let wait = std::time::Duration::from_secs(3);
        line = tab.wait_for_console(&needle, wait).await.ok();
        line = line.filter(|l| l.contains(BLOCKED));
    }
    // The driver prefixes each line with its source, e.g. `[log.error] `.
    line.map(|l| l.split_once("] ").map_or(l.as_str(), |(_, m)| m).to_owned())
}

/// Every way the diagnosis and Chromium differ on one case.
pub fn compare(
    case: &Case,
    verdict: &BrowserVerdict,
    script_saw: &Value,
    seen: &Seen,
    console: Option<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, diagnosis: String, chromium: String| {
        if diagnosis != chromium {
            out.push(format!("{what}: diagnosis {diagnosis}, Chromium {chromium}"));
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
    let message = verdict.console_message.as_deref();
    check("console", format!("{message:?}"), format!("{console:?}"));
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
