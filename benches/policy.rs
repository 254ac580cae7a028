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
use std::sync::Arc;

use arc_swap::ArcSwapOption;
use axum::body::Body;
use axum::http::{Request, header};
use criterion::Criterion;
use f1_race_results::app::page_origins;
use f1_race_results::cors::defaults::tutorial_policy;
use f1_race_results::cors::{CorsRequest, Origin, Policy};
use f1_race_results::state::{AppState, Urls};
use f1_race_results::{api, race};
use tower::ServiceExt;

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

/// The API router with the policy in force, or with the middleware
/// switched off (`--no-cors`); the race is not ticking.
fn api_router(policy: Option<Policy>) -> axum::Router {
    let origin = |scheme, port| match Origin::from_parts(scheme, "localhost", port) {
        Ok(origin) => origin,
        Err(e) => panic!("a valid origin: {e}"),
    };
    let (live, _ticker) = race::live::start(2014);
    api::router(AppState {
        race: live,
        policy: Arc::new(ArcSwapOption::new(policy.map(Arc::new))),
        urls: Arc::new(Urls {
            page_origin: origin("http", 3000),
            api_origin: origin("https", 3001),
            api_port: 3001,
        }),
    })
}

fn router(c: &mut Criterion) {
    let Ok(policy) = tutorial_policy(&page_origins("localhost", 3000)) else {
        panic!("the tutorial policy is valid");
    };
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
    for (name, router) in [
        ("with CORS", api_router(Some(policy))),
        ("without CORS (--no-cors)", api_router(None)),
    ] {
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
    router(&mut criterion);
    criterion.final_summary();
}
