//! What the server decided for one request: whether it answers, the
//! verdict, and the response headers with their values, borrowed from the
//! policy or the request.

use std::borrow::Cow;

use smallvec::SmallVec;

use super::shared_text::SharedText;

/// What the middleware does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<'a> {
    /// Whether the middleware answers (a preflight) or the handler does.
    pub answer_here: bool,
    /// The status when the middleware answers (204 for a preflight).
    pub status: u16,
    /// How the request fared, for the log and the inspector.
    pub verdict: PolicyVerdict,
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

/// How a request fared against the policy: the server's side (the browser's
/// is [`crate::diagnosis::BrowserVerdict`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyVerdict {
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

impl PolicyVerdict {
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
