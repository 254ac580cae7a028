//! The dynamic origin registry: origins registered while the app runs,
//! checked on every request without a restart, like the reference's
//! database-backed `origins do |source, env| AllowedOrigin.exists?(...) end`.
//!
//! Reads are one atomic load (the set is replaced whole on each change),
//! so the CORS hot path never waits for a writer.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;

use super::origin::{Origin, OriginError};

/// How many origins the registry holds at most: a class's worth and more,
/// and a bound on what one form, or a hand-edited file, can make the app
/// keep and check.
pub const MAX_REGISTERED: usize = 100;

/// Why an origin was not registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    /// The text is not an origin.
    #[error(transparent)]
    NotAnOrigin(#[from] OriginError),
    /// The registry already holds [`MAX_REGISTERED`] origins.
    #[error("the registry already holds {MAX_REGISTERED} origins, its limit; remove one first")]
    Full,
}

/// A shared, cheaply cloned set of registered origins.
#[derive(Debug, Clone, Default)]
pub struct OriginRegistry {
    origins: Arc<ArcSwap<BTreeSet<String>>>,
    /// Serializes writers so that two concurrent changes never lose one.
    writer: Arc<Mutex<()>>,
}

impl OriginRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `origin` (a request's `Origin` value) is registered.
    pub fn contains(&self, origin: &str) -> bool {
        self.origins.load().contains(origin)
    }

    /// Registers an origin after validating and normalizing it; returns
    /// its serialization. Refused when [`MAX_REGISTERED`] others are there.
    pub fn register(&self, raw: &str) -> Result<Origin, RegisterError> {
        let origin = Origin::parse(raw.trim())?;
        let mut full = false;
        self.update(|set| {
            // Checked under the writer lock, so two registrations cannot both take the last place.
            full = set.len() >= MAX_REGISTERED && !set.contains(origin.as_str());
            if !full {
                set.insert(origin.as_str().to_owned());
            }
        });
        if full { Err(RegisterError::Full) } else { Ok(origin) }
    }

    /// Removes an origin; returns whether it was registered.
    pub fn remove(&self, raw: &str) -> bool {
        let key = Origin::parse(raw.trim()).map(|o| o.as_str().to_owned()).unwrap_or_else(|_| raw.to_owned());
        let mut removed = false;
        self.update(|set| removed = set.remove(&key));
        removed
    }

    /// Replaces the whole set (e.g. when loading it from disk), keeping at
    /// most [`MAX_REGISTERED`]; returns how many were left out.
    pub fn replace(&self, origins: impl IntoIterator<Item = Origin>) -> usize {
        let mut set = BTreeSet::new();
        let mut left_out = 0;
        for origin in origins {
            if set.len() < MAX_REGISTERED || set.contains(origin.as_str()) {
                set.insert(origin.as_str().to_owned());
            } else {
                left_out += 1;
            }
        }
        self.update(|current| *current = set);
        left_out
    }

    /// The registered origins, sorted.
    pub fn list(&self) -> Vec<String> {
        self.origins.load().iter().cloned().collect()
    }

    fn update(&self, change: impl FnOnce(&mut BTreeSet<String>)) {
        // A poisoned lock only means another writer panicked mid-change;
        // the set itself is replaced atomically, so carry on.
        let _guard = self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut next = BTreeSet::clone(&self.origins.load());
        change(&mut next);
        self.origins.store(Arc::new(next));
    }
}

impl PartialEq for OriginRegistry {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.origins, &other.origins)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_origins_are_normalized_and_checked_at_once() {
        let registry = OriginRegistry::new();
        let clone = registry.clone();
        assert!(!clone.contains("https://partner.example"));
        let origin = registry.register(" HTTPS://Partner.Example:443 ").expect("an origin");
        assert_eq!(origin.as_str(), "https://partner.example");
        assert!(clone.contains("https://partner.example"), "clones share the set");
        assert!(registry.register("partner.example").is_err());
        assert!(registry.remove("https://partner.example:443"));
        assert!(!clone.contains("https://partner.example"));
        assert!(!registry.remove("https://partner.example"));
    }

    #[test]
    fn the_registry_holds_at_most_its_limit() {
        let registry = OriginRegistry::new();
        for i in 0..MAX_REGISTERED {
            registry.register(&format!("https://o{i}.example")).expect("room");
        }
        assert_eq!(registry.register("https://one-more.example"), Err(RegisterError::Full));
        assert!(!registry.contains("https://one-more.example"));
        // Registering one already there again is fine.
        assert!(registry.register("https://o0.example").is_ok());
        assert!(registry.remove("https://o0.example"));
        assert!(registry.register("https://one-more.example").is_ok());
        let many = (0..MAX_REGISTERED + 5).map(|i| Origin::parse(&format!("https://f{i}.example")).expect("origin"));
        assert_eq!(registry.replace(many), 5);
        assert_eq!(registry.list().len(), MAX_REGISTERED);
    }
}
