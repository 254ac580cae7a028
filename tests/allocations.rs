//! What the CORS middleware allocates: nothing, for a granted request from
//! an origin the policy names (the usual case). Its header values are the
//! policy's own, shared by reference count (see `cors::layer`); this test
//! fails if a change makes it copy them, or allocate anything else, per
//! request (copying the allowed origin again made two more allocations per
//! request when tried).
//!
//! A test binary of its own, because it counts every allocation of the
//! process through a global allocator: nothing else may run beside it.

use std::alloc::System;

use axum::body::Body;
use axum::http::{HeaderValue, Request, header};
use f1_race_results::api;
use f1_race_results::app::{Assembled, assemble};
use f1_race_results::config::Config;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tower::ServiceExt;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The API's router, as the app serves it, with or without `--no-cors`.
fn router(no_cors: bool, dir: &std::path::Path) -> axum::Router {
    let mut config = Config::for_tests(dir.join(if no_cors { "off" } else { "on" }));
    config.no_cors = no_cors;
    match assemble(&config, 3000, 3001) {
        Ok(Assembled { state, .. }) => api::router(state),
        Err(e) => panic!("the app's state: {e}"),
    }
}

fn get(origin: &'static str) -> Request<Body> {
    Request::get("/cors/results")
        .header(header::HOST, "localhost:3001")
        .header(header::ORIGIN, HeaderValue::from_static(origin))
        .body(Body::empty())
        .expect("a valid request")
}

/// Sends `n` `GET /cors/results` from `origin` and returns how many
/// allocations (and reallocations) they made; then one more, outside the
/// count, for its `Access-Control-Allow-Origin`.
fn allocations(router: &axum::Router, origin: &'static str, n: usize) -> (usize, Option<String>) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    let region = Region::new(GLOBAL);
    for _ in 0..n {
        let response = runtime.block_on(router.clone().oneshot(get(origin))).expect("infallible");
        assert_eq!(response.status(), 200);
    }
    let change = region.change();
    let response = runtime.block_on(router.clone().oneshot(get(origin))).expect("infallible");
    let allow_origin =
        response.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).map(|v| v.to_str().unwrap_or("?").to_owned());
    (change.allocations + change.reallocations, allow_origin)
}

#[test]
fn a_granted_request_allocates_no_more_with_cors_than_without() {
    const PAGE: &str = "http://localhost:3000";
    let dir = tempfile::tempdir().expect("a temp dir");
    let (with, without) = (router(false, dir.path()), router(true, dir.path()));
    // Warm up alike: the first clone of a policy text makes it shared (a one-time allocation).
    let _ = allocations(&with, PAGE, 8);
    let _ = allocations(&without, PAGE, 8);
    let (on, allowed) = allocations(&with, PAGE, 100);
    let (off, not_sent) = allocations(&without, PAGE, 100);
    assert_eq!(allowed.as_deref(), Some(PAGE), "the policy grants the page origin");
    assert_eq!(not_sent, None, "--no-cors sends no CORS header");
    assert!(off > 0, "the counting allocator counts");
    assert_eq!(on, off, "100 granted requests allocated {on} times with CORS, {off} without");
}
