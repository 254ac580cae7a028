//! The CORS check every cross-origin response goes through, preflight or
//! not: `Access-Control-Allow-Origin`, then `Access-Control-Allow-Credentials`.
//! <https://fetch.spec.whatwg.org/#cors-check>

use super::failure::{CorsError, Failure};
use super::request::RequestSpec;
use super::syntax::{header, parses_as_url};

/// Whether `headers` let the page's origin read the response.
pub(crate) fn check_access<N: AsRef<str>, V: AsRef<str>>(
    spec: &RequestSpec,
    headers: &[(N, V)],
    on_preflight: bool,
) -> Result<(), Failure> {
    let fail = |error| {
        Err(Failure {
            on_preflight,
            error,
        })
    };
    let credentials = spec.includes_credentials();
    match header(headers, "access-control-allow-origin") {
        None => return fail(CorsError::MissingAllowOrigin),
        Some(v) if v == "*" => {
            // The wildcard means "anyone, anonymously": never with credentials,
            // whatever Access-Control-Allow-Credentials says.
            if credentials {
                return fail(CorsError::WildcardOriginWithCredentials);
            }
            return Ok(());
        }
        // A byte-for-byte match; this also lets `null` match an opaque origin.
        Some(v) if v == spec.page_origin.as_str() => {}
        // The rest only chooses Chromium's wording; each is a mismatch.
        Some(v) if v.contains([' ', ',']) => {
            return fail(CorsError::MultipleAllowOriginValues(v.into_owned()));
        }
        Some(v) if v != "null" && !parses_as_url(&v) => {
            return fail(CorsError::InvalidAllowOriginValue(v.into_owned()));
        }
        Some(v) => return fail(CorsError::AllowOriginMismatch(v.into_owned())),
    }
    if credentials {
        // Byte for byte: `True` is not `true`.
        let allow = header(headers, "access-control-allow-credentials");
        if allow.as_deref() != Some("true") {
            let value = allow.map(|v| v.into_owned()).unwrap_or_default();
            return fail(CorsError::InvalidAllowCredentials(value));
        }
    }
    Ok(())
}
