//! The setup in force as the lab page and the banner name it (a scenario,
//! the default, or `custom`), and any scenario's policy as text an editor
//! can start from.

use std::sync::Arc;

use super::custom::{self, CUSTOM};
use super::scenario::Scenario;
use super::{Entry, Lab};
use crate::cors::Setup;

/// The setup in force, as the lab page and the banner name it.
#[derive(Debug)]
pub struct InForce<'a> {
    /// The setup itself.
    pub setup: Arc<Setup>,
    /// The scenario as written (`None` for the default and `custom`).
    pub scenario: Option<&'a Scenario>,
    /// The one-line title.
    title: &'a str,
    /// The policy's text (a scenario's, the typed one, or the one the app started with).
    pub policy_text: String,
}

impl InForce<'_> {
    /// The name (`default`, `custom` or the scenario's).
    pub fn name(&self) -> &str {
        &self.setup.scenario
    }

    /// The one-line title.
    pub fn title(&self) -> &str {
        self.title
    }
}

impl Lab {
    /// The one-line title of a scenario name (empty when unknown).
    pub fn title_of(&self, name: &str) -> &str {
        if name == CUSTOM {
            return custom::TITLE;
        }
        self.entry(name).map_or("", Entry::title)
    }

    /// The setup in force, with its scenario, title and policy text.
    pub fn in_force(&self) -> InForce<'_> {
        let setup = self.current();
        if setup.scenario == CUSTOM {
            let text = self.custom().map(|c| c.source.clone()).unwrap_or_default();
            return InForce { setup, scenario: None, title: custom::TITLE, policy_text: text };
        }
        let entry = self.current_entry();
        let policy_text = entry.scenario.as_ref().map_or_else(|| self.default_source.to_string(), |s| s.description());
        InForce { setup, scenario: entry.scenario.as_ref(), title: entry.title(), policy_text }
    }

    /// A scenario's policy as text an editor can start from: its own policy,
    /// or the one the app started with (with a comment when the scenario's
    /// mistake lies beyond what a policy can say); `custom`: the typed one.
    pub fn policy_source(&self, name: &str) -> Option<String> {
        if name == CUSTOM {
            return self.custom().map(|c| c.source.clone());
        }
        let scenario = self.entry(name).ok()?.scenario.as_ref();
        Some(match scenario {
            Some(s) if s.policy.is_some() => s.description(),
            Some(s) => format!(
                "# {}: its mistake is beyond what a policy file can say (see /lab); here is the policy it starts from.\n{}",
                s.name, self.default_source
            ),
            None => self.default_source.to_string(),
        })
    }
}
