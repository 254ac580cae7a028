//! `f1-race-results check` (being built).

use std::process::ExitCode;

use clap::Args;

/// The arguments of `check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {}

/// Runs `check`.
pub fn run(_args: CheckArgs) -> ExitCode {
    super::not_built("check")
}
