//! The API origin's router over plain HTTP, for the row that measures
//! `/cors/results` without TLS.
//!
//! The app only serves the API over HTTPS, so the bench starts itself as a
//! helper process (`bench serve-plain-api`) that serves the very same
//! [`f1_race_results::api::router`] (access log, CORS middleware with the
//! shipped policy, handlers, live race) with the same server
//! ([`f1_race_results::serve`]) and runtime as the app, minus TLS. A
//! separate process, so the load generator never shares its runtime.

use std::net::TcpListener;
use std::time::Duration;

use f1_race_results::api;
use f1_race_results::app::{Assembled, assemble};
use f1_race_results::config::Config;
use f1_race_results::serve::{ConnLimit, Listener, Tuning};

/// The helper's ready line, followed by its URL.
pub(crate) const READY: &str = "plain API origin:";

/// Serves until killed. `page_port` is the page origin whose names the
/// policy allows, so the same `Origin` header is granted as by the app.
pub(crate) async fn serve(page_port: u16, seed: u64, lap: Duration) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| format!("cannot listen: {e}"))?;
    let port = listener.local_addr().map_err(|e| format!("cannot listen: {e}"))?.port();
    // The lab's state (a registry file) goes to a directory of its own.
    let data = std::env::temp_dir().join(format!("f1-bench-plain-api-{}", std::process::id()));
    let mut config = Config::for_tests(data.join("certs"));
    config.seed = Some(seed);
    config.lap_seconds = lap;
    let Assembled { state, ticker, stop_tx } = assemble(&config, page_port, port).map_err(|e| e.to_string())?;
    tokio::spawn(ticker.run(lap));
    let tuning = Tuning::default();
    let server = Listener::new(listener, None, api::router(state), ConnLimit::new(tuning.caps), tuning)
        .map_err(|e| format!("cannot serve: {e}"))?;
    println!("{READY} http://localhost:{port}");
    // `stop_tx` lives as long as this call: nothing stops the helper but a kill.
    server.serve(stop_tx.subscribe(), Duration::ZERO).await;
    drop(stop_tx);
    Err("serving stopped".to_owned())
}
