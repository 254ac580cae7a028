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
    /// its serialization.
    pub fn register(&self, raw: &str) -> Result<Origin, OriginError> {
        let origin = Origin::parse(raw.trim())?;
        self.update(|set| {
            set.insert(origin.as_str().to_owned());
        });
        Ok(origin)
    }

    /// Removes an origin; returns whether it was registered.
    pub fn remove(&self, raw: &str) -> bool {
        let key = Origin::parse(raw.trim()).map(|o| o.as_str().to_owned()).unwrap_or_else(|_| raw.to_owned());
        let mut removed = false;
        self.update(|set| removed = set.remove(&key));
        removed
    }

    /// Replaces the whole set (e.g. when loading it from disk).
    pub fn replace(&self, origins: impl IntoIterator<Item = Origin>) {
        let set: BTreeSet<String> = origins.into_iter().map(|o| o.as_str().to_owned()).collect();
        self.update(|current| *current = set);
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
}
