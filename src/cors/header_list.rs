//! The lists a resource allows (methods, request headers, with Rack::Cors'
//! safelisted names) and the request's own list,
//! `Access-Control-Request-Headers`, read as HTTP tokens.

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

/// The entries of an `Access-Control-Request-Headers` value, trimmed; `None`
/// for an entry that is not an HTTP token. Empty entries (`a,,b`, `a,`) are
/// skipped, as HTTP's list rule says (RFC 9110, 5.6.1), so an empty value
/// has no entries.
pub(super) fn header_names(value: &str) -> impl Iterator<Item = Option<&str>> {
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

pub(super) fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

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
