//! The instructor's lab: switch the API origin between the correct policy
//! and the classic mistakes while the class keeps its pages open.
//!
//! - [`scenario`]: scenarios as data (`scenarios/*.toml`);
//! - [`custom`]: the `custom` scenario, a policy typed in the lab's editor: building, applying, saving;
//! - [`diff`]: a line diff, to show how a typed policy differs from the shipped one;
//! - [`instructor`]: who may act as the instructor and change the lab: the token, CSRF, Host (pure);
//! - [`store`]: the registry's file;
//! - [`events`]: server-sent events telling every open page what changed;
//! - [`samples`]: what the setup answers to telling requests, and what a browser makes of it;
//! - [`in_force`]: the setup in force as the lab names it, and any scenario's policy as text;
//! - [`probe`]: `#probe-run`, `f1-race-results probe`'s look-alike origins against the setup in force;
//! - [`change`]: a lab change, read only once the instructor's checks passed;
//! - [`routes`]: `/lab` and its forms; [`router`] (with `/events`), merged by the page origin;
//! - [`editor`]: `POST /lab/policy`, the editor's form.

pub mod change;
pub mod custom;
pub mod diff;
pub mod editor;
pub mod events;
pub mod in_force;
pub mod instructor;
pub mod probe;
pub mod routes;
pub mod samples;
pub mod scenario;
pub mod store;

use std::sync::Arc;

use arc_swap::ArcSwapOption;
use tokio::sync::watch;

use crate::cors::file::PolicyContext;
use crate::cors::registry::OriginRegistry;
use crate::cors::{Policy, PolicySwitch, Setup};
use custom::{CUSTOM, Custom, CustomStore, Tokens};
pub use in_force::InForce;
use instructor::Secrets;
pub use routes::router;
use scenario::{Scenario, ScenarioError};
use store::RegistryStore;

/// The scenario name of the policy the app started with.
pub const DEFAULT: &str = "default";

/// One choice in the lab: a scenario (or the default) and its prepared setup.
#[derive(Debug)]
pub struct Entry {
    /// The scenario as written; `None` for the default.
    pub scenario: Option<Scenario>,
    /// What applying it puts in force.
    pub setup: Arc<Setup>,
}

impl Entry {
    /// The name (`default` or the scenario's).
    pub fn name(&self) -> &str {
        &self.setup.scenario
    }

    /// The one-line title.
    pub fn title(&self) -> &str {
        self.scenario.as_ref().map_or("The correct policy (as shipped)", |s| &s.title)
    }
}

/// The lab: the catalogue of setups, the switch, the secrets, the registry.
#[derive(Debug, Clone)]
pub struct Lab {
    entries: Arc<Vec<Entry>>,
    switch: PolicySwitch,
    changes: Arc<watch::Sender<Arc<Setup>>>,
    /// The lab's secrets (token, CSRF).
    pub secrets: Arc<Secrets>,
    /// Registered origins (`@registry`).
    pub registry: OriginRegistry,
    /// Where the registry is saved.
    pub store: RegistryStore,
    /// The text of the policy the app started with.
    pub default_source: Arc<str>,
    /// What a typed policy's tokens stand for.
    tokens: Tokens,
    /// The last policy typed in the lab that built (`custom`), if any.
    custom: Arc<ArcSwapOption<Custom>>,
    /// Where it is saved.
    pub custom_store: CustomStore,
}

/// A registry change that did not wholly happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryChangeError {
    /// Refused: nothing changed (the reason, as a phrase).
    Refused(String),
    /// The change is in force (requests see it) but the file was not
    /// written, so a restart would undo it (where, and why).
    NotSaved(String),
}

/// A scenario name the lab does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scenario {name:?}; known: {known}")]
pub struct UnknownScenario {
    /// The name asked for.
    pub name: String,
    /// The names there are, comma-separated.
    pub known: String,
}

impl Lab {
    /// Prepares every scenario's setup for this run's origins. `initial` is
    /// the setup in force at startup (the default, or `--no-cors`).
    pub fn new(
        default_policy: &Arc<Policy>,
        default_source: &str,
        ctx: &PolicyContext<'_>,
        switch: PolicySwitch,
        secrets: Secrets,
        store: RegistryStore,
    ) -> Result<Self, ScenarioError> {
        let mut entries = vec![Entry { scenario: None, setup: Arc::new(Setup::correct(Arc::clone(default_policy))) }];
        for scenario in scenario::all()? {
            let setup = Arc::new(scenario.setup(ctx, default_policy)?);
            entries.push(Entry { scenario: Some(scenario), setup });
        }
        let (changes, _) = watch::channel(switch.load_full());
        let custom_store = CustomStore::new(store.dir());
        Ok(Self {
            tokens: Tokens::of(ctx),
            custom: Arc::default(),
            custom_store,
            entries: Arc::new(entries),
            switch,
            changes: Arc::new(changes),
            secrets: Arc::new(secrets),
            registry: ctx.registry.clone(),
            store,
            default_source: Arc::from(default_source),
        })
    }

    /// Every choice, default first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry of a name (never `custom`, which is typed, not listed).
    pub fn entry(&self, name: &str) -> Result<&Entry, UnknownScenario> {
        self.entries.iter().find(|e| e.name() == name).ok_or_else(|| self.unknown(name))
    }

    fn unknown(&self, name: &str) -> UnknownScenario {
        let custom = self.custom().map(|_| CUSTOM);
        UnknownScenario {
            name: name.chars().take(64).collect(),
            known: self.entries.iter().map(Entry::name).chain(custom).collect::<Vec<_>>().join(", "),
        }
    }

    /// The setup in force.
    pub fn current(&self) -> Arc<Setup> {
        self.switch.load_full()
    }

    /// The entry in force.
    pub fn current_entry(&self) -> &Entry {
        let current = self.current();
        self.entries.iter().find(|e| e.name() == current.scenario).unwrap_or(&self.entries[0])
    }

    /// Puts a scenario in force at once: the next request already sees it.
    pub fn apply(&self, name: &str) -> Result<(), UnknownScenario> {
        let setup = match self.custom() {
            Some(custom) if name == CUSTOM => Arc::clone(&custom.setup),
            _ => Arc::clone(&self.entry(name)?.setup),
        };
        self.put_in_force(setup);
        tracing::info!(scenario = name, "lab: scenario applied");
        Ok(())
    }

    fn put_in_force(&self, setup: Arc<Setup>) {
        self.switch.store(Arc::clone(&setup));
        self.changes.send_replace(setup);
    }

    /// A receiver that sees every change (the latest one, at least).
    pub fn subscribe(&self) -> watch::Receiver<Arc<Setup>> {
        self.changes.subscribe()
    }

    /// Registers an origin and saves the registry.
    pub fn register(&self, raw: &str) -> Result<String, RegistryChangeError> {
        let origin = self.registry.register(raw).map_err(|e| RegistryChangeError::Refused(e.to_string()))?;
        self.save()?;
        Ok(origin.to_string())
    }

    /// Removes an origin and saves the registry.
    pub fn unregister(&self, raw: &str) -> Result<bool, RegistryChangeError> {
        let removed = self.registry.remove(raw);
        self.save()?;
        Ok(removed)
    }

    fn save(&self) -> Result<(), RegistryChangeError> {
        self.store.save(&self.registry.list()).map_err(|e| {
            tracing::error!("the registry change is in force but not saved to {}: {e}", self.store.path().display());
            RegistryChangeError::NotSaved(format!("{} ({e})", self.store.path().display()))
        })
    }
}

#[cfg(test)]
mod tests;
