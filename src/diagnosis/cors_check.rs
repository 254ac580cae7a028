//! The CORS check every cross-origin response goes through, preflight or
//! not: `Access-Control-Allow-Origin`, then `Access-Control-Allow-Credentials`.
//! <https://fetch.spec.whatwg.org/#cors-check>

use super::failure::{CorsError, Failure};
use super::headers::CorsHeaders;
use super::request::RequestSpec;
use super::syntax::parses_as_url;

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
