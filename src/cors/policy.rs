//! What a CORS policy says, in the shape of a Rack::Cors block: an ordered
//! list of `allow` blocks, each with its origins and its resources.
//!
//! A [`Policy`] can only be built valid: configurations browsers would
//! reject anyway (`*` together with credentials) are refused here, when the
//! policy is built, not discovered when a request arrives.

use super::decide::{ResourceTexts, SharedText};
use super::origin::{Origin, OriginError};
use super::origin_pattern::OriginPattern;
use super::registry::OriginRegistry;

/// The whole policy: the first block whose origins admit the request's
/// origin and which has a resource matching its path decides.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub(super) blocks: Vec<Block>,
    /// Each resource's header values, joined once here rather than on
    /// every request: `texts[block][resource]`.
    pub(super) texts: Vec<Vec<ResourceTexts>>,
    /// Each block's exact origins, as header values sent back to them:
    /// `origin_texts[block][i]` is `blocks[block].origins.exact[i]`.
    pub(super) origin_texts: Vec<Vec<SharedText>>,
}

/// One `allow do ... end` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Which origins this block admits.
    pub origins: Origins,
    /// Resources in order; the first whose path matches wins.
    pub resources: Vec<Resource>,
}

/// Which origins a block admits: any of its rules.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Origins {
    /// `origins '*'`: any origin, answered with `Access-Control-Allow-Origin: *`.
    pub any: bool,
    /// Exact origins, serialized.
    pub exact: Vec<Origin>,
    /// Whether the opaque origin `null` is named explicitly.
    pub null: bool,
    /// Whole-origin patterns.
    pub patterns: Vec<OriginPattern>,
    /// The dynamic registry, when the block consults it.
    pub registry: Option<OriginRegistry>,
}

/// A `resource '/path/*', ...` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Which paths this resource covers.
    pub path: PathPattern,
    /// Methods a preflight may ask for.
    pub methods: Methods,
    /// Request headers a preflight may ask for.
    pub headers: Headers,
    /// Response headers scripts may read (`Access-Control-Expose-Headers`).
    pub expose: Vec<String>,
    /// Whether credentialed requests may read the response.
    pub credentials: bool,
    /// How long a browser may cache a preflight answer, in seconds.
    pub max_age: Option<u32>,
    /// Rack::Cors' `if:`: the resource applies only when this holds.
    pub condition: Option<Condition>,
}

/// A condition on the request (Rack::Cors' `if: proc { |env| ... }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The request carries this header (lower-case name).
    HeaderPresent(String),
    /// The request carries this header with exactly this value.
    HeaderEquals(String, String),
}

/// Allowed methods.
#[derive(Debug, Clone, PartialEq)]
pub enum Methods {
    /// Any method the preflight asks for.
    Any,
    /// Upper-case method names.
    List(Vec<String>),
}

/// Allowed request headers.
#[derive(Debug, Clone, PartialEq)]
pub enum Headers {
    /// Any header the preflight asks for, except `Authorization`, which a
    /// browser never lets a wildcard cover.
    Any,
    /// Lower-case header names, compared case-insensitively; the
    /// [`SAFELISTED_HEADERS`] are allowed as well, as Rack::Cors always
    /// allows them, so a policy translated from Rack that lists only custom
    /// headers still accepts a JSON POST.
    List(Vec<String>),
    /// Exactly these names, not even the safelisted ones (how tower-http and
    /// hand-written answers behave): only for the lab's scenarios, which
    /// show a server refusing `Content-Type`.
    Exactly(Vec<String>),
}

/// The CORS-safelisted request header names that Rack::Cors allows on every
/// resource (its `CORS_SIMPLE_HEADERS`), lower-case.
pub const SAFELISTED_HEADERS: [&str; 4] = ["accept", "accept-language", "content-language", "content-type"];

/// A Rack::Cors path pattern: `*` (everything), `/prefix/*` (the prefix and
/// anything below it), `/items/:id` (one segment), or an exact path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    segments: Vec<Segment>,
    /// Set by a trailing `/*`: the prefix and everything below it match.
    open_ended: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
}

/// A policy that cannot be built, naming the block at fault (1-based).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    /// Browsers reject `Access-Control-Allow-Origin: *` on credentialed requests.
    #[error(
        "allow block {block}: origins '*' cannot be combined with credentials (name the origins, or set credentials to false)"
    )]
    WildcardWithCredentials {
        /// 1-based block number.
        block: usize,
    },
    /// An entry of `origins` is not an origin.
    #[error("allow block {block}: {value:?} is not an origin: {reason}")]
    BadOrigin {
        /// 1-based block number.
        block: usize,
        /// The offending entry.
        value: String,
        /// Why it is not an origin.
        reason: OriginError,
    },
    /// A resource path of a form policy files do not support.
    #[error(
        "allow block {block}: resource path {path:?} is not supported: use *, an exact path (/results), a prefix ending in /* (/cors/*) or :name segments (/items/:id); * only as the whole path or its last segment, no Rack-style globs such as /files/*.json or regular expressions"
    )]
    BadPath {
        /// 1-based block number.
        block: usize,
        /// The offending path.
        path: String,
    },
    /// A block that could never match anything.
    #[error("allow block {block}: it needs at least one origin and one resource")]
    Empty {
        /// 1-based block number.
        block: usize,
    },
}

impl Policy {
    /// Validates and assembles a policy from its blocks.
    pub fn new(blocks: Vec<Block>) -> Result<Self, PolicyError> {
        for (i, block) in blocks.iter().enumerate() {
            let n = i + 1;
            if block.origins.is_empty() || block.resources.is_empty() {
                return Err(PolicyError::Empty { block: n });
            }
            if block.origins.any && block.resources.iter().any(|r| r.credentials) {
                return Err(PolicyError::WildcardWithCredentials { block: n });
            }
        }
        let texts = blocks.iter().map(|b| b.resources.iter().map(ResourceTexts::new).collect()).collect();
        let origin_texts = blocks
            .iter()
            .map(|b| b.origins.exact.iter().map(|o| SharedText::new(o.as_str().to_owned())).collect())
            .collect();
        Ok(Self { blocks, texts, origin_texts })
    }

    /// The blocks, in order.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }
}

impl Origins {
    /// `origins '*'`.
    pub fn any() -> Self {
        Self { any: true, ..Self::default() }
    }

    /// Parses a list of origins (`null` allowed by name) for block `block`.
    pub fn list<S: AsRef<str>>(block: usize, values: &[S]) -> Result<Self, PolicyError> {
        let mut origins = Self::default();
        for value in values {
            origins.add(block, value.as_ref())?;
        }
        Ok(origins)
    }

    /// Adds one entry: `*`, `null`, or an origin.
    pub fn add(&mut self, block: usize, value: &str) -> Result<(), PolicyError> {
        match value {
            "*" => self.any = true,
            "null" => self.null = true,
            _ => {
                let origin = Origin::parse(value).map_err(|reason| PolicyError::BadOrigin {
                    block,
                    value: value.to_owned(),
                    reason,
                })?;
                if !self.exact.contains(&origin) {
                    self.exact.push(origin);
                }
            }
        }
        Ok(())
    }

    /// Whether no rule could ever admit anything.
    pub fn is_empty(&self) -> bool {
        !self.any && !self.null && self.exact.is_empty() && self.patterns.is_empty() && self.registry.is_none()
    }

    /// Whether a request's `Origin` value is admitted. Exact origins are
    /// compared with the serialized form byte for byte (see [`super::origin`]);
    /// `null` only when named.
    pub fn admits(&self, origin: &str) -> bool {
        self.admission(origin).is_some()
    }

    /// How a request's `Origin` value is admitted, if it is.
    pub fn admission(&self, origin: &str) -> Option<Admission> {
        // Absent-but-present or unreadable (two `Origin` headers): nothing
        // admits it, not even `*`.
        if origin.is_empty() || origin == super::decide::UNREADABLE {
            return None;
        }
        if origin == "null" {
            return self.null.then_some(Admission::Other);
        }
        if self.any {
            return Some(Admission::Any);
        }
        if let Some(i) = self.exact.iter().position(|o| o.as_str() == origin) {
            return Some(Admission::Exact(i));
        }
        let other = self.patterns.iter().any(|p| p.is_match(origin))
            || self.registry.as_ref().is_some_and(|r| r.contains(origin));
        other.then_some(Admission::Other)
    }
}

/// Which rule of [`Origins`] admitted an origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// `origins '*'`.
    Any,
    /// The exact origin at this index of [`Origins::exact`].
    Exact(usize),
    /// `null` by name, a pattern, or the registry.
    Other,
}

impl Condition {
    /// Whether the request satisfies the condition.
    pub fn holds(&self, headers: &dyn HeaderLookup) -> bool {
        match self {
            Self::HeaderPresent(name) => headers.get(name).is_some(),
            Self::HeaderEquals(name, value) => headers.get(name) == Some(value.as_str()),
        }
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

impl Methods {
    /// A list of methods, upper-cased.
    pub fn list<S: AsRef<str>>(methods: &[S]) -> Self {
        Self::List(methods.iter().map(|m| m.as_ref().to_ascii_uppercase()).collect())
    }

    pub(super) fn allows(&self, method: &str) -> bool {
        match self {
            Self::Any => true,
            Self::List(list) => list.iter().any(|m| m == method),
        }
    }
}

impl Headers {
    /// A list of header names, lower-cased.
    pub fn list<S: AsRef<str>>(headers: &[S]) -> Self {
        Self::List(headers.iter().map(|h| h.as_ref().trim().to_ascii_lowercase()).collect())
    }

    /// Whether a preflight may ask for `name` (any case).
    pub(super) fn allows(&self, name: &str) -> bool {
        match self {
            Self::Any => !name.eq_ignore_ascii_case("authorization"),
            Self::List(list) => {
                list.iter().any(|h| h.eq_ignore_ascii_case(name))
                    || SAFELISTED_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
            }
            Self::Exactly(list) => list.iter().any(|h| h.eq_ignore_ascii_case(name)),
        }
    }
}

impl PathPattern {
    /// Parses a pattern; `block` names the block in the error.
    pub fn parse(block: usize, raw: &str) -> Result<Self, PolicyError> {
        if raw == "*" {
            return Ok(Self { segments: Vec::new(), open_ended: true });
        }
        let bad = || PolicyError::BadPath { block, path: raw.to_owned() };
        let rest = raw.strip_prefix('/').ok_or_else(bad)?;
        let (rest, open_ended) = match rest.strip_suffix("/*").or_else(|| (rest == "*").then_some("")) {
            Some(prefix) => (prefix, true),
            None => (rest, false),
        };
        let segments = if rest.is_empty() { Vec::new() } else { rest.split('/').map(Segment::parse).collect() };
        if segments.iter().any(|s| matches!(s, Segment::Literal(l) if l.is_empty() || l.contains('*'))) {
            return Err(bad());
        }
        Ok(Self { segments, open_ended })
    }

    /// Whether `path` (no query string) matches.
    pub fn matches(&self, path: &str) -> bool {
        // This runs for every resource on every request of the API origin,
        // so it walks the bytes once, without splitting or searching.
        if !path.starts_with('/') {
            return false;
        }
        if path == "/" {
            // No segments at all: only `/` itself and `*` match.
            return self.segments.is_empty();
        }
        let mut rest = path;
        for segment in &self.segments {
            // `rest` starts with '/' here: at the start, and after each segment.
            let Some(part_and_more) = rest.strip_prefix('/') else {
                return false;
            };
            let len = match segment {
                Segment::Literal(l) => {
                    let after = part_and_more.as_bytes().get(l.len());
                    if !part_and_more.starts_with(l.as_str()) || after.is_some_and(|b| *b != b'/') {
                        return false;
                    }
                    l.len()
                }
                Segment::Param => {
                    let len = part_and_more.bytes().position(|b| b == b'/').unwrap_or(part_and_more.len());
                    if len == 0 {
                        return false;
                    }
                    len
                }
            };
            rest = &part_and_more[len..];
        }
        rest.is_empty() || self.open_ended
    }
}

impl Segment {
    fn parse(raw: &str) -> Self {
        match raw.strip_prefix(':') {
            Some(name) if !name.is_empty() => Self::Param,
            _ => Self::Literal(raw.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(path: &str, credentials: bool) -> Resource {
        Resource {
            path: PathPattern::parse(1, path).expect("valid pattern"),
            methods: Methods::Any,
            headers: Headers::Any,
            expose: Vec::new(),
            credentials,
            max_age: None,
            condition: None,
        }
    }

    #[test]
    fn path_patterns_follow_rack_cors() {
        let p = |raw| PathPattern::parse(1, raw).expect("valid pattern");
        assert!(p("/cors/*").matches("/cors/results"));
        assert!(p("/cors/*").matches("/cors"));
        assert!(p("/cors/*").matches("/cors/a/b"));
        assert!(!p("/cors/*").matches("/corsx"));
        assert!(!p("/cors/*").matches("/ajax/results"));
        assert!(p("/items/:id").matches("/items/7"));
        assert!(!p("/items/:id").matches("/items/7/x"));
        assert!(!p("/items/:id").matches("/items/"));
        assert!(p("*").matches("/anything/at/all"));
        assert!(p("/exact").matches("/exact") && !p("/exact").matches("/exact/x"));
        assert!(PathPattern::parse(2, "cors/*").is_err());
        assert!(PathPattern::parse(2, "/a/*/b").is_err());
    }

    /// The rule as first written: split into segments, compare in order.
    fn matches_by_splitting(pattern: &PathPattern, path: &str) -> bool {
        let Some(rest) = path.strip_prefix('/') else {
            return false;
        };
        let mut parts = rest.split('/').filter(|_| !rest.is_empty());
        let prefix_matches = pattern.segments.iter().all(|seg| match (seg, parts.next()) {
            (Segment::Literal(l), Some(part)) => l == part,
            (Segment::Param, Some(part)) => !part.is_empty(),
            (_, None) => false,
        });
        prefix_matches && (pattern.open_ended || parts.next().is_none())
    }

    #[test]
    fn the_fast_matcher_agrees_with_splitting_into_segments() {
        let patterns = ["*", "/", "/cors/*", "/cors", "/items/:id", "/a/:x/b", "/a/:x/*", "/api/v1/users/*", "/ab"];
        let paths = [
            "",
            "/",
            "//",
            "/cors",
            "/cors/",
            "/cors/results",
            "/corsx",
            "/cor",
            "/cors//x",
            "/items",
            "/items/",
            "/items/7",
            "/items/7/",
            "/items/7/x",
            "/a/1/b",
            "/a//b",
            "/a/1/bc",
            "/a/1/b/",
            "/a/1",
            "/ab",
            "/ab/",
            "/abc",
            "/api/v1/users",
            "/api/v1/users/me",
            "/api/v1/user",
            "x/cors",
            "/é/cors",
            "/a/é/b",
        ];
        for raw in patterns {
            let pattern = PathPattern::parse(1, raw).expect("valid pattern");
            for path in paths {
                assert_eq!(pattern.matches(path), matches_by_splitting(&pattern, path), "{raw} vs {path:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_matcher_agrees_on_any_path(path in "/?[ab/:é]{0,8}", raw in "(\\*|/([ab]|:x)(/([ab]|:x)){0,2}(/\\*)?)") {
            let pattern = PathPattern::parse(1, &raw).expect("valid pattern");
            proptest::prop_assert_eq!(pattern.matches(&path), matches_by_splitting(&pattern, &path), "{} vs {:?}", raw, path);
        }
    }

    #[test]
    fn wildcard_with_credentials_is_refused_naming_the_block() {
        let ok = Block { origins: Origins::any(), resources: vec![resource("/a/*", false)] };
        let bad = Block { origins: Origins::any(), resources: vec![resource("/b/*", true)] };
        let err = Policy::new(vec![ok, bad]).expect_err("must be refused");
        assert_eq!(err, PolicyError::WildcardWithCredentials { block: 2 });
        assert!(err.to_string().starts_with("allow block 2:"));
    }

    #[test]
    fn origin_lists_admit_exact_serializations_only() {
        let origins = Origins::list(1, &["http://localhost:3000", "HTTPS://App.Example:443"]).expect("valid");
        assert!(origins.admits("http://localhost:3000"));
        assert!(origins.admits("https://app.example"));
        for no in ["http://localhost:3000/", "http://LOCALHOST:3000", "http://localhost:3001", "null", ""] {
            assert!(!origins.admits(no), "{no:?}");
        }
        let with_null = Origins::list(1, &["null"]).expect("valid");
        assert!(with_null.admits("null"));
        let err = Origins::list(3, &["localhost:3000"]).expect_err("no scheme");
        assert!(err.to_string().contains("allow block 3"));
    }

    #[test]
    fn any_headers_never_cover_authorization() {
        assert!(Headers::Any.allows("x-requested-with"));
        assert!(!Headers::Any.allows("authorization"));
        assert!(Headers::list(&["Authorization"]).allows("authorization"));
        assert!(!Headers::list(&["Content-Type"]).allows("x-requested-with"));
        // Rack::Cors' CORS_SIMPLE_HEADERS: allowed whatever the list says, unless exactly.
        for name in ["Accept", "accept-language", "Content-Language", "content-type"] {
            assert!(Headers::list(&["X-Custom"]).allows(name), "{name}");
            assert!(!Headers::Exactly(vec!["x-custom".into()]).allows(name), "{name}");
        }
        assert!(!Headers::list(&["X-Custom"]).allows("authorization"));
    }
}
