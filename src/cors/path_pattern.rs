//! Rack::Cors resource paths (`*`, `/prefix/*`, `/items/:id`, `/exact`):
//! parsed once when a policy is built, matched on every request.

use super::policy_error::PolicyError;

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

/// The pattern as a policy file writes it; a parameter's name is not
/// kept, so `/items/:id` reads back as `/items/:param`.
impl std::fmt::Display for PathPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.segments.is_empty() && self.open_ended {
            return f.write_str("*");
        }
        for segment in &self.segments {
            match segment {
                Segment::Literal(l) => write!(f, "/{l}")?,
                Segment::Param => f.write_str("/:param")?,
            }
        }
        match (self.segments.is_empty(), self.open_ended) {
            (true, false) => f.write_str("/"),
            (_, true) => f.write_str("/*"),
            (false, false) => Ok(()),
        }
    }
}

impl PathPattern {
    /// The literal prefix before the first parameter or the open end, and
    /// whether the pattern is that prefix and everything below it (`/a/*`);
    /// `None` when a `:param` segment is in it.
    pub fn literal_prefix(&self) -> Option<(String, bool)> {
        let mut prefix = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(l) => {
                    prefix.push('/');
                    prefix.push_str(l);
                }
                Segment::Param => return None,
            }
        }
        Some((prefix, self.open_ended))
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

    #[test]
    fn patterns_read_back_as_written() {
        for raw in ["*", "/cors/*", "/exact", "/items/:param", "/", "/a/b/*"] {
            assert_eq!(PathPattern::parse(1, raw).expect("valid").to_string(), raw);
        }
        let p = |raw| PathPattern::parse(1, raw).expect("valid pattern");
        assert_eq!(p("/cors/*").literal_prefix(), Some(("/cors".to_owned(), true)));
        assert_eq!(p("*").literal_prefix(), Some((String::new(), true)));
        assert_eq!(p("/items/:id").literal_prefix(), None);
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
}
