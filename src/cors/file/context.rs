//! What a policy file's tokens (`@page`, `@api`, `@registry`, `origins_env`,
//! `{page_port}`) stand for in the running app, passed in so that parsing
//! stays pure.

use std::collections::BTreeMap;

use crate::cors::origin::Origin;
use crate::cors::registry::OriginRegistry;

/// What a policy file's tokens refer to in this running app.
pub struct PolicyContext<'a> {
    /// What `@page` stands for.
    pub page_origins: &'a [Origin],
    /// What `@api` stands for (the API origin under every name; only a
    /// mistaken policy allows it, which is what the lab shows).
    pub api_origins: &'a [Origin],
    /// What `@registry` stands for.
    pub registry: &'a OriginRegistry,
    /// Reads an environment variable (injected, so tests need not touch the
    /// process environment).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Replaces `{page_port}` and `{api_port}` in origins.
    pub ports: (u16, u16),
    /// Whether `origin_patterns_unchecked` is honoured: only for the lab's
    /// scenarios, which show that mistake on purpose.
    pub allow_unanchored: bool,
}

impl<'a> PolicyContext<'a> {
    /// A context for policy files: no `@api`, no unanchored patterns.
    pub fn new(
        page_origins: &'a [Origin],
        registry: &'a OriginRegistry,
        env: &'a dyn Fn(&str) -> Option<String>,
    ) -> Self {
        Self { page_origins, api_origins: &[], registry, env, ports: (0, 0), allow_unanchored: false }
    }
}

/// The environment of this process, for [`PolicyContext::env`].
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// An environment with fixed values, for tests and docs.
pub fn fixed_env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: BTreeMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    move |name| map.get(name).cloned()
}
