//! Why the browser refused a response, and how Chromium words it in the
//! console. The sentences are Chromium's (`cors_error_string.cc`), checked
//! against a real Chromium by the integration corpus.

use super::request::{RequestKind, RequestSpec};

/// A refused response: which check failed, and on which response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// True when the preflight (`OPTIONS`) response failed; the actual
    /// request was then never sent.
    pub on_preflight: bool,
    /// The check that failed.
    pub error: CorsError,
}

/// The checks of the CORS protocol, one variant per Chromium message.
/// Values are carried as the server sent them, for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsError {
    /// No `Access-Control-Allow-Origin` at all.
    MissingAllowOrigin,
    /// `Access-Control-Allow-Origin: *` on a request with credentials.
    WildcardOriginWithCredentials,
    /// More than one origin (several header lines, or a list in one).
    MultipleAllowOriginValues(String),
    /// Something that is not even a URL.
    InvalidAllowOriginValue(String),
    /// A well-formed value that is not, byte for byte, the page's origin.
    AllowOriginMismatch(String),
    /// With credentials, `Access-Control-Allow-Credentials` was not exactly
    /// `true` (the value is empty when the header is missing).
    InvalidAllowCredentials(String),
    /// The preflight's status was not 200-299.
    PreflightInvalidStatus(u16),
    /// The preflight was answered with a redirect.
    PreflightRedirect,
    /// `Access-Control-Allow-Methods` is not a comma-separated list of tokens.
    InvalidAllowMethods,
    /// `Access-Control-Allow-Headers` is not a comma-separated list of tokens.
    InvalidAllowHeaders,
    /// The method (as on the wire) is not in `Access-Control-Allow-Methods`.
    MethodNotAllowed(String),
    /// The header (lower-case) is not in `Access-Control-Allow-Headers`.
    HeaderNotAllowed(String),
}

/// Chromium's advice after a wrong `Access-Control-Allow-Origin` on a `fetch`.
/// (Older versions went on about 'no-cors' here and after a missing header.)
const VALID_VALUE_HINT: &str = " Have the server send the header with a valid value.";
const XHR_CREDENTIALS_HINT: &str = " The credentials mode of requests initiated by the \
     XMLHttpRequest is controlled by the withCredentials attribute.";

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

    /// The part of the console line after "has been blocked by CORS policy: ".
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
