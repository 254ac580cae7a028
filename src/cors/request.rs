//! The parts of a request CORS looks at, as plain text (no HTTP types), and
//! how a header that cannot be read is passed on: as [`UNREADABLE`].

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

/// Read access to a request's headers, so the pure core needs no HTTP types.
pub trait HeaderLookup {
    /// The value of header `name` (lower-case), if present and readable.
    fn get(&self, name: &str) -> Option<&str>;
}

/// Headers as a plain list of pairs (tests, and the lab's samples).
#[derive(Debug, Clone, Copy)]
pub struct HeaderList<'a>(pub &'a [(&'a str, &'a str)]);

impl HeaderLookup for HeaderList<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }
}
