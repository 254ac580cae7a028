//! Origin patterns: a regular expression that must match the *whole*
//! origin, like Rack::Cors' `origins /\Ahttps:\/\/([a-z0-9-]+\.)?example\.com\z/`.
//!
//! An unanchored pattern is the reference's classic hole (`/example\.com/`
//! also admits `https://example.com.evil.test`), so a pattern from a policy
//! file must start with `^` or `\A` and end with `$` or `\z`. The lab's
//! `unanchored-pattern` scenario builds one on purpose with
//! [`OriginPattern::unchecked`].

use std::fmt;

use regex_lite::Regex;

/// A compiled origin pattern.
#[derive(Clone)]
pub struct OriginPattern {
    source: String,
    regex: Regex,
}

/// Why a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// Not anchored at both ends.
    #[error(
        "pattern {0:?} must match the whole origin: start it with ^ and end it with $ (an unanchored pattern also admits look-alike origins)"
    )]
    Unanchored(String),
    /// Not a valid regular expression.
    #[error("pattern {pattern:?} is not a valid regular expression: {reason}")]
    Invalid {
        /// The pattern.
        pattern: String,
        /// The regex engine's complaint.
        reason: String,
    },
}

impl OriginPattern {
    /// Compiles an anchored pattern.
    pub fn new(source: &str) -> Result<Self, PatternError> {
        let anchored_start = source.starts_with('^') || source.starts_with("\\A");
        let anchored_end = (source.ends_with('$') && !source.ends_with("\\$")) || source.ends_with("\\z");
        if !anchored_start || !anchored_end || has_top_level_alternation(source) {
            return Err(PatternError::Unanchored(source.to_owned()));
        }
        Self::unchecked(source)
    }

    /// Compiles any pattern, anchored or not: for demonstrating the mistake.
    pub fn unchecked(source: &str) -> Result<Self, PatternError> {
        let regex = Regex::new(source)
            .map_err(|e| PatternError::Invalid { pattern: source.to_owned(), reason: e.to_string() })?;
        Ok(Self { source: source.to_owned(), regex })
    }

    /// Whether the origin matches.
    pub fn is_match(&self, origin: &str) -> bool {
        self.regex.is_match(origin)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// `^a|b$` is anchored at neither alternative's other end: refuse a `|`
/// outside any group.
fn has_top_level_alternation(source: &str) -> bool {
    let mut depth = 0usize;
    let mut escaped = false;
    let mut in_class = false;
    for c in source.chars() {
        match (escaped, in_class, c) {
            (true, _, _) => escaped = false,
            (false, _, '\\') => escaped = true,
            (false, false, '[') => in_class = true,
            (false, true, ']') => in_class = false,
            (false, false, '(') => depth += 1,
            (false, false, ')') => depth = depth.saturating_sub(1),
            (false, false, '|') if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

impl PartialEq for OriginPattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl fmt::Debug for OriginPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OriginPattern({:?})", self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_patterns_match_whole_origins_only() {
        let p = OriginPattern::new(r"^https://([a-z0-9-]+\.)?example\.com$").expect("valid");
        assert!(p.is_match("https://example.com"));
        assert!(p.is_match("https://app.example.com"));
        assert!(!p.is_match("https://example.com.evil.test"));
        assert!(!p.is_match("https://evilexample.com"));
        assert!(!p.is_match("http://app.example.com"));
        assert!(OriginPattern::new(r"\Ahttps://a\.example\z").is_ok());
    }

    #[test]
    fn unanchored_or_invalid_patterns_are_refused() {
        for bad in [r"example\.com", r"^https://example\.com", r"example\.com$", r"^a\.example|b\.example$", r"^x\$"] {
            assert!(matches!(OriginPattern::new(bad), Err(PatternError::Unanchored(_))), "{bad}");
        }
        assert!(OriginPattern::new(r"^(a|b)\.example$").is_ok(), "alternation inside a group is fine");
        assert!(matches!(OriginPattern::new("^(unclosed$"), Err(PatternError::Invalid { .. })));
    }

    #[test]
    fn the_unchecked_mistake_admits_look_alikes() {
        let p = OriginPattern::unchecked("localhost").expect("valid regex");
        assert!(p.is_match("http://localhost.evil.test"));
    }
}
