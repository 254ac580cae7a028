//! `f1-race-results export` (being built).

use std::process::ExitCode;

use clap::Args;

/// The arguments of `export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {}

/// Runs `export`.
pub fn run(_args: ExportArgs) -> ExitCode {
    super::not_built("export")
}
