//! `f1-race-results export`: the policy in force (the shipped one, a file,
//! or a lab scenario's) printed as configuration for a real stack:
//! Rack::Cors, tower-http's `CorsLayer`, nginx, or Express with `cors`.
//!
//! Each target gets a file of its own under `export/`; what a target cannot
//! say is written as a comment at the place where it differs, never left
//! out silently. The tests run every output in the real stack
//! (`tests/it/export/`), and `docs/export.md` lists what each one does
//! differently from the app.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

mod express;
mod nginx;
mod rack_cors;
mod routes;
mod source;
mod tower_http;

pub use source::{Export, load};

/// The arguments of `export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The stack to write configuration for.
    #[arg(long, value_enum)]
    pub format: Format,
    /// A policy file to export instead of the shipped policy.
    #[arg(long, conflicts_with = "scenario")]
    pub policy: Option<PathBuf>,
    /// A lab scenario to export (its policy; its other quirks become comments).
    #[arg(long)]
    pub scenario: Option<String>,
    /// The host name `@page` stands for (as the app's `--host`).
    #[arg(long, env = "F1_HOST", default_value = "localhost")]
    pub host: String,
    /// The page origin's port `@page` stands for (as the app's `--page-port`).
    #[arg(long, env = "F1_PAGE_PORT", default_value_t = 3000)]
    pub page_port: u16,
    /// The API origin's port (`@api` in a scenario, as the app's `--api-port`).
    #[arg(long, env = "F1_API_PORT", default_value_t = 3001)]
    pub api_port: u16,
}

/// A target stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A `config.ru` with a `Rack::Cors` block (run it with `rackup`).
    RackCors,
    /// Rust: one tower-http `CorsLayer` per resource, and the axum routes that apply them.
    TowerHttp,
    /// An nginx `map` per allow block and a `location` per resource.
    Nginx,
    /// A Node.js module applying Express's `cors` middleware per resource.
    Express,
}

/// Runs `export`: the configuration on stdout, exit 0; a policy or
/// scenario that cannot be read gets one sentence on stderr, exit 2.
pub fn run(args: ExportArgs) -> ExitCode {
    match load(&args) {
        Ok(export) => {
            print!("{}", render(args.format, &export));
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The configuration for `format`.
pub fn render(format: Format, export: &Export) -> String {
    match format {
        Format::RackCors => rack_cors::render(export),
        Format::TowerHttp => tower_http::render(export),
        Format::Nginx => nginx::render(export),
        Format::Express => express::render(export),
    }
}

#[cfg(test)]
mod tests;
