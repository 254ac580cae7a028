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

use std::borrow::Cow;

use bytes::Bytes;
use smallvec::SmallVec;

use super::policy::{Admission, HeaderLookup, Policy, Resource};

/// What the middleware passes for a header that is present but cannot be
/// read: not visible ASCII, or a single-valued header (`Origin`,
/// `Access-Control-Request-Method`) sent twice. No origin, method or header
/// name contains a NUL, and no header value can, so it is admitted by
/// nothing, parses as nothing and can never be echoed: the request is
/// refused as malformed instead of being read as "nothing asked".
pub const UNREADABLE: &str = "\u{0}";

/// The parts of a request CORS looks at.
#[derive(Clone, Copy, Default)]
pub struct CorsRequest<'a> {
    /// The request method, as sent.
    pub method: &'a str,
    /// The path, without the query string.
    pub path: &'a str,
    /// The `Origin` header; [`UNREADABLE`] when present but unreadable
    /// (not visible ASCII, or sent twice), which no policy admits.
    pub origin: Option<&'a str>,
    /// `Access-Control-Request-Method`, present on preflights
    /// ([`UNREADABLE`] as for `origin`).
    pub request_method: Option<&'a str>,
    /// `Access-Control-Request-Headers`, as sent; a header sent twice is one
    /// comma-joined list, as HTTP says ([`UNREADABLE`] when a value is not
    /// visible ASCII).
    pub request_headers: Option<&'a str>,
    /// Every header, for resources with a condition.
    pub headers: Option<&'a dyn HeaderLookup>,
}

/// What the middleware does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<'a> {
    /// Whether the middleware answers (a preflight) or the handler does.
    pub answer_here: bool,
    /// The status when the middleware answers (204 for a preflight).
    pub status: u16,
    /// How the request fared, for the log and the inspector.
    pub verdict: Verdict,
    /// Response headers to add, in order. Inline up to six (a preflight's most): deciding a
    /// request allocates nothing unless a value has to be computed.
    pub headers: SmallVec<[(CorsHeader, Value<'a>); 6]>,
}

/// The response headers CORS writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorsHeader {
    /// `Vary`.
    Vary,
    /// `Access-Control-Allow-Origin`.
    AllowOrigin,
    /// `Access-Control-Allow-Credentials`.
    AllowCredentials,
    /// `Access-Control-Allow-Methods`.
    AllowMethods,
    /// `Access-Control-Allow-Headers`.
    AllowHeaders,
    /// `Access-Control-Expose-Headers`.
    ExposeHeaders,
    /// `Access-Control-Max-Age`.
    MaxAge,
}

impl CorsHeader {
    /// Every one, in the order a response lists them.
    pub const ALL: [Self; 7] = [
        Self::Vary,
        Self::AllowOrigin,
        Self::AllowCredentials,
        Self::AllowMethods,
        Self::AllowHeaders,
        Self::ExposeHeaders,
        Self::MaxAge,
    ];

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vary => "vary",
            Self::AllowOrigin => "access-control-allow-origin",
            Self::AllowCredentials => "access-control-allow-credentials",
            Self::AllowMethods => "access-control-allow-methods",
            Self::AllowHeaders => "access-control-allow-headers",
            Self::ExposeHeaders => "access-control-expose-headers",
            Self::MaxAge => "access-control-max-age",
        }
    }

    /// The header named `name`, in any case.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str().eq_ignore_ascii_case(name))
    }
}

/// A response header value, borrowed wherever it can be: from the policy
/// (whose lists are joined once, when it is built) or from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// Fixed text (`Origin`, `true`, `*`).
    Static(&'static str),
    /// The request's `Origin`, admitted by a pattern or the registry: the
    /// middleware copies it (an origin the policy names is a `Shared` value,
    /// the policy's own copy).
    Origin(&'a str),
    /// Text from the policy, joined once when it was built.
    Shared(&'a SharedText),
    /// Computed for this request (an echoed header list, a scenario's
    /// reflection), or a scenario's own text.
    Text(Cow<'a, str>),
}

impl Value<'_> {
    /// The value as text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Static(s) => s,
            Self::Origin(s) => s,
            Self::Shared(s) => s.as_str(),
            Self::Text(s) => s,
        }
    }
}

impl PartialEq<str> for Value<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl Decision<'_> {
    /// The headers as owned pairs (the lab's samples, tests).
    pub fn header_pairs(&self) -> Vec<(&'static str, String)> {
        self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str().to_owned())).collect()
    }

    /// The first value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.as_str() == name).map(|(_, v)| v.as_str())
    }
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
    /// `Origin`, `Access-Control-Request-Method` or
    /// `Access-Control-Request-Headers` could not be parsed (sent twice
    /// where one is allowed, not visible ASCII, not HTTP tokens).
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
    pub fn decide<'a>(&'a self, req: &CorsRequest<'a>) -> Decision<'a> {
        let preflight = req.is_preflight();
        let (covered, found) = self.lookup(req);
        let mut decision = Decision {
            answer_here: preflight && covered,
            status: 204,
            verdict: Verdict::NotCors,
            headers: SmallVec::new(),
        };
        if !covered {
            return decision;
        }
        // The answer depends on these request headers, so caches must key on them.
        decision.headers.push((CorsHeader::Vary, Value::Static(vary(preflight))));
        let Some(origin) = req.origin else {
            return decision;
        };
        let Some((b, r, admission)) = found else {
            // An unreadable Origin is admitted by nothing, not even `*`.
            decision.verdict = if origin == UNREADABLE { Verdict::MalformedRequest } else { Verdict::OriginRefused };
            return decision;
        };
        let (block, texts) = (&self.blocks[b], &self.texts[b][r]);
        let resource = &block.resources[r];
        if preflight && let Err(verdict) = check_preflight(resource, req) {
            decision.verdict = verdict;
            return decision;
        }
        let allow_origin = if block.origins.any && !resource.credentials {
            Value::Static("*")
        } else if let Admission::Exact(i) = admission {
            // Sent back from the policy's own list when it names the origin:
            // derived from configuration, never reflected from the request.
            Value::Shared(&self.origin_texts[b][i])
        } else {
            Value::Origin(origin)
        };
        decision.headers.push((CorsHeader::AllowOrigin, allow_origin));
        if resource.credentials {
            decision.headers.push((CorsHeader::AllowCredentials, Value::Static("true")));
        }
        if preflight {
            preflight_headers(&mut decision, resource, texts, req);
        } else if let Some(expose) = &texts.expose {
            decision.headers.push((CorsHeader::ExposeHeaders, Value::Shared(expose)));
        }
        decision.verdict = Verdict::Granted;
        decision
    }

    /// Whether any resource covers the path, and the block and resource that
    /// decide: in each block, the first resource whose path matches and
    /// whose condition holds; the first such block that admits the origin.
    /// One pass over the blocks (this runs for every request).
    fn lookup(&self, req: &CorsRequest<'_>) -> (bool, Option<(usize, usize, Admission)>) {
        let mut covered = false;
        for (b, block) in self.blocks.iter().enumerate() {
            let mut chosen = None;
            for (r, resource) in block.resources.iter().enumerate() {
                if resource.path.matches(req.path) {
                    covered = true;
                    if condition_holds(resource, req) {
                        chosen = Some(r);
                        break;
                    }
                }
            }
            if let (Some(r), Some(origin)) = (chosen, req.origin)
                && let Some(admission) = block.origins.admission(origin)
            {
                return (true, Some((b, r, admission)));
            }
        }
        (covered, None)
    }
}

/// A header value from the policy, made once and shared by every response
/// that carries it: the middleware turns it into a header value by bumping
/// a reference count, not by copying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedText(Bytes);

impl SharedText {
    pub(super) fn new(text: String) -> Self {
        Self(Bytes::from(text))
    }

    /// The text (always UTF-8: it was made from a `String`).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The bytes, shared.
    pub fn bytes(&self) -> Bytes {
        self.0.clone()
    }
}

/// A resource's header values, joined once when the policy is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ResourceTexts {
    /// `Access-Control-Allow-Methods`; `None` echoes the request's method.
    methods: Option<SharedText>,
    /// `Access-Control-Allow-Headers`; `None` echoes the request's headers.
    headers: Option<SharedText>,
    expose: Option<SharedText>,
    max_age: Option<SharedText>,
}

impl ResourceTexts {
    pub(super) fn new(resource: &Resource) -> Self {
        use super::policy::{Headers, Methods};
        Self {
            methods: match &resource.methods {
                Methods::List(list) => Some(SharedText::new(list.join(", "))),
                Methods::Any => None,
            },
            headers: match &resource.headers {
                Headers::List(list) | Headers::Exactly(list) => Some(SharedText::new(list.join(", "))),
                Headers::Any => None,
            },
            expose: (!resource.expose.is_empty()).then(|| SharedText::new(resource.expose.join(", "))),
            max_age: resource.max_age.map(|s| SharedText::new(s.to_string())),
        }
    }
}

fn condition_holds(resource: &Resource, req: &CorsRequest<'_>) -> bool {
    match (&resource.condition, req.headers) {
        (None, _) => true,
        (Some(condition), Some(headers)) => condition.holds(headers),
        (Some(_), None) => false,
    }
}

impl CorsRequest<'_> {
    /// Whether this is a preflight: an OPTIONS asking for a method, from an
    /// origin. Without `Origin` it is an ordinary OPTIONS (a same-origin
    /// client, curl) and goes to the app, as Rack::Cors lets it.
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && self.request_method.is_some() && self.origin.is_some()
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
    // A method is an HTTP token: `methods = "*"` echoes it, so an empty or
    // malformed one must never get that far.
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(Verdict::MalformedRequest);
    }
    if !resource.methods.allows(method) {
        return Err(Verdict::MethodRefused);
    }
    let mut names = header_names(req.request_headers.unwrap_or_default());
    // Checked name by name, without allocating: a malformed entry anywhere
    // outranks a refused one, as when the whole list is parsed first.
    let mut refused = false;
    for name in &mut names {
        match name {
            Some(name) => refused |= !resource.headers.allows(name),
            None => return Err(Verdict::MalformedRequest),
        }
    }
    if refused { Err(Verdict::HeaderRefused) } else { Ok(()) }
}

fn preflight_headers<'a>(
    decision: &mut Decision<'a>,
    resource: &Resource,
    texts: &'a ResourceTexts,
    req: &CorsRequest<'a>,
) {
    let methods = match &texts.methods {
        Some(list) => Value::Shared(list),
        None => Value::Text(Cow::Borrowed(req.request_method.unwrap_or_default())),
    };
    decision.headers.push((CorsHeader::AllowMethods, methods));
    let headers = match &texts.headers {
        Some(list) => with_safelisted(list, resource, req.request_headers.unwrap_or_default()),
        // Echo exactly what was asked (already checked to be well-formed).
        None => Value::Text(Cow::Owned(
            parse_header_list(req.request_headers.unwrap_or_default()).unwrap_or_default().join(", "),
        )),
    };
    if !headers.as_str().is_empty() {
        decision.headers.push((CorsHeader::AllowHeaders, headers));
    }
    if let Some(max_age) = &texts.max_age {
        decision.headers.push((CorsHeader::MaxAge, Value::Shared(max_age)));
    }
}

/// The policy's header list, plus the safelisted names the request asks for
/// that it does not name (allowed all the same, see
/// [`super::policy::SAFELISTED_HEADERS`]): the browser checks them against
/// this answer. Shared, unless there is something to add.
fn with_safelisted<'a>(list: &'a SharedText, resource: &Resource, asked: &str) -> Value<'a> {
    use super::policy::{Headers, SAFELISTED_HEADERS};
    let Headers::List(named) = &resource.headers else {
        return Value::Shared(list);
    };
    let mut added: SmallVec<[&str; 4]> = SmallVec::new();
    for name in header_names(asked).flatten() {
        let safelisted = SAFELISTED_HEADERS.iter().find(|s| s.eq_ignore_ascii_case(name));
        if let Some(s) = safelisted.filter(|s| !named.iter().any(|n| n == *s) && !added.contains(s)) {
            added.push(s);
        }
    }
    if added.is_empty() {
        return Value::Shared(list);
    }
    let mut text = list.as_str().to_owned();
    for name in added {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(name);
    }
    Value::Text(Cow::Owned(text))
}

/// The entries of an `Access-Control-Request-Headers` value, trimmed; `None`
/// for an entry that is not an HTTP token. Empty entries (`a,,b`, `a,`) are
/// skipped, as HTTP's list rule says (RFC 9110, 5.6.1), so an empty value
/// has no entries.
fn header_names(value: &str) -> impl Iterator<Item = Option<&str>> {
    value
        .split(',')
        .map(|item| item.trim_matches([' ', '\t']))
        .filter(|name| !name.is_empty())
        .map(|name| name.bytes().all(is_token_byte).then_some(name))
}

/// Parses `Access-Control-Request-Headers` (`Origin, Accept, Content-Type`,
/// any spacing or case) into lower-case names; `None` when an entry is not
/// an HTTP token. Empty entries are skipped; an empty value is an empty list.
pub fn parse_header_list(value: &str) -> Option<Vec<String>> {
    header_names(value).map(|name| name.map(str::to_ascii_lowercase)).collect()
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod parity;
