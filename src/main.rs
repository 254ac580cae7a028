//! Run with `cargo run --release`, then open http://localhost:3000.
//!
//! Thin on purpose: parse the command line, start logging, build the app,
//! print where it listens, and serve until SIGINT or SIGTERM.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::Parser;
use f1_race_results::app::Application;
use f1_race_results::config::Config;
use f1_race_results::log_writer;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // clap prints its own one-line error and exits 2 on a bad flag.
    let mut config = Config::parse();
    if let Some(command) = config.command.take() {
        return f1_race_results::cli::run(command);
    }
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // One line per request: written by a thread of its own, never by the
    // request (src/log_writer.rs). `log` writes what is queued on return.
    let log = match log_writer::spawn(std::io::stderr()) {
        Ok((writer, guard)) => {
            // Colours for a terminal only: a file or a pipe gets plain text.
            let ansi = std::io::stderr().is_terminal();
            tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(writer).init();
            Some(guard)
        }
        Err(e) => {
            eprintln!("warning: logging directly to stderr (cannot start the log thread: {e})");
            tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
            None
        }
    };

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
            // The lines logged before the error come first.
            if let Some(log) = &log {
                log.drain();
            }
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let app = Application::build(config).await.map_err(|e| e.to_string())?;
    let running = app.start().await.map_err(|e| format!("cannot start serving: {e}"))?;
    let shutdown = shutdown_signal();
    say(&format!("page origin: {}", running.page_url()));
    say(&format!("API origin: {}", running.api_url()));
    say(&running.lab_line());
    // After the lab's line, which scripts already read as the third.
    if let Some(line) = running.other_site_line() {
        say(&line);
    }
    if let Some(ca) = running.ca_cert() {
        tracing::info!("browsers trust the API origin once they trust {} (see the README)", ca.display());
    }
    running.run_until_stopped(shutdown).await;
    tracing::info!("stopped");
    Ok(())
}

/// Prints a line on stdout. Whoever reads stdout may have stopped (a
/// process manager, `| head -2`): that must not stop the app, so a failed
/// write is ignored rather than a panic as with `println!`.
fn say(line: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM, which foreman and honcho send.
///
/// The handlers are installed here, before the ready lines are printed: a
/// process manager may signal the app as soon as it has said it is ready,
/// and a signal that arrives before its handler exists would kill the app
/// without a graceful stop.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    #[cfg(unix)]
    let interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
    async move {
        #[cfg(unix)]
        {
            let (mut terminate, mut interrupt) = match (terminate, interrupt) {
                (Ok(t), Ok(i)) => (t, i),
                (Err(e), _) | (_, Err(e)) => {
                    tracing::error!("cannot listen for signals: {e}; stop the app with Ctrl-C");
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
            tokio::select! {
                _ = interrupt.recv() => tracing::info!("Ctrl-C received, stopping"),
                _ = terminate.recv() => tracing::info!("SIGTERM received, stopping"),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("Ctrl-C received, stopping");
        }
    }
}
