//! Lab scenarios as data: one TOML file each under `scenarios/`, compiled
//! in. A scenario is a policy (by default the shipped one), or the
//! middleware removed, plus the quirks no valid policy can express, with
//! the reference's symptom / likely cause / solution and the outcome every
//! button of the technique pages should reach.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::cors::CorsHeader;
use crate::cors::Policy;
use crate::cors::file::{PolicyContext, PolicyFileError, parse};
use crate::cors::policy::PathPattern;
use crate::cors::setup::{Quirks, RawHeaders, Setup};
use around::AroundDoc;

mod around;

/// Every scenario file, in the order the lab lists them.
pub static FILES: &[(&str, &str)] = &[
    ("cors-off", include_str!("../../scenarios/cors-off.toml")),
    ("wrong-origin", include_str!("../../scenarios/wrong-origin.toml")),
    ("port-mismatch", include_str!("../../scenarios/port-mismatch.toml")),
    ("scheme-mismatch", include_str!("../../scenarios/scheme-mismatch.toml")),
    ("wildcard-with-credentials", include_str!("../../scenarios/wildcard-with-credentials.toml")),
    ("reflect-any-origin", include_str!("../../scenarios/reflect-any-origin.toml")),
    ("unanchored-pattern", include_str!("../../scenarios/unanchored-pattern.toml")),
    ("no-preflight-handler", include_str!("../../scenarios/no-preflight-handler.toml")),
    ("methods-get-only", include_str!("../../scenarios/methods-get-only.toml")),
    ("missing-allowed-header", include_str!("../../scenarios/missing-allowed-header.toml")),
    ("expose-missing", include_str!("../../scenarios/expose-missing.toml")),
    ("credentials-flag-missing", include_str!("../../scenarios/credentials-flag-missing.toml")),
    ("null-origin-allowed", include_str!("../../scenarios/null-origin-allowed.toml")),
    ("long-max-age", include_str!("../../scenarios/long-max-age.toml")),
    ("no-max-age", include_str!("../../scenarios/no-max-age.toml")),
    ("duplicate-allow-origin", include_str!("../../scenarios/duplicate-allow-origin.toml")),
    ("auth-before-cors", include_str!("../../scenarios/auth-before-cors.toml")),
    ("error-without-cors", include_str!("../../scenarios/error-without-cors.toml")),
    ("preflight-redirect", include_str!("../../scenarios/preflight-redirect.toml")),
    ("layer-order-405", include_str!("../../scenarios/layer-order-405.toml")),
    ("vary-missing-shared-cache", include_str!("../../scenarios/vary-missing-shared-cache.toml")),
];

/// A scenario as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable name, e.g. `wildcard-with-credentials` (also its file name).
    pub name: String,
    /// One line for the banner.
    pub title: String,
    /// The reference's troubleshooting columns.
    pub symptom: String,
    /// Likely cause.
    pub cause: String,
    /// Solution.
    pub solution: String,
    /// What to notice, for the class.
    pub lesson: String,
    /// `"off"` removes the middleware.
    #[serde(default)]
    cors: Option<String>,
    /// A policy file's text; absent: the shipped policy.
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default)]
    preflight_status: Option<u16>,
    #[serde(default)]
    extra_headers: Vec<(String, String)>,
    #[serde(default)]
    raw: Option<RawDoc>,
    /// What the server does around the CORS layer (`[around]`).
    #[serde(default)]
    around: AroundDoc,
    /// The console's words in each browser, when they matter to the lesson.
    #[serde(default)]
    pub says: Option<Says>,
    /// Code to show: the mistake and its fix (e.g. the axum layering).
    #[serde(default)]
    pub code: Option<Code>,
    /// Predicted outcomes: button id (or `jsonp`, `iframe`) to `ok` /
    /// `blocked`, plus `exposed` and `preflights_for_ten_clicks`.
    pub expect: Expect,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    paths: Vec<String>,
    actual: Vec<(String, String)>,
    preflight: Vec<(String, String)>,
}

/// What each browser's console says (a part of its line that the browser
/// tests look for).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Says {
    /// Chromium's words.
    pub chromium: String,
    /// Firefox's words.
    pub firefox: String,
}

/// The code that makes the mistake, and the code that fixes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// The mistake.
    pub mistake: String,
    /// The fix.
    pub fix: String,
}

/// What the scenario predicts.
#[derive(Debug, Clone, Deserialize)]
pub struct Expect {
    /// What `cors-read-header` shows, when it matters.
    #[serde(default)]
    pub exposed: Option<String>,
    /// How many preflights ten clicks of `cors-json-post` cause.
    #[serde(default)]
    pub preflights_for_ten_clicks: Option<u32>,
    /// Outcome per button.
    #[serde(flatten)]
    pub outcomes: BTreeMap<String, String>,
}

/// A scenario that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file is not a scenario.
    #[error("scenario file {name}: {reason}")]
    File {
        /// File name.
        name: String,
        /// Why.
        reason: String,
    },
    /// Its policy is invalid.
    #[error("scenario {0}")]
    Policy(#[from] PolicyFileError),
}

impl Scenario {
    /// Parses one scenario file.
    pub fn parse(name: &str, text: &str) -> Result<Self, ScenarioError> {
        let scenario: Self = toml::from_str(text)
            .map_err(|e| ScenarioError::File { name: name.to_owned(), reason: e.message().trim().to_owned() })?;
        if scenario.name != name {
            return Err(ScenarioError::File {
                name: name.to_owned(),
                reason: format!("it is named {:?}", scenario.name),
            });
        }
        Ok(scenario)
    }

    /// Builds the setup this scenario puts in force.
    pub fn setup(&self, ctx: &PolicyContext<'_>, shipped: &Arc<Policy>) -> Result<Setup, ScenarioError> {
        let file_error = |reason: String| ScenarioError::File { name: self.name.clone(), reason };
        let policy = match (self.cors.as_deref(), &self.policy) {
            (Some("off"), _) => None,
            (Some(other), _) => return Err(file_error(format!("cors is \"off\" or absent, not {other:?}"))),
            (None, Some(text)) => Some(Arc::new(parse(&format!("scenarios/{}.toml", self.name), text, ctx)?)),
            (None, None) => Some(Arc::clone(shipped)),
        };
        let header = |(name, value): &(String, String)| {
            CorsHeader::parse(name).map(|h| (h, value.clone())).ok_or_else(|| {
                file_error(format!("{} is not a header a scenario may write", name.to_ascii_lowercase()))
            })
        };
        let raw = match &self.raw {
            None => None,
            Some(raw) => Some(RawHeaders {
                paths: raw
                    .paths
                    .iter()
                    .map(|p| PathPattern::parse(1, p).map_err(|e| file_error(e.to_string())))
                    .collect::<Result<_, _>>()?,
                actual: raw.actual.iter().map(header).collect::<Result<_, _>>()?,
                preflight: raw.preflight.iter().map(header).collect::<Result<_, _>>()?,
            }),
        };
        let quirks = Quirks {
            preflight_status: self.preflight_status,
            extra_headers: self.extra_headers.iter().map(header).collect::<Result<_, _>>()?,
            raw,
            around: self.around.read().map_err(file_error)?,
            on_routes_only: self.around.cors_on_routes_only,
            no_vary: !self.around.vary,
        };
        Ok(Setup { scenario: self.name.clone(), policy, quirks })
    }

    /// What the scenario puts in force, as text for the lab page.
    pub fn description(&self) -> String {
        match (&self.cors, &self.policy) {
            (Some(_), _) => "# The CORS middleware is removed: no policy at all.\n".to_owned(),
            (None, Some(policy)) => policy.trim_start().to_owned(),
            (None, None) => "# The policy the app started with, plus what is listed below.\n".to_owned(),
        }
    }

    /// The quirks, as text for the lab page (empty when none).
    pub fn quirks_description(&self) -> String {
        let mut out = String::new();
        if let Some(status) = self.preflight_status {
            out.push_str(&format!("Preflights (OPTIONS) are answered {status}, with no CORS headers.\n"));
        }
        for (name, value) in &self.extra_headers {
            out.push_str(&format!("Every allowed response also gets: {name}: {value}\n"));
        }
        out.push_str(&self.around.describe());
        if let Some(raw) = &self.raw {
            out.push_str(&format!("Hand-written headers on {}:\n  actual requests:\n", raw.paths.join(", ")));
            for (name, value) in &raw.actual {
                out.push_str(&format!("    {name}: {value}\n"));
            }
            out.push_str("  preflights (answered 204):\n");
            for (name, value) in &raw.preflight {
                out.push_str(&format!("    {name}: {value}\n"));
            }
        }
        out
    }
}

/// Parses every compiled-in scenario.
pub fn all() -> Result<Vec<Scenario>, ScenarioError> {
    FILES.iter().map(|(name, text)| Scenario::parse(name, text)).collect()
}
