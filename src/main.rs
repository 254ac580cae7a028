//! Run with `cargo run --release`, then open http://localhost:3000.
//!
//! Thin on purpose: parse the command line, start logging, build the app,
//! print where it listens, and serve until SIGINT or SIGTERM.

use std::process::ExitCode;

use clap::Parser;
use f1_race_results::app::Application;
use f1_race_results::config::Config;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // clap prints its own one-line error and exits 2 on a bad flag.
    let config = Config::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let app = Application::build(config).await.map_err(|e| e.to_string())?;
    let running = app.start().await.map_err(|e| format!("cannot start serving: {e}"))?;
    println!("page origin: {}", running.page_url());
    println!("API origin: {}", running.api_url());
    println!(
        "instructor lab: {}/lab (from another machine: {}/lab?token={})",
        running.page_url(),
        running.page_url(),
        running.lab_token()
    );
    if let Some(ca) = running.ca_cert() {
        tracing::info!("browsers trust the API origin once they trust {} (see the README)", ca.display());
    }
    running.run_until_stopped(shutdown_signal()).await;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM, which foreman and honcho send.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received, stopping"),
        () = terminate => tracing::info!("SIGTERM received, stopping"),
    }
}
