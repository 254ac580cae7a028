//! Request headers Chromium treats its own way, where Firefox and the Fetch
//! standard agree with each other: Chromium sends its legacy client hints
//! (`Width`, `DPR`, `Save-Data`, ...) without a preflight, and silently
//! drops a `User-Agent` set by a script; both need a preflight in Firefox
//! ESR 153, as the standard says. And it preflights a `Range` with a
//! position of 2^63 - 1 or more, which Firefox (up to 2^64 - 1) and the
//! standard (any size) do not. The corpus sees each (`firefox.rs`).
//!
//! The verdict follows Chromium; this module words the other answer.

use super::safelist::{is_forbidden_request_header, is_simple_range_of_any_size};
use super::syntax::trim_http_whitespace;

/// The request headers the standard safelists (lower-case).
pub(crate) const STANDARD_NAMES: [&str; 5] = ["accept", "accept-language", "content-language", "content-type", "range"];

/// Warnings for the headers of a cross-origin request that Chromium alone
/// lets through without a preflight, or drops; `chromium_unsafe` is what
/// Chromium puts in `Access-Control-Request-Headers`.
pub(crate) fn warnings(headers: &[(String, String)], chromium_unsafe: &[String]) -> Vec<String> {
    let mut hints: Vec<&str> = Vec::new();
    let mut user_agent = false;
    let mut huge_range = false;
    let chromium_refused = |name: &str| chromium_unsafe.iter().any(|u| u.eq_ignore_ascii_case(name));
    for (name, value) in headers {
        let value = trim_http_whitespace(value);
        if name.eq_ignore_ascii_case("user-agent") {
            user_agent = true;
        } else if name.eq_ignore_ascii_case("range") {
            huge_range |= chromium_refused(name) && value.len() <= 128 && is_simple_range_of_any_size(value);
        } else if !STANDARD_NAMES.iter().any(|s| s.eq_ignore_ascii_case(name))
            && !is_forbidden_request_header(name, value)
            // Not unsafe to Chromium, not the standard's: one of its client hints.
            && !chromium_refused(name)
            && !hints.iter().any(|h| h.eq_ignore_ascii_case(name))
        {
            hints.push(name);
        }
    }
    let mut out = Vec::new();
    if !hints.is_empty() {
        out.push(format!(
            "{}: Chromium sends its own client hints without a preflight, but Firefox and the Fetch \
             standard do not safelist them: there a preflight must allow {}.",
            hints.join(", "),
            if hints.len() == 1 { "it" } else { "them" }
        ));
    }
    if user_agent {
        out.push(
            "User-Agent: Chromium drops it when a script sets it; Firefox and the Fetch standard send \
             it, and need a preflight that allows it."
                .to_owned(),
        );
    }
    if huge_range {
        out.push(
            "Range: Chromium sends a preflight for a position of 2^63 - 1 or more; the Fetch standard \
             reads positions of any size and sends none, and so does Firefox up to 2^64 - 1."
                .to_owned(),
        );
    }
    out
}
