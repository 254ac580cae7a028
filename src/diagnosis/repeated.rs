//! A request header the script set more than once: Chromium, Firefox and
//! the Fetch standard each judge it their own way, and the verdict says so.
//!
//! - Chromium joins the values (`a, b`) and judges the joined value, so two
//!   `Accept`s of 100 bytes are 202 bytes, past the 128-byte cap: a preflight.
//! - The standard judges each value alone, but counts every safelisted value
//!   against a 1024-byte total (<https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names>).
//! - Firefox ESR 153 judges each value alone and has no total: eleven
//!   `Accept`s of 100 bytes go out without a preflight (the corpus,
//!   `tests/it/diagnosis_corpus/cases/safelist_values.rs`, sees it).
//!
//! The verdict follows Chromium; this module only words the difference.

use super::chromium_only::STANDARD_NAMES;
use super::safelist::{is_forbidden_request_header, is_safelisted_request_header};
use super::syntax::trim_http_whitespace;

/// The standard's cap on the safelisted values of one request, together.
const MAX_TOTAL_BYTES: usize = 1024;

/// A warning when a header set more than once is refused by Chromium's joined
/// value but not by Firefox's value-by-value reading; `chromium_unsafe` is
/// what Chromium puts in `Access-Control-Request-Headers`.
pub(crate) fn warning(headers: &[(String, String)], chromium_unsafe: &[String]) -> Option<String> {
    let safe_alone = |name: &str| {
        headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).all(|(n, v)| {
            let v = trim_http_whitespace(v);
            is_forbidden_request_header(n, v) || is_safelisted_request_header(n, v)
        })
    };
    let set_twice = |name: &str| headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count() > 1;
    // Chromium's client hints are safelisted in Chromium only: Firefox always asks.
    let standard = |name: &str| STANDARD_NAMES.contains(&name);
    let names: Vec<&str> =
        chromium_unsafe.iter().map(String::as_str).filter(|n| standard(n) && set_twice(n) && safe_alone(n)).collect();
    if names.is_empty() {
        return None;
    }
    let total: usize = headers
        .iter()
        .filter(|(n, v)| is_safelisted_request_header(n, trim_http_whitespace(v)))
        .map(|(_, v)| trim_http_whitespace(v).len())
        .sum();
    let standard = if total > MAX_TOTAL_BYTES {
        "judges each value alone too, but its safelisted values come to more than 1024 bytes in all, so \
         it asks for the preflight as Chromium does"
    } else {
        "judges each value alone too, and does not ask for it"
    };
    Some(format!(
        "{} set more than once: Chromium judges the values joined into one and so needs a preflight \
         that allows it; Firefox judges each value alone and does not ask for it; the Fetch standard {standard}.",
        names.join(", ")
    ))
}
