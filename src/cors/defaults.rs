//! The policies the app ships with.
//!
//! [`DEFAULT_POLICY`] is `policies/default.toml`, used when `--policy` is not
//! given. [`tutorial_policy`] is the tutorial's original Rack::Cors block,
//!
//! ```ruby
//! allow do
//!   origins 'localhost:3000'
//!   resource '/cors/*', headers: ['Origin', 'Accept', 'Content-Type'], methods: [:get, :post]
//! end
//! ```
//!
//! with the page origin under every name the server answers to.

use super::origin::Origin;

/// The shipped policy file, compiled in so the app runs from any directory.
pub const DEFAULT_POLICY: &str = include_str!("../../policies/default.toml");
/// How errors name the shipped policy.
pub const DEFAULT_POLICY_NAME: &str = "policies/default.toml";
use super::policy::{Block, Headers, Methods, Origins, PathPattern, Policy, PolicyError, Resource};

/// The tutorial's policy for the given page origins.
pub fn tutorial_policy(page_origins: &[Origin]) -> Result<Policy, PolicyError> {
    let origins = Origins::list(1, &page_origins.iter().map(Origin::as_str).collect::<Vec<_>>())?;
    Policy::new(vec![Block {
        origins,
        resources: vec![Resource {
            path: PathPattern::parse(1, "/cors/*")?,
            methods: Methods::list(&["GET", "POST"]),
            headers: Headers::list(&["Origin", "Accept", "Content-Type"]),
            expose: Vec::new(),
            credentials: false,
            max_age: Some(600),
            condition: None,
        }],
    }])
}
