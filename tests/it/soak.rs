//! The long load run, not part of `cargo test` (it is `#[ignore]`d):
//!
//! ```sh
//! cargo test --release --test it -- --ignored soak --nocapture
//! F1_SOAK_SECONDS=20 cargo test --release --test it -- --ignored soak --nocapture
//! ```
//!
//! The real binary on free loopback ports; 256 keep-alive TLS connections
//! at full speed against `/cors/results` (GET and preflight, from the page
//! origin), 500 open event streams, and the lab switching between two
//! scenarios 100 times a second through `/lab/scenario` with the CSRF token
//! scraped from `/lab`. Every answer must carry one whole setup's CORS
//! headers, nothing may fail but the one 429 asked for, no panic may be
//! logged, and the server's resident memory must stay flat.

mod clients;
mod load;

use std::fmt;
use std::time::Duration;

/// Reads a positive number from the environment, or the default.
fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a long load run: cargo test --release --test it -- --ignored soak"]
async fn soak() {
    let setup = Setup {
        seconds: setting("F1_SOAK_SECONDS", 60),
        connections: setting("F1_SOAK_CONNECTIONS", 256) as usize,
        streams: setting("F1_SOAK_STREAMS", 500) as usize,
        switches_per_second: setting("F1_SOAK_SWITCHES_PER_SECOND", 100),
    };
    let figures = load::run(&setup).await;
    println!("{figures}");
    assert_eq!(figures.errors, Vec::<String>::new(), "errors");
    assert_eq!(figures.mixed, 0, "answers mixing two setups");
    assert_eq!(figures.intended_429, 1, "the one stream over the cap");
    assert!(figures.panics == 0, "panics in the log");
    assert_eq!(figures.exit_code, Some(0));
    assert!(figures.streams_open_at_end >= setup.streams, "event streams dropped: {}", figures.streams_open_at_end);
    assert!(figures.switches as f64 >= 0.8 * (setup.seconds * setup.switches_per_second) as f64, "too few switches");
    // Flat: after the first quarter (buffers and caches warm), at most a
    // quarter more plus 16 MiB by the end.
    let (warm, last) = (figures.rss_warm_kib, figures.rss_last_kib);
    assert!(last <= warm + warm / 4 + 16 * 1024, "RSS grew from {warm} KiB to {last} KiB");
    assert!(figures.elapsed < Duration::from_secs(setup.seconds + 30));
}

/// What to run.
pub struct Setup {
    pub seconds: u64,
    pub connections: usize,
    pub streams: usize,
    pub switches_per_second: u64,
}

/// What came out.
#[derive(Debug, Default)]
pub struct Figures {
    pub elapsed: Duration,
    pub requests: u64,
    pub switches: u64,
    pub events: u64,
    pub errors: Vec<String>,
    pub mixed: u64,
    pub intended_429: u64,
    pub panics: usize,
    pub exit_code: Option<i32>,
    pub streams_open_at_end: usize,
    pub latencies_us: Vec<u32>,
    pub rss_kib: Vec<u64>,
    pub rss_warm_kib: u64,
    pub rss_last_kib: u64,
}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lat = self.latencies_us.clone();
        lat.sort_unstable();
        let pct = |p: f64| lat.get(((lat.len() as f64 - 1.0) * p) as usize).copied().unwrap_or(0);
        let secs = self.elapsed.as_secs_f64();
        writeln!(f, "soak: {secs:.1} s")?;
        writeln!(
            f,
            "  requests: {} ({:.0}/s), switches: {}, events received: {}",
            self.requests,
            self.requests as f64 / secs,
            self.switches,
            self.events
        )?;
        writeln!(
            f,
            "  latency: p50 {} us, p99 {} us, max {} us",
            pct(0.5),
            pct(0.99),
            lat.last().copied().unwrap_or(0)
        )?;
        writeln!(
            f,
            "  errors: {:?}, mixed setups: {}, intended 429: {}, panics: {}",
            self.errors, self.mixed, self.intended_429, self.panics
        )?;
        writeln!(f, "  event streams open at the end: {}, exit code: {:?}", self.streams_open_at_end, self.exit_code)?;
        let max = self.rss_kib.iter().max().copied().unwrap_or(0);
        write!(
            f,
            "  RSS KiB: after warm-up {}, last {}, max {}, samples {:?}",
            self.rss_warm_kib, self.rss_last_kib, max, self.rss_kib
        )
    }
}
