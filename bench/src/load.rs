//! The load generator: N keep-alive connections, each sending the same
//! request back to back (a closed loop), for a warm-up and then a fixed
//! measurement window.
//!
//! A request counts when it was sent after the warm-up and its response
//! was fully read before the window closed; memory is bounded by one
//! histogram per connection, and every request by a timeout.

use std::time::Duration;

use hyper::http::StatusCode;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, sleep_until, timeout_at};

use crate::client::{Connection, Probe, Target};
use crate::histogram::Histogram;
use crate::process::cpu_of;

/// How long a request may outlive the window before it is abandoned.
const STRAGGLER_GRACE: Duration = Duration::from_secs(5);

/// Warm-up, then the measured window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub(crate) warmup: Duration,
    pub(crate) measure: Duration,
}

/// What one run (or several merged) measured.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) requests: u64,
    pub(crate) errors: u64,
    pub(crate) first_error: Option<String>,
    pub(crate) elapsed: Duration,
    pub(crate) latencies: Histogram,
    /// CPU time the server's processes used during the window.
    pub(crate) server_cpu: Duration,
    /// CPU time this process (the load generator) used during the window.
    pub(crate) client_cpu: Duration,
}

impl Outcome {
    pub(crate) fn new() -> Self {
        Self {
            requests: 0,
            errors: 0,
            first_error: None,
            elapsed: Duration::ZERO,
            latencies: Histogram::new(),
            server_cpu: Duration::ZERO,
            client_cpu: Duration::ZERO,
        }
    }

    /// Server CPU time per request, in seconds.
    pub(crate) fn cpu_per_request(&self) -> f64 {
        if self.requests == 0 {
            return 0.0;
        }
        self.server_cpu.as_secs_f64() / self.requests as f64
    }

    /// Requests per second over the measured time.
    pub(crate) fn rps(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { self.requests as f64 / secs } else { 0.0 }
    }

    /// Adds a run made at another time (the window lengths add up).
    pub(crate) fn append(&mut self, other: &Self) {
        self.merge_connection(other);
        self.elapsed += other.elapsed;
        self.server_cpu += other.server_cpu;
        self.client_cpu += other.client_cpu;
    }

    /// Adds a connection that ran during the same window.
    fn merge_connection(&mut self, other: &Self) {
        self.requests += other.requests;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error.clone_from(&other.first_error);
        }
        self.latencies.merge(&other.latencies);
    }

    fn error(&mut self, what: String) {
        self.errors += 1;
        self.first_error.get_or_insert(what);
    }
}

/// Runs `connections` connections against `target` for `window`, and
/// reads the CPU time of the `server` processes as the window opens and
/// closes.
pub(crate) async fn run(
    target: &Target,
    probe: &Probe,
    expect: StatusCode,
    connections: usize,
    window: Window,
    server: &[u32],
) -> Outcome {
    let measure_from = Instant::now() + window.warmup;
    let until = measure_from + window.measure;
    let mut tasks = JoinSet::new();
    for _ in 0..connections {
        let (target, probe) = (target.clone(), probe.clone());
        tasks.spawn(async move { one_connection(&target, &probe, expect, measure_from, until).await });
    }
    let me = [std::process::id()];
    sleep_until(measure_from).await;
    let (server_before, client_before) = (cpu_of(server), cpu_of(&me));
    sleep_until(until).await;
    let server_cpu = cpu_of(server).saturating_sub(server_before);
    let client_cpu = cpu_of(&me).saturating_sub(client_before);
    let mut total = Outcome::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(outcome) => total.merge_connection(&outcome),
            Err(e) => total.error(format!("a connection task failed: {e}")),
        }
    }
    total.elapsed = window.measure;
    total.server_cpu = server_cpu;
    total.client_cpu = client_cpu;
    total
}

async fn one_connection(
    target: &Target,
    probe: &Probe,
    expect: StatusCode,
    measure_from: Instant,
    until: Instant,
) -> Outcome {
    let mut out = Outcome::new();
    let deadline = until + STRAGGLER_GRACE;
    while Instant::now() < until {
        let mut conn = match timeout_at(deadline, Connection::open(target)).await {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => {
                if Instant::now() >= measure_from {
                    out.error(format!("connect: {e}"));
                }
                sleep(Duration::from_millis(10)).await;
                continue;
            }
            Err(_) => {
                out.error("connect: timed out".to_owned());
                break;
            }
        };
        // Keep-alive: the same connection until the window closes, or
        // until the server closes it (then reconnect).
        loop {
            let sent = Instant::now();
            if sent >= until {
                return out;
            }
            let result = timeout_at(deadline, conn.send(probe, &target.host)).await;
            let done = Instant::now();
            let counted = sent >= measure_from && done <= until;
            match result {
                Ok(Ok(reply)) if reply.status == expect => {
                    if counted {
                        out.requests += 1;
                        out.latencies.record(done - sent);
                    }
                }
                Ok(Ok(reply)) => {
                    if counted {
                        out.error(format!("status {} (expected {expect})", reply.status));
                    }
                }
                Ok(Err(e)) => {
                    if sent >= measure_from {
                        out.error(e);
                    }
                    break;
                }
                Err(_) => {
                    out.error("request timed out".to_owned());
                    return out;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_runs_add_their_windows() {
        let mut a = Outcome::new();
        a.requests = 100;
        a.elapsed = Duration::from_secs(1);
        let mut b = Outcome::new();
        b.requests = 300;
        b.errors = 1;
        b.first_error = Some("status 500".to_owned());
        b.elapsed = Duration::from_secs(1);
        b.server_cpu = Duration::from_millis(40);
        a.append(&b);
        assert!((a.cpu_per_request() - 0.0001).abs() < 1e-12);
        assert_eq!(a.requests, 400);
        assert_eq!(a.errors, 1);
        assert_eq!(a.first_error.as_deref(), Some("status 500"));
        assert!((a.rps() - 200.0).abs() < 1e-9);
        assert_eq!(Outcome::new().rps(), 0.0);
    }
}
