//! Firefox's words: the console sentence and its key in Firefox's
//! `security.properties` (`dom/locales/en-US/chrome/security/`), checked
//! against Firefox ESR 153.
//!
//! Firefox files several of Chromium's failures under one reason (any wrong
//! `Access-Control-Allow-Origin` "does not match"; a wrong or missing
//! `Access-Control-Allow-Credentials` is "expected ‘true’"), names the status
//! code after a missing origin or a failed preflight, judges the origin of a
//! redirected preflight before the redirect, and the allowed method before it
//! reads `Access-Control-Allow-Headers`.

use super::ConsoleWords;
use crate::diagnosis::cors_check::cors_check;
use crate::diagnosis::failure::{CorsError, Failure};
use crate::diagnosis::headers::CorsHeaders;
use crate::diagnosis::request::RequestSpec;
use crate::diagnosis::safelist::is_safelisted_method;
use crate::diagnosis::syntax::{is_token, list_items, scan_list};

/// Firefox's console line and reason key for `failure`, given the `status`
/// and `headers` of the response that failed.
pub fn words<N: AsRef<str>, V: AsRef<str>>(
    failure: &Failure,
    spec: &RequestSpec,
    status: u16,
    headers: &[(N, V)],
) -> ConsoleWords {
    use CorsError as E;
    let cors = CorsHeaders::read(headers);
    let url = spec.url();
    let (code, reason) = match &failure.error {
        E::MissingAllowOrigin => {
            ("CORSMissingAllowOrigin2", "CORS header ‘Access-Control-Allow-Origin’ missing".to_owned())
        }
        E::WildcardOriginWithCredentials => {
            // The only sentence that quotes the URL.
            let message = format!(
                "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at \
                 ‘{url}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ \
                 is ‘*’)."
            );
            return ConsoleWords { message, code: "CORSNotSupportingCredentials" };
        }
        E::MultipleAllowOriginValues(v) | E::InvalidAllowOriginValue(v) | E::AllowOriginMismatch(v) => (
            "CORSAllowOriginNotMatchingOrigin",
            format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{v}’"),
        ),
        E::InvalidAllowCredentials(_) => (
            "CORSMissingAllowCredentials",
            "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’".to_owned(),
        ),
        E::PreflightInvalidStatus(_) => {
            ("CORSPreflightDidNotSucceed3", "CORS preflight response did not succeed".to_owned())
        }
        // Firefox checks the origin (and credentials) of a redirect before the
        // redirect itself, which Chromium refuses first.
        E::PreflightRedirect => match cors_check(spec, &cors, true) {
            Err(origin_failure) => return words(&origin_failure, spec, status, headers),
            Ok(()) => ("CORSExternalRedirectNotAllowed", "CORS request external redirect not allowed".to_owned()),
        },
        E::InvalidAllowMethods => invalid_token("Methods", cors.allow_methods.as_deref()),
        // Firefox judges the method first: a method that is not allowed is
        // reported before an unreadable Access-Control-Allow-Headers.
        E::InvalidAllowHeaders if !method_allowed(spec, cors.allow_methods.as_deref()) => method_not_found(),
        E::InvalidAllowHeaders => invalid_token("Headers", cors.allow_headers.as_deref()),
        E::MethodNotAllowed(_) => method_not_found(),
        E::HeaderNotAllowed(name) => (
            "CORSMissingAllowHeaderFromPreflight2",
            format!(
                "header ‘{name}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS \
                 preflight response"
            ),
        ),
    };
    let status = match code {
        "CORSMissingAllowOrigin2" | "CORSPreflightDidNotSucceed3" => format!(" Status code: {status}."),
        _ => String::new(),
    };
    let message = format!(
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. \
         (Reason: {reason}).{status}"
    );
    ConsoleWords { message, code }
}

fn method_not_found() -> (&'static str, String) {
    ("CORSMethodNotFound", "Did not find method in CORS header ‘Access-Control-Allow-Methods’".to_owned())
}

/// Firefox names the first item of the list that is not a token.
fn invalid_token(which: &str, value: Option<&str>) -> (&'static str, String) {
    let token = list_items(value.unwrap_or_default()).find(|item| !is_token(item)).unwrap_or_default();
    let code = if which == "Methods" { "CORSInvalidAllowMethod" } else { "CORSInvalidAllowHeader" };
    (code, format!("invalid token ‘{token}’ in CORS header ‘Access-Control-Allow-{which}’"))
}

/// Whether the preflight's `Access-Control-Allow-Methods` lets the method through.
fn method_allowed(spec: &RequestSpec, methods: Option<&str>) -> bool {
    let method = spec.wire_method();
    let wildcard = !spec.includes_credentials();
    is_safelisted_method(method)
        || scan_list(methods.unwrap_or_default(), |m| m == method || (wildcard && m == "*")).unwrap_or(false)
}
