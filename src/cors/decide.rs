//! Deciding one request against a [`Policy`]: pure, no HTTP types, so the
//! rules can be read and tested on their own.
//!
//! Two differences from tower-http's `CorsLayer`, both on purpose:
//! - a refused origin gets no `Access-Control-*` header at all (CorsLayer
//!   sends its static headers to everyone); the browser then reports the
//!   plainest error, and nothing about the policy leaks to other sites;
//! - a preflight's requested method and headers are checked against the
//!   resource (CorsLayer only echoes what it allows and lets the browser
//!   decide); a refused preflight is answered with no CORS headers, as
//!   Rack::Cors does.

use super::policy::{HeaderLookup, Policy, Resource};

/// The parts of a request CORS looks at.
#[derive(Clone, Copy, Default)]
pub struct CorsRequest<'a> {
    /// The request method, as sent.
    pub method: &'a str,
    /// The path, without the query string.
    pub path: &'a str,
    /// The `Origin` header; `Some("")` when present but unreadable
    /// (not UTF-8, or sent twice), which no policy admits.
    pub origin: Option<&'a str>,
    /// `Access-Control-Request-Method`, present on preflights.
    pub request_method: Option<&'a str>,
    /// `Access-Control-Request-Headers`, as sent.
    pub request_headers: Option<&'a str>,
    /// Every header, for resources with a condition.
    pub headers: Option<&'a dyn HeaderLookup>,
}

/// What the middleware does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the middleware answers (a preflight) or the handler does.
    pub answer_here: bool,
    /// The status when the middleware answers (204 for a preflight).
    pub status: u16,
    /// How the request fared, for the log and the inspector.
    pub verdict: Verdict,
    /// Response headers to add, in order.
    pub headers: Vec<(&'static str, String)>,
}

/// How a request fared against the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No `Origin`, or a path no resource covers: CORS does not apply.
    NotCors,
    /// The origin (and for a preflight, the method and headers) is allowed.
    Granted,
    /// The origin is not admitted by any block covering this path.
    OriginRefused,
    /// A preflight asked for a method the resource does not allow.
    MethodRefused,
    /// A preflight asked for a header the resource does not allow.
    HeaderRefused,
    /// `Access-Control-Request-Headers` could not be parsed.
    MalformedRequest,
}

impl Verdict {
    /// A short word for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotCors => "n/a",
            Self::Granted => "granted",
            Self::OriginRefused => "refused:origin",
            Self::MethodRefused => "refused:method",
            Self::HeaderRefused => "refused:header",
            Self::MalformedRequest => "refused:malformed",
        }
    }
}

impl Policy {
    /// Decides one request.
    pub fn decide(&self, req: &CorsRequest<'_>) -> Decision {
        let covered = self.blocks.iter().flat_map(|b| &b.resources).any(|r| r.path.matches(req.path));
        let preflight = req.method == "OPTIONS" && req.request_method.is_some();
        let mut decision =
            Decision { answer_here: preflight && covered, status: 204, verdict: Verdict::NotCors, headers: Vec::new() };
        if !covered {
            return decision;
        }
        // The answer depends on these request headers, so caches must key on them.
        decision.headers.push(("vary", vary(preflight).to_owned()));
        let Some(origin) = req.origin else {
            return decision;
        };

        let found = self.blocks.iter().find_map(|block| {
            let resource = block.resources.iter().find(|r| r.path.matches(req.path) && condition_holds(r, req))?;
            block.origins.admits(origin).then_some((block, resource))
        });
        let Some((block, resource)) = found else {
            decision.verdict = Verdict::OriginRefused;
            return decision;
        };
        let wildcard = block.origins.any;
        if preflight {
            match check_preflight(resource, req) {
                Ok(()) => decision.headers.extend(preflight_headers(resource, req, origin, wildcard)),
                Err(verdict) => {
                    decision.verdict = verdict;
                    return decision;
                }
            }
        } else {
            decision.headers.extend(actual_headers(resource, origin, wildcard));
        }
        decision.verdict = Verdict::Granted;
        decision
    }
}

fn condition_holds(resource: &Resource, req: &CorsRequest<'_>) -> bool {
    match (&resource.condition, req.headers) {
        (None, _) => true,
        (Some(condition), Some(headers)) => condition.holds(headers),
        (Some(_), None) => false,
    }
}

impl std::fmt::Debug for CorsRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorsRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("origin", &self.origin)
            .field("request_method", &self.request_method)
            .field("request_headers", &self.request_headers)
            .finish_non_exhaustive()
    }
}

fn vary(preflight: bool) -> &'static str {
    if preflight { "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" } else { "Origin" }
}

fn check_preflight(resource: &Resource, req: &CorsRequest<'_>) -> Result<(), Verdict> {
    let method = req.request_method.unwrap_or_default();
    if !resource.methods.allows(method) {
        return Err(Verdict::MethodRefused);
    }
    let names = parse_header_list(req.request_headers.unwrap_or_default()).ok_or(Verdict::MalformedRequest)?;
    if names.iter().all(|n| resource.headers.allows(n)) { Ok(()) } else { Err(Verdict::HeaderRefused) }
}

fn allow_origin(origin: &str, wildcard: bool, credentials: bool) -> String {
    if wildcard && !credentials { "*".to_owned() } else { origin.to_owned() }
}

fn preflight_headers(
    resource: &Resource,
    req: &CorsRequest<'_>,
    origin: &str,
    wildcard: bool,
) -> Vec<(&'static str, String)> {
    use super::policy::{Headers, Methods};
    let mut out = vec![("access-control-allow-origin", allow_origin(origin, wildcard, resource.credentials))];
    if resource.credentials {
        out.push(("access-control-allow-credentials", "true".to_owned()));
    }
    let methods = match &resource.methods {
        Methods::List(list) => list.join(", "),
        Methods::Any => req.request_method.unwrap_or_default().to_owned(),
    };
    out.push(("access-control-allow-methods", methods));
    let headers = match &resource.headers {
        Headers::List(list) => list.join(", "),
        // Echo exactly what was asked (already checked to be well-formed).
        Headers::Any => parse_header_list(req.request_headers.unwrap_or_default()).unwrap_or_default().join(", "),
    };
    if !headers.is_empty() {
        out.push(("access-control-allow-headers", headers));
    }
    if let Some(max_age) = resource.max_age {
        out.push(("access-control-max-age", max_age.to_string()));
    }
    out
}

fn actual_headers(resource: &Resource, origin: &str, wildcard: bool) -> Vec<(&'static str, String)> {
    let mut out = vec![("access-control-allow-origin", allow_origin(origin, wildcard, resource.credentials))];
    if resource.credentials {
        out.push(("access-control-allow-credentials", "true".to_owned()));
    }
    if !resource.expose.is_empty() {
        out.push(("access-control-expose-headers", resource.expose.join(", ")));
    }
    out
}

/// Parses `Access-Control-Request-Headers` (`Origin, Accept, Content-Type`,
/// any spacing or case) into lower-case names; `None` when an entry is not
/// an HTTP token. An empty value is an empty list.
pub fn parse_header_list(value: &str) -> Option<Vec<String>> {
    if value.trim().is_empty() {
        return Some(Vec::new());
    }
    value
        .split(',')
        .map(|item| {
            let name = item.trim_matches([' ', '\t']);
            let token = !name.is_empty() && name.bytes().all(is_token_byte);
            token.then(|| name.to_ascii_lowercase())
        })
        .collect()
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod parity;
