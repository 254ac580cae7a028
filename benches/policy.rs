//! Micro-benchmarks of the pure CORS decision: `Policy::decide` with the
//! tutorial's policy, for the requests the API origin sees. Run with
//!
//! ```sh
//! cargo bench --bench policy
//! ```
//!
//! The goal is well under 1 µs per request: the decision must never be
//! what limits the API origin.

use std::hint::black_box;

use criterion::Criterion;
use f1_race_results::app::page_origins;
use f1_race_results::cors::CorsRequest;
use f1_race_results::cors::defaults::tutorial_policy;

const PAGE: &str = "http://localhost:3000";

fn decide(c: &mut Criterion) {
    let Ok(policy) = tutorial_policy(&page_origins("localhost", 3000)) else {
        panic!("the tutorial policy is valid");
    };
    let get = |origin| CorsRequest {
        method: "GET",
        path: "/cors/results",
        origin,
        ..CorsRequest::default()
    };
    let cases = [
        ("actual GET, allowed origin", get(Some(PAGE))),
        (
            "actual GET, refused origin",
            get(Some("https://evil.example")),
        ),
        ("actual GET, no Origin", get(None)),
        (
            "preflight, the tutorial's",
            CorsRequest {
                method: "OPTIONS",
                request_method: Some("POST"),
                request_headers: Some("Origin, Accept, Content-Type"),
                ..get(Some(PAGE))
            },
        ),
        (
            "path not covered (/ajax/results)",
            CorsRequest {
                path: "/ajax/results",
                ..get(Some(PAGE))
            },
        ),
    ];
    let mut group = c.benchmark_group("Policy::decide");
    for (name, request) in &cases {
        group.bench_function(*name, |b| b.iter(|| policy.decide(black_box(request))));
    }
    group.finish();
}

// What `criterion_main!` expands to, written out: its macros generate an
// undocumented `pub fn`, which this crate's lints refuse.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    decide(&mut criterion);
    criterion.final_summary();
}
