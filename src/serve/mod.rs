//! Our own HTTP/1.1 server for both listeners: an accept loop
//! ([`accept`]), caps on open connections ([`conn_limit`]), a deadline on
//! writes nobody reads ([`write_deadline`]) and a lingering close
//! ([`linger`]); hyper serves each connection with the limits of
//! [`crate::limits`].
//!
//! Why not a ready-made server: these four are what a client that pipelines
//! and never reads, or floods us with connections, or sends a head too big,
//! runs into; none of them was reachable through axum-server.

pub mod accept;
pub mod conn_limit;
pub mod linger;
pub mod write_deadline;

use std::time::Duration;

use tokio::sync::watch;

pub use accept::Listener;
pub use conn_limit::{Caps, ConnLimit};

/// The connection limits, as numbers. [`Default`] gives the documented
/// constants of [`crate::limits`]; tests shorten them to stay quick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// Open connections per peer address and in total.
    pub caps: Caps,
    /// How long a write may wait for the client to read.
    pub write_stall: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        Self { caps: Caps::default(), write_stall: crate::limits::WRITE_STALL_TIMEOUT }
    }
}

/// Completes once `stop` says `true`, or once nobody can say it anymore
/// (the app that owned the sender is gone).
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopping| *stopping).await;
}
