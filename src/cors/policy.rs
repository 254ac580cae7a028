//! What a CORS policy says, in the shape of a Rack::Cors block: an ordered
//! list of `allow` blocks, each with its origins and its resources.
//!
//! A [`Policy`] can only be built valid: configurations browsers would
//! reject anyway (`*` together with credentials) are refused here, when the
//! policy is built, not discovered when a request arrives.

pub use super::header_list::{Headers, Methods, SAFELISTED_HEADERS};
use super::origin::Origin;
use super::origin_pattern::OriginPattern;
pub use super::path_pattern::PathPattern;
pub use super::policy_error::PolicyError;
use super::registry::OriginRegistry;
use super::request::{HeaderLookup, UNREADABLE};
use super::shared_text::{ResourceTexts, SharedText};

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
        let texts = blocks
            .iter()
            .map(|b| {
                b.resources.iter().map(|r| ResourceTexts::new(&r.methods, &r.headers, &r.expose, r.max_age)).collect()
            })
            .collect();
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
        if origin.is_empty() || origin == UNREADABLE {
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
}
