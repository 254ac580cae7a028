//! What works today but is fragile, read from the answers: the warnings
//! `check` adds to the diagnosis's own (e.g. `Authorization` covered only
//! by `*`). Pure.

use crate::cli::http::client::Answer;
use crate::diagnosis::{MAX_MAX_AGE, RequestSpec};

/// Firefox keeps a preflight 24 hours at most (Chromium: [`MAX_MAX_AGE`]).
pub(crate) const FIREFOX_MAX_AGE: u64 = 86_400;

/// The warnings for one check: `preflight` and `actual` are the answers received.
pub(crate) fn warnings(spec: &RequestSpec, preflight: Option<&Answer>, actual: Option<&Answer>) -> Vec<String> {
    let mut out = Vec::new();
    for (what, answer) in [("preflight's answer", preflight), ("response", actual)] {
        let Some(answer) = answer else { continue };
        if let Some(line) = reflected_without_vary(spec, what, answer) {
            out.push(line);
        }
        if let Some(line) = wildcard_with_credentials(what, answer) {
            out.push(line);
        }
    }
    if let Some(line) = preflight.and_then(max_age_above_cap) {
        out.push(line);
    }
    out
}

/// The value of the only (or first) header named `name`.
fn header<'a>(answer: &'a Answer, name: &str) -> Option<&'a str> {
    answer.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
}

/// Every item of every `name` header, as comma-separated lists.
fn list_items<'a>(answer: &'a Answer, name: &'a str) -> impl Iterator<Item = &'a str> {
    answer
        .headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| v.split(',').map(str::trim))
}

fn reflected_without_vary(spec: &RequestSpec, what: &str, answer: &Answer) -> Option<String> {
    let reflected = header(answer, "access-control-allow-origin")? == spec.page_origin;
    let varies = list_items(answer, "vary").any(|v| v == "*" || v.eq_ignore_ascii_case("origin"));
    (reflected && !varies).then(|| {
        format!(
            "The {what} names the request's own Origin in Access-Control-Allow-Origin without `Vary: Origin`: \
             if the server picks that value per request (a list, a pattern, a reflection), a shared or browser \
             cache can hand this answer to a page of another origin, which then fails. Add `Vary: Origin`."
        )
    })
}

fn wildcard_with_credentials(what: &str, answer: &Answer) -> Option<String> {
    let star = header(answer, "access-control-allow-origin")? == "*";
    let credentials = header(answer, "access-control-allow-credentials").is_some_and(|v| v == "true");
    (star && credentials).then(|| {
        format!(
            "The {what} is public (`Access-Control-Allow-Origin: *`) yet says `Access-Control-Allow-Credentials: true`: \
             requests without credentials work, but a browser refuses every request with credentials (cookies, \
             HTTP authentication) to it. Name the origin instead of `*`, or drop the credentials header."
        )
    })
}

fn max_age_above_cap(answer: &Answer) -> Option<String> {
    let seconds: u64 = header(answer, "access-control-max-age")?.parse().ok()?;
    let chromium = u64::from(MAX_MAX_AGE);
    if seconds > FIREFOX_MAX_AGE {
        Some(format!(
            "Access-Control-Max-Age: {seconds} is above every browser's cap: Chromium keeps a preflight \
             {chromium} s (2 h) at most, Firefox {FIREFOX_MAX_AGE} s (24 h)."
        ))
    } else if seconds > chromium {
        Some(format!(
            "Access-Control-Max-Age: {seconds} is above Chromium's cap: Chromium keeps a preflight {chromium} s \
             (2 h) at most; Firefox keeps it the whole {seconds} s (its cap is {FIREFOX_MAX_AGE} s)."
        ))
    } else {
        None
    }
}
