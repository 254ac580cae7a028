//! A bounded record of recent exchanges (request + response), so the
//! server can show what went over the wire: preflights included, credentials
//! as "present or not", never their values.
//!
//! Recording is a short critical section on a ring buffer; nothing is
//! formatted or allocated beyond the fields kept.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::access_log::Listener;

/// How many exchanges are kept.
pub const CAPACITY: usize = 2_000;

/// One request and what was answered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exchange {
    /// Increasing number, unique for this run.
    pub id: u64,
    /// `page` or `api`.
    pub listener: &'static str,
    /// Request method.
    pub method: String,
    /// Path (bounded), without the query.
    pub path: String,
    /// `Origin`, if sent (bounded).
    pub origin: Option<String>,
    /// `Access-Control-Request-Method`, on preflights.
    pub request_method: Option<String>,
    /// `Access-Control-Request-Headers`, on preflights.
    pub request_headers: Option<String>,
    /// `Sec-Fetch-Mode`, `Sec-Fetch-Site`, `Sec-Fetch-Dest`.
    pub sec_fetch: [Option<String>; 3],
    /// Whether a Cookie or Authorization header came along (never their values).
    pub credentials: bool,
    /// Response status.
    pub status: u16,
    /// What the CORS middleware decided (`off`, `granted`, `refused:origin`, ...).
    pub cors: &'static str,
    /// Every `Access-Control-*` and `Vary` response header, in order.
    pub response_headers: Vec<(String, String)>,
}

/// The shared ring of recent exchanges.
#[derive(Debug, Clone, Default)]
pub struct ExchangeLog {
    // std Mutex: held only to push or copy out, never across an `.await`.
    ring: Arc<Mutex<VecDeque<Arc<Exchange>>>>,
    next_id: Arc<AtomicU64>,
}

impl ExchangeLog {
    /// A new, empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next id to give an exchange.
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Records an exchange, dropping the oldest beyond [`CAPACITY`].
    pub fn record(&self, exchange: Exchange) -> Arc<Exchange> {
        let exchange = Arc::new(exchange);
        let mut ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        if ring.len() == CAPACITY {
            ring.pop_front();
        }
        ring.push_back(Arc::clone(&exchange));
        exchange
    }

    /// The exchanges recorded, oldest first.
    pub fn recent(&self) -> Vec<Arc<Exchange>> {
        self.ring.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }

    /// Exchanges on a listener whose path starts with `prefix`.
    pub fn matching(&self, listener: Listener, prefix: &str) -> Vec<Arc<Exchange>> {
        self.recent().into_iter().filter(|e| e.listener == listener.as_str() && e.path.starts_with(prefix)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(log: &ExchangeLog) -> Exchange {
        Exchange {
            id: log.next_id(),
            listener: "api",
            method: "GET".into(),
            path: "/cors/results".into(),
            origin: None,
            request_method: None,
            request_headers: None,
            sec_fetch: [None, None, None],
            credentials: false,
            status: 200,
            cors: "n/a",
            response_headers: Vec::new(),
        }
    }

    #[test]
    fn the_ring_keeps_the_most_recent_exchanges() {
        let log = ExchangeLog::new();
        for _ in 0..CAPACITY + 5 {
            log.record(exchange(&log));
        }
        let recent = log.recent();
        assert_eq!(recent.len(), CAPACITY);
        assert_eq!(recent.first().map(|e| e.id), Some(6));
        assert_eq!(recent.last().map(|e| e.id), Some(CAPACITY as u64 + 5));
    }
}
