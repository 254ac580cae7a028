//! Request headers Firefox alone judges otherwise, where Chromium and the
//! Fetch standard agree: a `Content-Type` whose parameters end in `;` after
//! a first one (`text/plain;;`, `text/plain;x=1;`) is not safelisted in
//! Firefox ESR 153, which sends a preflight; `text/plain;` and
//! `text/plain;;x=1` are (the corpus, `firefox.rs`).
//!
//! The verdict follows Chromium; this module words Firefox's answer.

use super::syntax::trim_http_whitespace;

/// A warning when Firefox preflights a `Content-Type` Chromium sends
/// without one; `chromium_unsafe` is what Chromium puts in
/// `Access-Control-Request-Headers`.
pub(crate) fn warning(headers: &[(String, String)], chromium_unsafe: &[String]) -> Option<String> {
    if chromium_unsafe.iter().any(|n| n == "content-type") {
        return None;
    }
    let trailing = headers.iter().any(|(name, value)| {
        let parameters = trim_http_whitespace(value).split_once(';').map(|(_, p)| trim_http_whitespace(p));
        name.eq_ignore_ascii_case("content-type") && parameters.is_some_and(|p| p.ends_with(';'))
    });
    trailing.then(|| {
        "Content-Type: Firefox does not safelist a type whose parameters end in ';' and sends a \
         preflight that must allow Content-Type; Chromium and the Fetch standard skip the empty \
         parameter and send none."
            .to_owned()
    })
}
