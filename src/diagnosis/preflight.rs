//! Reading the answer to a preflight: may the actual request go out, and
//! for how long may the browser remember that?
//! <https://fetch.spec.whatwg.org/#cors-preflight-fetch>

use super::cors_check::cors_check;
use super::failure::{CorsError, Failure};
use super::headers::CorsHeaders;
use super::request::RequestSpec;
use super::safelist::{is_safelisted_method, needs_preflight};
use super::syntax::{list_items, scan_list};

/// Chromium's cache time when the server sends no `Access-Control-Max-Age`.
pub const DEFAULT_MAX_AGE: u32 = 5;
/// Chromium never caches a preflight longer than two hours.
pub const MAX_MAX_AGE: u32 = 7200;

/// A preflight that lets the actual request go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreflightGrant {
    /// Seconds Chromium reuses this answer for the same request before
    /// asking again; 0 means every request is preflighted.
    pub cache_seconds: u32,
    /// Authorization passed only thanks to `Access-Control-Allow-Headers: *`:
    /// Chromium accepts that, the standard (and so other browsers) does not.
    pub authorization_by_wildcard: bool,
}

/// Whether the preflight response (`status`, `headers`) allows `spec`.
///
/// The checks run in Chromium's order, so the failure is the one its
/// console shows: redirect, origin and credentials, status, the syntax of
/// the allowed methods and headers, then the method and each header.
pub fn check_preflight_response<N: AsRef<str>, V: AsRef<str>>(
    spec: &RequestSpec,
    status: u16,
    headers: &[(N, V)],
) -> Result<PreflightGrant, Failure> {
    let names = needs_preflight(spec).map(|r| r.headers).unwrap_or_default();
    judge_preflight(spec, &names, status, headers)
}

/// [`check_preflight_response`] given the request's unsafe header names (lower-case,
/// sorted), so that `diagnose` judges the request headers only once.
pub(crate) fn judge_preflight<N: AsRef<str>, V: AsRef<str>>(
    spec: &RequestSpec,
    unsafe_names: &[String],
    status: u16,
    headers: &[(N, V)],
) -> Result<PreflightGrant, Failure> {
    let fail = |error| Err(Failure { on_preflight: true, error });
    let headers = CorsHeaders::read(headers);
    // A 3xx the browser would follow: it has somewhere to go.
    if matches!(status, 301 | 302 | 303 | 307 | 308) && headers.location.is_some() {
        return fail(CorsError::PreflightRedirect);
    }
    cors_check(spec, &headers, true)?;
    if !(200..=299).contains(&status) {
        return fail(CorsError::PreflightInvalidStatus(status));
    }
    // With credentials `*` is just a (strange) name, not a wildcard.
    let wildcard = !spec.includes_credentials();
    let method = spec.wire_method();
    let methods = headers.allow_methods.unwrap_or_default();
    let Some(method_listed) = scan_list(&methods, |m| m == method || (wildcard && m == "*")) else {
        return fail(CorsError::InvalidAllowMethods);
    };
    let allowed = headers.allow_headers.unwrap_or_default();
    let Some(star) = scan_list(&allowed, |h| h == "*") else {
        return fail(CorsError::InvalidAllowHeaders);
    };
    if !method_listed && !is_safelisted_method(method) {
        return fail(CorsError::MethodNotAllowed(method.to_owned()));
    }
    let star = wildcard && star;
    let listed = |name: &str| list_items(&allowed).any(|h| h.eq_ignore_ascii_case(name));
    let mut authorization_by_wildcard = false;
    // Sorted, so the first refused is the one Chromium names.
    for name in unsafe_names {
        if star {
            // The standard says `*` never covers Authorization; Chromium 156
            // still lets it, so this is a warning rather than a failure.
            authorization_by_wildcard |= name == "authorization" && !listed(name);
        } else if !listed(name) {
            return fail(CorsError::HeaderNotAllowed(name.clone()));
        }
    }
    Ok(PreflightGrant { cache_seconds: cache_seconds(headers.max_age.as_deref()), authorization_by_wildcard })
}

/// `Access-Control-Max-Age` as Chromium applies it: an integer capped at
/// two hours; absent or unreadable means 5 seconds, but a negative number
/// means 0, no caching (the standard would say 5).
fn cache_seconds(max_age: Option<&str>) -> u32 {
    match max_age.map(str::parse::<i64>) {
        // Clamped into 0..=7200, so the conversion cannot fail.
        Some(Ok(seconds)) => u32::try_from(seconds.clamp(0, i64::from(MAX_MAX_AGE))).unwrap_or(MAX_MAX_AGE),
        None | Some(Err(_)) => DEFAULT_MAX_AGE,
    }
}
