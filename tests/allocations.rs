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
use axum::http::{HeaderMap, HeaderValue, Request, header};
use f1_race_results::api;
use f1_race_results::app::{Assembled, assemble};
use f1_race_results::config::Config;
use f1_race_results::exchanges::{CAPACITY, Exchange, ExchangeLog, RequestParts};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tower::ServiceExt;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The count is of the whole process: one test at a time.
fn alone() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

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
    let _alone = alone();
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

/// A browser's `GET /cors/results` from the lab page: what the access log
/// records besides the Origin (the three `Sec-Fetch-*`, the tab).
fn browser_get() -> Request<Body> {
    Request::get("/cors/results?tab=ab12")
        .header(header::HOST, "localhost:3001")
        .header(header::ORIGIN, HeaderValue::from_static("http://localhost:3000"))
        .header("sec-fetch-mode", "cors")
        .header("sec-fetch-site", "same-site")
        .header("sec-fetch-dest", "empty")
        .body(Body::empty())
        .expect("a valid request")
}

#[test]
fn a_granted_request_allocates_at_most_a_bound() {
    let _alone = alone();
    let dir = tempfile::tempdir().expect("a temp dir");
    let with = router(false, dir.path());
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    let send = |n: usize| {
        for _ in 0..n {
            let response = runtime.block_on(with.clone().oneshot(browser_get())).expect("infallible");
            assert_eq!(response.status(), 200);
        }
    };
    send(8);
    let region = Region::new(GLOBAL);
    send(100);
    let change = region.change();
    let per_request = (change.allocations + change.reallocations) as f64 / 100.0;
    eprintln!("allocations per granted request: {per_request}");
    // 44 when the record held each text in a String of its own (method,
    // path, Origin, tab, three Sec-Fetch-*: one each, and the Arc); 36 with
    // them in one inline buffer. A new allocation per request fails here.
    assert!(per_request <= MAX_PER_REQUEST, "{per_request} allocations per granted request");
}

/// What a browser's granted `GET /cors/results` may allocate, all layers
/// and the handler's JSON together (36 when measured).
const MAX_PER_REQUEST: f64 = 37.0;

/// Recording an exchange into a full ring: one allocation (the record's
/// `Arc`, texts and headers inline in it) and one free (the oldest).
#[test]
fn recording_an_exchange_is_one_allocation() {
    let _alone = alone();
    let log = ExchangeLog::new();
    let mut headers = HeaderMap::new();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("http://localhost:3000"));
    let parts = RequestParts {
        tab: Some("ab12cd34"),
        method: "OPTIONS",
        path: "/api/v1/users/session",
        origin: Some(b"http://localhost:3000"),
        request_method: Some(b"POST"),
        request_headers: Some(b"content-type, x-requested-with"),
        sec_fetch: [Some(b"cors".as_slice()), Some(b"same-site"), Some(b"empty")],
    };
    let record = || {
        let mut e = Exchange::new(log.next_id(), "api", &parts, true);
        e.status = 204;
        e.response_headers = Exchange::record_headers(&headers);
        drop(log.record(e));
    };
    for _ in 0..CAPACITY + 10 {
        record();
    }
    let region = Region::new(GLOBAL);
    for _ in 0..100 {
        record();
    }
    let change = region.change();
    assert_eq!(change.allocations + change.reallocations, 100, "allocations for 100 records");
    assert_eq!(change.deallocations, 100, "frees for 100 records");
}
