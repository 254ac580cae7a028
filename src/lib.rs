//! F1 Race Results: a CORS lab.
//!
//! One process serves two origins: the **page origin** (HTTP, port 3000),
//! whose pages show a live Grand Prix and refresh it with four historical
//! techniques, and the **API origin** (HTTPS, port 3001), whose resources
//! those pages fetch across origins under a CORS policy.
//!
//! # Layout
//! - [`config`]: the command line (every flag also an `F1_*` variable); [`cli`]: the
//!   subcommands (`check`, `trust`, `export`, `probe`) that do not serve the lab.
//! - [`app`]: binds every listener (both origins, the other site), reports the ports, serves until shutdown.
//! - [`tls`]: the local CA and the API certificate.
//! - [`race`]: the pure simulation ([`race::sim`]) and its ticker ([`race::live`]).
//! - [`cors`]: origins, policies, the pure decision ([`cors::Decision`]), the tower layer
//!   and its conversion to `http` types; one idea per file.
//! - [`diagnosis`]: what a browser does with one cross-origin request, and why (pure): a
//!   [`diagnosis::BrowserVerdict`], where the server's side is a [`cors::PolicyVerdict`].
//! - [`pages`]: page-origin routes and templates, merging [`lab::router`] and [`inspect::router`];
//!   [`layout`]: what every page's `base.html` needs; [`api`]: API-origin routes (the
//!   playground's echo and responder: [`api::playground`]).
//! - [`inspect`]: the inspector's verdicts (the diagnosis applied to recorded exchanges).
//! - [`lab`]: the instructor's scenarios, switch, registry and live events.
//! - [`other_site`]: a third listener, "a site you don't trust", trying every technique
//!   against the learner's session on the API origin.
//! - [`standings`]: the HTML fragment every technique delivers.
//! - [`access_log`]: one log line per request, recorded in [`exchanges`].
//! - [`limits`]: what a client may send before any handler runs (sizes, timeouts, caps).
//! - [`serve`]: the server under both origins (accept loop, connection caps, write deadline, lingering close).
//! - [`log_writer`]: log lines written by a thread of their own, in order, none lost.
//! - [`hosts`]: the `Host` names each origin answers to (421 otherwise);
//!   [`security_headers`]: CSP, framing, nosniff, referrer policy per origin;
//!   [`origin_guard`]: both, as the outermost layer of each origin's stack.
//!
//! Requests flow one way: listener -> router -> (CORS middleware, API
//! origin only) -> handler -> pure core -> template.

pub mod access_log;
pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod cookies;
pub mod cors;
pub mod diagnosis;
pub mod exchanges;
pub(crate) mod fsutil;
pub mod hosts;
pub mod inspect;
pub mod lab;
pub mod layout;
pub mod limits;
pub mod log_writer;
pub mod origin_guard;
pub mod other_site;
pub mod pages;
pub mod race;
pub mod render;
pub mod secret;
pub mod security_headers;
pub mod serve;
pub mod standings;
pub mod state;
pub mod tls;

/// The largest request body either origin accepts; larger ones get 413.
/// The lab's requests carry a few dozen bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
