//! Micro-benchmarks of the pure CORS decision: `Policy::decide` with the
//! tutorial's policy, for the requests the API origin sees; then the whole
//! API router in process (no socket, no TLS) with and without the policy,
//! whose difference is what the middleware costs per request. Run with
//!
//! ```sh
//! cargo bench --bench policy
//! ```
//!
//! The goal is well under 1 µs per request: the decision must never be
//! what limits the API origin.

use std::hint::black_box;

use axum::body::Body;
use axum::http::{Request, header};
use criterion::Criterion;
use f1_race_results::api;
use f1_race_results::app::{Assembled, assemble, page_origins};
use f1_race_results::config::Config;
use f1_race_results::cors::CorsRequest;
use f1_race_results::cors::defaults::tutorial_policy;
use f1_race_results::diagnosis::{RequestSpec, diagnose};
use tower::ServiceExt;

const PAGE: &str = "http://localhost:3000";

fn decide(c: &mut Criterion) {
    let Ok(policy) = tutorial_policy(&page_origins("localhost", 3000)) else {
        panic!("the tutorial policy is valid");
    };
    let get = |origin| CorsRequest { method: "GET", path: "/cors/results", origin, ..CorsRequest::default() };
    let cases = [
        ("actual GET, allowed origin", get(Some(PAGE))),
        ("actual GET, refused origin", get(Some("https://evil.example"))),
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
        ("path not covered (/ajax/results)", CorsRequest { path: "/ajax/results", ..get(Some(PAGE)) }),
    ];
    let mut group = c.benchmark_group("Policy::decide");
    for (name, request) in &cases {
        group.bench_function(*name, |b| b.iter(|| policy.decide(black_box(request))));
    }
    group.finish();
}

/// The API router with the shipped policy in force, or with the middleware
/// removed (`--no-cors`); the race is not ticking.
fn api_router(no_cors: bool) -> axum::Router {
    let dir = std::env::temp_dir().join(format!("f1-bench-policy-{}", std::process::id()));
    let mut config = Config::for_tests(dir.join("certs"));
    config.no_cors = no_cors;
    match assemble(&config, 3000, 3001) {
        Ok(Assembled { state, .. }) => api::router(state),
        Err(e) => panic!("the app's state: {e}"),
    }
}

/// The browser model: a simple GET, and a JSON POST with its preflight.
fn diagnosis(c: &mut Criterion) {
    let simple = RequestSpec::get(PAGE, "https://localhost:3001", "/cors/results");
    let json = simple.clone().method("POST").header("Content-Type", "application/json");
    let allow = [("access-control-allow-origin", PAGE), ("vary", "Origin")];
    let preflight = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-methods", "GET, POST"),
        ("access-control-allow-headers", "content-type"),
        ("access-control-max-age", "600"),
    ];
    let mut group = c.benchmark_group("diagnosis::diagnose");
    group.bench_function("simple GET", |b| {
        b.iter(|| diagnose(black_box(&simple), None::<(u16, &[(&str, &str)])>, Some((200, &allow[..]))))
    });
    group.bench_function("JSON POST with its preflight", |b| {
        b.iter(|| diagnose(black_box(&json), Some((204, &preflight[..])), Some((200, &allow[..]))))
    });
    group.finish();
}

fn router(c: &mut Criterion) {
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(e) => panic!("a runtime: {e}"),
    };
    let request = || {
        Request::get("/cors/results")
            .header(header::HOST, "localhost:3001")
            .header(header::ORIGIN, PAGE)
            .body(Body::empty())
    };
    let mut group = c.benchmark_group("api::router in process, GET /cors/results");
    for (name, router) in [("with CORS", api_router(false)), ("without CORS (--no-cors)", api_router(true))] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let Ok(req) = request() else {
                    panic!("a valid request");
                };
                runtime.block_on(router.clone().oneshot(req))
            });
        });
    }
    group.finish();
}

// What `criterion_main!` expands to, written out: its macros generate an
// undocumented `pub fn`, which this crate's lints refuse.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    decide(&mut criterion);
    diagnosis(&mut criterion);
    router(&mut criterion);
    criterion.final_summary();
}
