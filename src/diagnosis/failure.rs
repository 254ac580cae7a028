//! Why the browser refused a response: which check of the CORS protocol
//! failed, on which response. How each browser words it is in [`super::words`].

/// A refused response: which check failed, and on which response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// True when the preflight (`OPTIONS`) response failed; the actual
    /// request was then never sent.
    pub on_preflight: bool,
    /// The check that failed.
    pub error: CorsError,
}

/// The checks of the CORS protocol, one variant per Chromium message (Firefox
/// words a few of them alike: see [`super::words::firefox`]).
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

impl Failure {
    /// What went wrong in plain words, the same for every browser (each
    /// browser's own sentence is in [`super::words`]).
    pub fn plain(&self) -> String {
        use CorsError as E;
        let on = if self.on_preflight { "the preflight's answer" } else { "the answer" };
        match &self.error {
            E::MissingAllowOrigin => format!("{on} carries no Access-Control-Allow-Origin."),
            E::WildcardOriginWithCredentials => {
                format!("{on} allows any origin (*), which never covers a request with credentials.")
            }
            E::MultipleAllowOriginValues(v) => format!("{on} names more than one origin ({v})."),
            E::InvalidAllowOriginValue(v) | E::AllowOriginMismatch(v) => {
                format!("{on} names another origin ({v}), not this page's.")
            }
            E::InvalidAllowCredentials(_) => {
                format!("{on} lacks Access-Control-Allow-Credentials: true, which a request with credentials needs.")
            }
            E::PreflightInvalidStatus(status) => format!("{on} has status {status}, not 2xx."),
            E::PreflightRedirect => format!("{on} is a redirect, which a preflight may not follow."),
            E::InvalidAllowMethods => format!("{on} has an Access-Control-Allow-Methods that does not parse."),
            E::InvalidAllowHeaders => format!("{on} has an Access-Control-Allow-Headers that does not parse."),
            E::MethodNotAllowed(m) => format!("{on} does not allow the method {m}."),
            E::HeaderNotAllowed(h) => format!("{on} does not allow the request header {h}."),
        }
    }
}
