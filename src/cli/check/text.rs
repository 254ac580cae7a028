//! The report drawn for a terminal, the way the inspector shows an
//! exchange: request line and the headers that matter, the status and the
//! `Access-Control-*` and `Vary` headers, then one verdict line per
//! browser, the fix and the warnings. Server text is made printable.

use std::fmt::Write as _;

use super::report::{Exchange, Outcome, Report};

/// The whole report as text, ending with a newline.
pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    let credentials = if report.credentials { "include" } else { "same-origin (not sent across origins)" };
    let _ =
        writeln!(out, "{} {} from {}, credentials {credentials}", report.method, printable(&report.url), report.origin);
    if report.url.starts_with(&format!("{}/", report.origin)) {
        out.push_str("Same origin: CORS does not apply (no preflight, no header checked).\n");
    }
    match (&report.preflight_reason, &report.preflight) {
        (None, _) => {
            out.push_str("\nNo preflight: a simple request (safelisted method and headers) goes straight out.\n")
        }
        (Some(why), preflight) => {
            let mut reasons = Vec::new();
            if let Some(method) = &why.method {
                reasons.push(format!("the method {method} is not GET, HEAD or POST"));
            }
            match why.headers.as_slice() {
                [] => {}
                [one] => reasons.push(format!("the header {one} is not CORS-safelisted (by name or value)")),
                many => {
                    reasons.push(format!("the headers {} are not CORS-safelisted (by name or value)", many.join(", ")))
                }
            }
            let _ = writeln!(out, "\nPreflight, because {}:", reasons.join(" and "));
            if let Some(exchange) = preflight {
                draw(&mut out, exchange);
            }
        }
    }
    match &report.actual {
        Some(exchange) => {
            out.push_str("\nActual request:\n");
            draw(&mut out, exchange);
        }
        None => {
            out.push_str("\nActual request: not sent (a browser sends it only after a preflight that allows it).\n")
        }
    }
    out.push('\n');
    for line in &report.browsers {
        let name = format!("{}:", capitalized(line.browser));
        let _ = writeln!(out, "{name:<10}{}", printable(&line.summary));
    }
    if report.outcome == Outcome::Allowed {
        let readable =
            if report.readable_headers.is_empty() { "none".to_owned() } else { report.readable_headers.join(", ") };
        let _ = writeln!(out, "Readable response headers: {}", printable(&readable));
    }
    if let Some(fix) = &report.fix {
        let _ = writeln!(out, "Fix: {}", printable(fix));
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "Warning: {}", printable(warning));
    }
    out
}

fn draw(out: &mut String, exchange: &Exchange) {
    let _ = writeln!(out, "  > {} {}", exchange.method, printable(&exchange.path));
    for (name, value) in &exchange.request_headers {
        let _ = writeln!(out, "  > {name}: {}", printable(value));
    }
    let reason =
        http::StatusCode::from_u16(exchange.status).ok().and_then(|s| s.canonical_reason()).unwrap_or_default();
    let _ = writeln!(out, "  < {} {reason}", exchange.status);
    for (name, value) in &exchange.response_headers {
        let _ = writeln!(out, "  < {name}: {}", printable(value));
    }
}

fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// `text` with every control character escaped, so a server cannot move
/// the cursor or clear the terminal of whoever reads the report.
fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() }).collect()
}
