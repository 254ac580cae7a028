//! Reading the answer to the actual request: may the script see it, and
//! which of its headers?
//! <https://fetch.spec.whatwg.org/#cors-filtered-response>

use super::cors_check::cors_check;
use super::failure::Failure;
use super::headers::CorsHeaders;
use super::request::RequestSpec;
use super::syntax::{list_items, scan_list};

/// Response headers every script may read, exposed or not.
/// <https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name>
const SAFELISTED: [&str; 7] =
    ["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"];

/// A response the script may read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Readable {
    /// Names (lower-case, in response order, each once) of the response
    /// headers `headers.get()` / `getResponseHeader()` return.
    pub exposed: Vec<String>,
}

/// Whether the script may read the actual response with `headers`, and
/// which of them.
pub fn check_response<N: AsRef<str>, V: AsRef<str>>(
    spec: &RequestSpec,
    headers: &[(N, V)],
) -> Result<Readable, Failure> {
    if !spec.is_cross_origin() {
        return Ok(Readable { exposed: visible_names(headers, |_| true) });
    }
    let cors = CorsHeaders::read(headers);
    cors_check(spec, &cors, false)?;
    let expose = cors.expose_headers.unwrap_or_default();
    // A list that does not parse exposes nothing beyond the safelist.
    let (expose, star) = match scan_list(&expose, |item| item == "*") {
        Some(star) => (&*expose, star),
        None => ("", false),
    };
    // With credentials `*` is the name of a header nobody sends.
    let everything = star && !spec.includes_credentials();
    let exposed = visible_names(headers, |name| {
        everything
            || SAFELISTED.iter().any(|s| s.eq_ignore_ascii_case(name))
            || list_items(expose).any(|l| l.eq_ignore_ascii_case(name))
    });
    Ok(Readable { exposed })
}

/// The distinct lower-case names in `headers` that `readable` admits;
/// `Set-Cookie` never reaches a script.
fn visible_names<N: AsRef<str>, V: AsRef<str>>(headers: &[(N, V)], readable: impl Fn(&str) -> bool) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (name, _) in headers {
        let name = name.as_ref();
        let forbidden = name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2");
        if !forbidden && readable(name) && !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.to_ascii_lowercase());
        }
    }
    names
}
