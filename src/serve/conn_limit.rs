//! How many connections one peer address, and everyone together, may hold
//! open at once: a slot is taken when a connection is accepted and given
//! back when its task ends, whatever the origin (both listeners count
//! against the same caps).
//!
//! Over a cap the connection is closed at once, and the refusal is logged
//! as one warning line at most every [`WARN_EVERY`] (a flood must not
//! become a flood of log lines too).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::limits::{MAX_CONNECTIONS, MAX_CONNECTIONS_PER_PEER};

/// The least time between two warnings about refused connections.
pub const WARN_EVERY: Duration = Duration::from_secs(10);

/// The caps; [`Default`] gives the documented ones from `src/limits.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Connections one peer address may hold open.
    pub per_peer: usize,
    /// Connections everyone together may hold open.
    pub total: usize,
}

impl Default for Caps {
    fn default() -> Self {
        Self { per_peer: MAX_CONNECTIONS_PER_PEER, total: MAX_CONNECTIONS }
    }
}

/// The open connections, shared by every listener of the app.
#[derive(Debug, Clone, Default)]
pub struct ConnLimit {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    caps: Caps,
    // std Mutex: counted up and down without any `.await` in between.
    counts: Mutex<Counts>,
    refused_since_warning: AtomicUsize,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_peer: HashMap<IpAddr, usize>,
    last_warning: Option<Instant>,
}

/// One open connection; dropping it frees the slot.
#[derive(Debug)]
pub struct Slot {
    limit: ConnLimit,
    ip: IpAddr,
}

/// Why a connection was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Its address holds [`Caps::per_peer`] connections already.
    PerPeer,
    /// The app holds [`Caps::total`] connections already.
    Total,
}

impl ConnLimit {
    /// No connection open yet, under these caps.
    pub fn new(caps: Caps) -> Self {
        Self { inner: Arc::new(Inner { caps, ..Inner::default() }) }
    }

    /// Takes a slot for a connection from `ip`, or says which cap is full
    /// (and logs it, rate-limited).
    pub fn acquire(&self, ip: IpAddr) -> Result<Slot, Refused> {
        // An IPv4 peer reaching an IPv6 socket is the same peer.
        let ip = ip.to_canonical();
        let mut counts = self.inner.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let held = counts.per_peer.get(&ip).copied().unwrap_or(0);
        let refused = if counts.total >= self.inner.caps.total {
            Some(Refused::Total)
        } else if held >= self.inner.caps.per_peer {
            Some(Refused::PerPeer)
        } else {
            None
        };
        if let Some(why) = refused {
            self.warn(&mut counts, ip, why);
            return Err(why);
        }
        counts.total += 1;
        counts.per_peer.insert(ip, held + 1);
        Ok(Slot { limit: self.clone(), ip })
    }

    /// Connections open now (tests and the log line).
    pub fn open(&self) -> usize {
        self.inner.counts.lock().unwrap_or_else(PoisonError::into_inner).total
    }

    fn warn(&self, counts: &mut Counts, ip: IpAddr, why: Refused) {
        let refused = self.inner.refused_since_warning.fetch_add(1, Ordering::Relaxed) + 1;
        let now = Instant::now();
        if counts.last_warning.is_some_and(|at| now.duration_since(at) < WARN_EVERY) {
            return;
        }
        counts.last_warning = Some(now);
        self.inner.refused_since_warning.store(0, Ordering::Relaxed);
        let caps = self.inner.caps;
        match why {
            Refused::PerPeer => tracing::warn!(
                "refused {refused} connection(s) in the last {}s; latest: {ip} already holds {} (the per-address cap)",
                WARN_EVERY.as_secs(),
                caps.per_peer
            ),
            Refused::Total => tracing::warn!(
                "refused {refused} connection(s) in the last {}s; latest from {ip}: {} are open (the total cap)",
                WARN_EVERY.as_secs(),
                caps.total
            ),
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.limit.inner.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.total = counts.total.saturating_sub(1);
        if let Some(held) = counts.per_peer.get_mut(&self.ip) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                counts.per_peer.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 3));

    #[test]
    fn a_peer_over_its_cap_is_refused_while_another_is_not() {
        let limit = ConnLimit::new(Caps { per_peer: 2, total: 10 });
        let held = [limit.acquire(A), limit.acquire(A)];
        assert!(held.iter().all(Result::is_ok));
        assert_eq!(limit.acquire(A).err(), Some(Refused::PerPeer));
        assert!(limit.acquire(B).is_ok());
        drop(held);
        assert!(limit.acquire(A).is_ok(), "a closed connection frees its slot");
    }

    #[test]
    fn the_total_cap_holds_across_peers_and_frees_on_drop() {
        let limit = ConnLimit::new(Caps { per_peer: 10, total: 2 });
        let a = limit.acquire(A);
        let b = limit.acquire(B);
        assert_eq!(limit.acquire(B).err(), Some(Refused::Total));
        assert_eq!(limit.open(), 2);
        drop((a, b));
        assert_eq!(limit.open(), 0);
    }

    #[test]
    fn a_flood_of_refusals_logs_one_warning_line() {
        use std::sync::{Arc, Mutex, PoisonError};
        #[derive(Clone, Default)]
        struct Lines(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Lines {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let lines = Lines::default();
        let sink = lines.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || sink.clone()).with_ansi(false).finish();
        tracing::subscriber::with_default(subscriber, || {
            let limit = ConnLimit::new(Caps { per_peer: 1, total: 10 });
            let _held = limit.acquire(A);
            for _ in 0..100 {
                assert!(limit.acquire(A).is_err());
            }
        });
        let text = String::from_utf8_lossy(&lines.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("WARN") && text.contains("127.0.0.2"), "{text}");
    }

    #[test]
    fn an_ipv4_mapped_peer_counts_as_its_ipv4_address() {
        let limit = ConnLimit::new(Caps { per_peer: 1, total: 10 });
        let _held = limit.acquire(A);
        let mapped = IpAddr::V6(std::net::Ipv4Addr::new(127, 0, 0, 2).to_ipv6_mapped());
        assert_eq!(limit.acquire(mapped).err(), Some(Refused::PerPeer));
    }
}
