//! The API origin's router over plain HTTP, for the row that measures
//! `/cors/results` without TLS.
//!
//! The app only serves the API over HTTPS, so the bench starts itself as a
//! helper process (`bench serve-plain-api`) that serves the very same
//! [`f1_race_results::api::router`] (access log, CORS middleware with the
//! shipped policy, handlers, live race) with axum's own server and the same
//! runtime as the app, minus TLS. A separate process, so the load
//! generator never shares its runtime.

use std::net::SocketAddr;
use std::time::Duration;

use f1_race_results::api;
use f1_race_results::app::{Assembled, assemble};
use f1_race_results::config::Config;
use tokio::net::TcpListener;

/// The helper's ready line, followed by its URL.
pub(crate) const READY: &str = "plain API origin:";

/// Serves until killed. `page_port` is the page origin whose names the
/// policy allows, so the same `Origin` header is granted as by the app.
pub(crate) async fn serve(page_port: u16, seed: u64, lap: Duration) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| format!("cannot listen: {e}"))?;
    let port = listener.local_addr().map_err(|e| format!("cannot listen: {e}"))?.port();
    // The lab's state (a registry file) goes to a directory of its own.
    let data = std::env::temp_dir().join(format!("f1-bench-plain-api-{}", std::process::id()));
    let mut config = Config::for_tests(data.join("certs"));
    config.seed = Some(seed);
    config.lap_seconds = lap;
    let Assembled { state, ticker, stop_tx } = assemble(&config, page_port, port).map_err(|e| e.to_string())?;
    tokio::spawn(ticker.run(lap));
    println!("{READY} http://localhost:{port}");
    axum::serve(listener, api::router(state).into_make_service_with_connect_info::<SocketAddr>())
        .await
        .map_err(|e| format!("serving stopped: {e}"))
}
