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

mod load;

use std::time::Duration;

use load::{Figures, Setup};

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
    let figures: Figures = load::run(&setup).await;
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
