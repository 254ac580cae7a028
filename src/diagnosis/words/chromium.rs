//! Chromium's words: the console sentence (`cors_error_string.cc`) and the
//! `network::mojom::CorsError` name DevTools reports (`Audits.issueAdded`'s
//! `corsIssueDetails.corsErrorStatus.corsError`), checked against Chromium 156.

use super::ConsoleWords;
use crate::diagnosis::failure::{CorsError, Failure};
use crate::diagnosis::request::{RequestKind, RequestSpec};

/// Chromium's advice after a wrong `Access-Control-Allow-Origin` on a `fetch`.
/// (Older versions went on about 'no-cors' here and after a missing header.)
const VALID_VALUE_HINT: &str = " Have the server send the header with a valid value.";
const XHR_CREDENTIALS_HINT: &str = " The credentials mode of requests initiated by the \
     XMLHttpRequest is controlled by the withCredentials attribute.";

/// Chromium's console line and error code for `failure`.
pub fn words(failure: &Failure, spec: &RequestSpec) -> ConsoleWords {
    ConsoleWords { message: failure.console_message(spec), code: failure.chromium_code() }
}

impl Failure {
    /// Chromium's whole console line for this failure.
    pub fn console_message(&self, spec: &RequestSpec) -> String {
        let api = match spec.kind {
            RequestKind::Fetch => "fetch",
            RequestKind::Xhr => "XMLHttpRequest",
        };
        format!(
            "Access to {api} at '{}' from origin '{}' has been blocked by CORS policy: {}",
            spec.url(),
            spec.page_origin,
            self.reason(spec.kind)
        )
    }

    /// Chromium's `corsError` for this failure, as DevTools reports it; the
    /// origin and credentials checks have a `Preflight` twin.
    pub fn chromium_code(&self) -> &'static str {
        use CorsError as E;
        let pre = self.on_preflight;
        let pick = |on_preflight: &'static str, otherwise: &'static str| if pre { on_preflight } else { otherwise };
        match &self.error {
            E::MissingAllowOrigin => pick("PreflightMissingAllowOriginHeader", "MissingAllowOriginHeader"),
            E::WildcardOriginWithCredentials => pick("PreflightWildcardOriginNotAllowed", "WildcardOriginNotAllowed"),
            E::MultipleAllowOriginValues(_) => pick("PreflightMultipleAllowOriginValues", "MultipleAllowOriginValues"),
            E::InvalidAllowOriginValue(_) => pick("PreflightInvalidAllowOriginValue", "InvalidAllowOriginValue"),
            E::AllowOriginMismatch(_) => pick("PreflightAllowOriginMismatch", "AllowOriginMismatch"),
            E::InvalidAllowCredentials(_) => pick("PreflightInvalidAllowCredentials", "InvalidAllowCredentials"),
            E::PreflightInvalidStatus(_) => "PreflightInvalidStatus",
            E::PreflightRedirect => "PreflightDisallowedRedirect",
            E::InvalidAllowMethods => "InvalidAllowMethodsPreflightResponse",
            E::InvalidAllowHeaders => "InvalidAllowHeadersPreflightResponse",
            E::MethodNotAllowed(_) => "MethodDisallowedByPreflightResponse",
            E::HeaderNotAllowed(_) => "HeaderDisallowedByPreflightResponse",
        }
    }

    /// The part of Chromium's console line after "has been blocked by CORS policy: ".
    pub fn reason(&self, kind: RequestKind) -> String {
        use CorsError as E;
        let fetch = kind == RequestKind::Fetch;
        let hint = |applies: bool, text: &'static str| if applies { text } else { "" };
        let prefix = match &self.error {
            E::MissingAllowOrigin
            | E::WildcardOriginWithCredentials
            | E::MultipleAllowOriginValues(_)
            | E::InvalidAllowOriginValue(_)
            | E::AllowOriginMismatch(_)
            | E::InvalidAllowCredentials(_)
            | E::PreflightInvalidStatus(_)
            | E::PreflightRedirect
                if self.on_preflight =>
            {
                "Response to preflight request doesn't pass access control check: "
            }
            _ => "",
        };
        let body = match &self.error {
            E::MissingAllowOrigin => {
                "No 'Access-Control-Allow-Origin' header is present on the requested resource.".to_owned()
            }
            E::WildcardOriginWithCredentials => format!(
                "The value of the 'Access-Control-Allow-Origin' header in the response must not \
                 be the wildcard '*' when the request's credentials mode is 'include'.{}",
                hint(!fetch, XHR_CREDENTIALS_HINT)
            ),
            E::MultipleAllowOriginValues(v) => format!(
                "The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but \
                 only one is allowed.{}",
                hint(fetch, VALID_VALUE_HINT)
            ),
            E::InvalidAllowOriginValue(v) => format!(
                "The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'.{}",
                hint(fetch, VALID_VALUE_HINT)
            ),
            E::AllowOriginMismatch(v) => format!(
                "The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to \
                 the supplied origin.{}",
                hint(fetch, VALID_VALUE_HINT)
            ),
            E::InvalidAllowCredentials(v) => format!(
                "The value of the 'Access-Control-Allow-Credentials' header in the response is \
                 '{v}' which must be 'true' when the request's credentials mode is 'include'.{}",
                hint(!fetch, XHR_CREDENTIALS_HINT)
            ),
            E::PreflightInvalidStatus(_) => "It does not have HTTP ok status.".to_owned(),
            E::PreflightRedirect => "Redirect is not allowed for a preflight request.".to_owned(),
            E::InvalidAllowMethods => "Cannot parse Access-Control-Allow-Methods response header \
                 field in preflight response."
                .to_owned(),
            E::InvalidAllowHeaders => "Cannot parse Access-Control-Allow-Headers response header \
                 field in preflight response."
                .to_owned(),
            E::MethodNotAllowed(m) => {
                format!("Method {m} is not allowed by Access-Control-Allow-Methods in preflight response.")
            }
            E::HeaderNotAllowed(h) => format!(
                "Request header field {h} is not allowed by Access-Control-Allow-Headers in \
                 preflight response."
            ),
        };
        format!("{prefix}{body}")
    }
}
