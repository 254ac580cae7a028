//! CORS on the API origin, one idea per file. The pure core, in the order a
//! request meets it:
//! - [`origin`]: what an origin is and how it is compared;
//! - [`origin_pattern`], [`registry`]: whole-origin patterns and run-time registered origins;
//! - [`path_pattern`]: which paths a resource covers;
//! - [`header_list`]: the methods and request headers a resource allows, and the request's list;
//! - [`policy`]: what a policy says (Rack::Cors blocks), refused when invalid ([`policy_error`]);
//! - [`shared_text`]: the policy's header texts, joined once and shared;
//! - [`request`]: the parts of a request CORS reads;
//! - [`decide`]: the pure decision for one request, giving a [`decision::Decision`];
//! - [`setup`]: the policy in force plus a lab scenario's deliberate mistakes;
//! - [`file`](mod@file), [`defaults`]: policy files, and the policy the app ships with.
//!
//! Then the HTTP side: [`layer`] (the tower middleware) and [`to_http`] (the
//! conversion between `http` types and the core's plain ones). A test
//! (`layering.rs`) keeps it so: no import cycle, no HTTP types in the core.

pub mod decide;
pub mod decision;
pub mod defaults;
pub mod file;
pub mod header_list;
pub mod layer;
pub mod origin;
pub mod origin_pattern;
pub mod path_pattern;
pub mod policy;
pub mod policy_error;
pub mod registry;
pub mod request;
pub mod setup;
pub mod shared_text;
pub mod to_http;

#[cfg(test)]
mod layering;

pub use decision::{CorsHeader, Decision, PolicyVerdict, Value};
pub use layer::{CorsLayer, CorsOutcome, PolicySwitch};
pub use origin::Origin;
pub use policy::Policy;
pub use request::CorsRequest;
pub use setup::Setup;
