//! `f1-race-results trust` and `untrust` (being built).

use std::process::ExitCode;

use clap::Args;

/// The arguments of `trust` and `untrust`.
#[derive(Debug, Clone, Args)]
pub struct TrustArgs {}

/// Whether to add the CA or remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `trust`: add the app's CA.
    Trust,
    /// `untrust`: remove what `trust` added.
    Untrust,
}

/// Runs `trust` or `untrust`.
pub fn run(_args: TrustArgs, direction: Direction) -> ExitCode {
    super::not_built(if direction == Direction::Trust { "trust" } else { "untrust" })
}
