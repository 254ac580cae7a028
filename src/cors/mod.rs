//! CORS on the API origin, one concern per file:
//! - [`origin`]: what an origin is and how it is compared;
//! - [`policy`]: what a policy says (Rack::Cors blocks), refused when invalid;
//! - [`origin_pattern`], [`registry`]: whole-origin patterns and run-time registered origins;
//! - [`decide`]: the pure decision for one request;
//! - [`setup`]: the policy in force plus a lab scenario's deliberate mistakes;
//! - [`layer`]: the axum middleware that applies it;
//! - [`defaults`]: the policy the app ships with.

pub mod decide;
pub mod defaults;
pub mod file;
pub mod layer;
pub mod origin;
pub mod origin_pattern;
pub mod policy;
pub mod registry;
pub mod setup;

pub use decide::{CorsHeader, CorsRequest, Decision, Value, Verdict};
pub use layer::{CorsLayer, CorsOutcome, PolicySwitch};
pub use origin::Origin;
pub use policy::Policy;
pub use setup::Setup;
