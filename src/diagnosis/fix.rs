//! What the server owner changes so the failure goes away: one sentence,
//! in terms of the headers their CORS policy sends.

use super::failure::{CorsError, Failure};
use super::request::RequestSpec;

impl Failure {
    /// One sentence for the server owner: the change in the CORS policy
    /// (or, rarely, in the page) that makes this request pass.
    pub fn fix(&self, spec: &RequestSpec) -> String {
        use CorsError as E;
        let origin = &spec.page_origin;
        let on = if self.on_preflight {
            format!("the OPTIONS preflight to {}", spec.path)
        } else {
            format!("the response to {} {}", spec.wire_method(), spec.path)
        };
        let credentials = spec.includes_credentials();
        match &self.error {
            // Allowing `null` would allow every sandboxed page and data: URL at once.
            E::MissingAllowOrigin | E::AllowOriginMismatch(_) if origin == "null" => format!(
                "The page has an opaque origin (a sandboxed frame or a data: URL) and sends \
                 `Origin: null`, which every such page shares: serve the page from a real origin \
                 and allow that one, rather than answering `null` on {on}."
            ),
            E::MissingAllowOrigin => format!(
                "Allow the origin {origin} in the CORS policy so that {on} carries \
                 `Access-Control-Allow-Origin: {origin}`."
            ),
            E::WildcardOriginWithCredentials => format!(
                "A request with credentials needs its origin named: send \
                 `Access-Control-Allow-Origin: {origin}` (with `Vary: Origin`) instead of `*` \
                 on {on}."
            ),
            E::MultipleAllowOriginValues(v) => format!(
                "Send exactly one origin, `Access-Control-Allow-Origin: {origin}`, on {on} \
                 instead of `{v}` (two layers adding the header, or a list of origins, cause \
                 this)."
            ),
            E::InvalidAllowOriginValue(v) | E::AllowOriginMismatch(v) => format!(
                "Send `Access-Control-Allow-Origin: {origin}` on {on}, byte for byte as the \
                 browser sends `Origin` (scheme, lower-case host, port, no trailing slash), \
                 instead of {}.",
                if v.is_empty() { "an empty value".to_owned() } else { format!("`{v}`") }
            ),
            E::InvalidAllowCredentials(v) if v.is_empty() => format!(
                "Add `Access-Control-Allow-Credentials: true` to {on}, since the page sends \
                 credentials (or make the page stop sending them)."
            ),
            E::InvalidAllowCredentials(v) => format!(
                "Send `Access-Control-Allow-Credentials: true`, exactly and in lower case, \
                 instead of `{v}` on {on}."
            ),
            E::PreflightInvalidStatus(status) => format!(
                "Answer {on} with a 2xx status (204 is usual) instead of {status}, before any \
                 routing or authentication runs: a preflight never carries credentials."
            ),
            E::PreflightRedirect => format!(
                "Answer {on} where it is asked instead of redirecting it, or have the page \
                 request the final URL directly."
            ),
            E::InvalidAllowMethods => format!(
                "Make `Access-Control-Allow-Methods` on {on} a comma-separated list of method \
                 names, such as `GET, POST, {}`.",
                spec.wire_method()
            ),
            E::InvalidAllowHeaders => format!(
                "Make `Access-Control-Allow-Headers` on {on} a comma-separated list of header \
                 names, such as `Content-Type, X-Requested-With`."
            ),
            E::MethodNotAllowed(method) => {
                let mut fix = format!(
                    "Add `{method}` to `Access-Control-Allow-Methods` on {on} (methods compare \
                     case-sensitively"
                );
                if credentials {
                    fix.push_str(", and with credentials `*` does not count");
                }
                fix.push(')');
                if method.bytes().any(|b| b.is_ascii_lowercase()) {
                    let upper = method.to_ascii_uppercase();
                    fix.push_str(&format!(
                        ", or have the page send `{upper}`: browsers upper-case only DELETE, GET, \
                         HEAD, OPTIONS, POST and PUT"
                    ));
                }
                fix.push('.');
                fix
            }
            E::HeaderNotAllowed(name) => {
                let why = if credentials {
                    " (with credentials `*` does not count)"
                } else if name == "authorization" {
                    " (name it even next to `*`: the standard's wildcard does not cover it)"
                } else if name == "content-type" {
                    " (only the three content types a form can send go without)"
                } else if ["accept", "accept-language", "content-language", "range"].contains(&name.as_str()) {
                    " (the page's value is too long or unusual to go without)"
                } else {
                    ""
                };
                format!("Add `{name}` to `Access-Control-Allow-Headers` on {on}{why}.")
            }
        }
    }
}
