//! The CORS check every cross-origin response goes through, preflight or
//! not: `Access-Control-Allow-Origin`, then `Access-Control-Allow-Credentials`.
//! <https://fetch.spec.whatwg.org/#cors-check>

use super::failure::{CorsError, Failure};
use super::headers::CorsHeaders;
use super::request::RequestSpec;
use super::syntax::{parses_as_url, trim_http_whitespace};

/// Whether `headers` let the page's origin read the response.
pub(crate) fn cors_check(spec: &RequestSpec, headers: &CorsHeaders<'_>, on_preflight: bool) -> Result<(), Failure> {
    let fail = |error| Err(Failure { on_preflight, error });
    let credentials = spec.includes_credentials();
    match headers.allow_origin.as_deref() {
        None => return fail(CorsError::MissingAllowOrigin),
        Some("*") => {
            // The wildcard means "anyone, anonymously": never with credentials,
            // whatever Access-Control-Allow-Credentials says.
            if credentials {
                return fail(CorsError::WildcardOriginWithCredentials);
            }
            return Ok(());
        }
        // A byte-for-byte match; this also lets `null` match an opaque origin.
        Some(v) if v == spec.page_origin => {}
        // The rest only chooses Chromium's wording; each is a mismatch.
        Some(v) if v.contains([' ', ',']) => {
            return fail(CorsError::MultipleAllowOriginValues(v.to_owned()));
        }
        Some(v) if v != "null" && !parses_as_url(v) => {
            return fail(CorsError::InvalidAllowOriginValue(v.to_owned()));
        }
        Some(v) => return fail(CorsError::AllowOriginMismatch(v.to_owned())),
    }
    if credentials {
        // Byte for byte: `True` is not `true`.
        let allow = headers.allow_credentials.as_deref();
        if allow != Some("true") {
            let value = allow.unwrap_or_default().to_owned();
            return fail(CorsError::InvalidAllowCredentials(value));
        }
    }
    Ok(())
}

/// Firefox departs from the standard here: it drops an empty
/// `Access-Control-Allow-Origin` or `-Allow-Credentials` line sent next to
/// another line of that name, where Chromium and the standard join the two
/// (`", value"`) and refuse. Observed in Firefox ESR 153 by the corpus
/// (`tests/it/diagnosis_corpus/cases/empty_lines.rs`).
pub(crate) const FIREFOX_EMPTY_LINE_WARNING: &str = "Firefox ignores an empty \
    `Access-Control-Allow-Origin` or `Access-Control-Allow-Credentials` line sent next to another \
    one and accepts this answer; Chromium and the Fetch standard join the two lines into one value \
    and refuse it: send the header once.";

/// `headers` as Firefox reads them, without the empty lines it drops; None
/// when there are none (Firefox then reads them as Chromium does).
pub(crate) fn as_firefox_reads<N: AsRef<str>, V: AsRef<str>>(headers: &[(N, V)]) -> Option<Vec<(&str, &str)>> {
    let joined = |name: &str| {
        ["access-control-allow-origin", "access-control-allow-credentials"].iter().any(|n| n.eq_ignore_ascii_case(name))
    };
    let empty = |value: &str| trim_http_whitespace(value).is_empty();
    let dropped = |name: &str, value: &str| {
        joined(name)
            && empty(value)
            && headers.iter().any(|(n, v)| n.as_ref().eq_ignore_ascii_case(name) && !empty(v.as_ref()))
    };
    let lines = headers.iter().map(|(n, v)| (n.as_ref(), v.as_ref()));
    lines.clone().any(|(n, v)| dropped(n, v)).then(|| lines.filter(|(n, v)| !dropped(n, v)).collect())
}
