//! The subcommands that carry the lab's knowledge to a developer's own
//! server and machine: `check`, `trust`/`untrust`, `export` and `probe`.
//! Without a subcommand the binary serves the lab (`src/main.rs`).
//!
//! Each subcommand lives in a file of its own, with its clap arguments and
//! a `run` that returns the process's exit status; none of them starts the
//! lab's listeners.

use std::process::ExitCode;

use clap::Subcommand;

pub mod check;
pub mod export;
pub(crate) mod http;
pub mod probe;
pub mod trust;

/// What the binary was asked to do instead of serving the lab.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Send what a browser would send to URL, and say what the browser would decide.
    Check(check::CheckArgs),
    /// Trust the app's local CA in this user's browsers (like `mkcert -install`).
    Trust(trust::TrustArgs),
    /// Remove exactly what `trust` added.
    Untrust(trust::TrustArgs),
    /// Print a CORS policy as configuration for Rack::Cors, tower-http, nginx or Express.
    Export(export::ExportArgs),
    /// Try the origin look-alikes attackers try against URL's CORS policy.
    Probe(probe::ProbeArgs),
}

/// Runs one subcommand to its end.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Check(args) => check::run(args),
        Command::Trust(args) => trust::run(args, trust::Direction::Trust),
        Command::Untrust(args) => trust::run(args, trust::Direction::Untrust),
        Command::Export(args) => export::run(args),
        Command::Probe(args) => probe::run(args),
    }
}
