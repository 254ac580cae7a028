//! Runs N requests through the API router in process, with the shipped CORS
//! policy or with the middleware removed, for an instruction count under
//! valgrind (deterministic, unlike seconds on a shared machine):
//!
//! ```sh
//! bench/instructions.sh          # both variants, and the ratio
//! ```

use axum::body::Body;
use axum::http::{HeaderValue, Request, header};
use f1_race_results::api;
use f1_race_results::app::{Assembled, assemble};
use f1_race_results::config::Config;
use tower::ServiceExt;

fn main() {
    let mut args = std::env::args().skip(1);
    // `cors`, `no-cors` (the middleware switched off, as `--no-cors` does),
    // or `bare` (no CORS layer mounted at all).
    let mode = args.next().unwrap_or_default();
    let no_cors = mode != "cors";
    let n: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("f1-instructions-{}", std::process::id()));
    let mut config = Config::for_tests(dir.join("certs"));
    config.no_cors = no_cors;
    let router = match assemble(&config, 3000, 3001) {
        Ok(Assembled { state, .. }) if mode == "bare" => api::router_without_cors_layer(state),
        Ok(Assembled { state, .. }) => api::router(state),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start a runtime: {e}");
            std::process::exit(1);
        }
    };
    let mut ok = 0u32;
    for _ in 0..n {
        let request = Request::get("/cors/results")
            .header(header::HOST, "localhost:3001")
            // Shared, as hyper's parsed header values are (slices of the
            // read buffer), so cloning it costs what it costs in the server.
            .header(header::ORIGIN, HeaderValue::from_static("http://localhost:3000"))
            .body(Body::empty());
        let Ok(request) = request else { continue };
        if runtime.block_on(router.clone().oneshot(request)).is_ok_and(|r| r.status().is_success()) {
            ok += 1;
        }
    }
    println!("{ok} of {n} requests answered 200 ({mode})");
}
