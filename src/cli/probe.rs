//! `f1-race-results probe` (being built).

use std::process::ExitCode;

use clap::Args;

/// The arguments of `probe`.
#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {}

/// Runs `probe`.
pub fn run(_args: ProbeArgs) -> ExitCode {
    super::not_built("probe")
}
