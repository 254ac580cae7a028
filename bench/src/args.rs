//! The bench's command line.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Load benchmark of the F1 Race Results app: starts the release binary
/// (built beforehand with `cargo build --release`) on free ports, drives
/// it with keep-alive HTTP/1.1 connections and prints one table.
#[derive(Debug, Parser)]
#[command(name = "bench", about, long_about = None)]
pub(crate) struct Args {
    /// The app binary [default: f1-race-results next to this program].
    #[arg(long)]
    pub(crate) app: Option<PathBuf>,

    /// The bare axum + tower-http server the app's CPU per request is held
    /// to [default: f1-baseline next to this program].
    #[arg(long)]
    pub(crate) baseline: Option<PathBuf>,

    /// nginx, for the floor rows [default: nginx on PATH, or /usr/sbin/nginx].
    #[arg(long)]
    pub(crate) nginx: Option<PathBuf>,

    /// Skip the nginx rows.
    #[arg(long, conflicts_with = "nginx")]
    pub(crate) no_nginx: bool,

    /// Seconds measured per row, summed over the rounds [default: 5; --quick: 0.5].
    #[arg(long, value_parser = seconds)]
    pub(crate) duration: Option<Duration>,

    /// Seconds of warm-up per row and round is half this [default: 1; --quick: 0.2].
    #[arg(long, value_parser = seconds)]
    pub(crate) warmup: Option<Duration>,

    /// Keep-alive connections per row.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) connections: u16,

    /// Rounds: every row gets a slice of its duration in each round, so
    /// noise from other work spreads over all rows [default: 5; --quick: 2].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub(crate) rounds: Option<u32>,

    /// Starts of the app timed against existing certificates [default: 11; --quick: 3].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub(crate) startup_runs: Option<u32>,

    /// A short smoke run (see the defaults above).
    #[arg(long)]
    pub(crate) quick: bool,

    /// Long-lived SSE streams held open on each app instance's page
    /// origin during the load (0 = none).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=5000))]
    pub(crate) sse_clients: u16,

    /// Path of the SSE endpoint on the page origin.
    #[arg(long, default_value = "/events")]
    pub(crate) sse_path: String,
}

/// The resolved plan of a run.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) app: PathBuf,
    pub(crate) baseline: PathBuf,
    pub(crate) duration: Duration,
    pub(crate) warmup: Duration,
    pub(crate) connections: usize,
    pub(crate) rounds: u32,
    pub(crate) startup_runs: u32,
    pub(crate) sse_clients: usize,
    pub(crate) sse_path: String,
}

impl Args {
    /// Fills in the defaults; a missing binary is the one error.
    pub(crate) fn plan(&self) -> Result<Plan, String> {
        let app = binary(self.app.as_ref(), "f1-race-results", "--app")?;
        let baseline = binary(self.baseline.as_ref(), "f1-baseline", "--baseline")?;
        let quick = self.quick;
        let pick = |given: Option<Duration>, full: u64, quick_ms: u64| {
            given.unwrap_or(Duration::from_millis(if quick { quick_ms } else { full }))
        };
        Ok(Plan {
            app,
            baseline,
            duration: pick(self.duration, 5000, 500),
            warmup: pick(self.warmup, 1000, 200),
            connections: usize::from(self.connections),
            rounds: self.rounds.unwrap_or(if quick { 2 } else { 5 }),
            startup_runs: self.startup_runs.unwrap_or(if quick { 3 } else { 11 }),
            sse_clients: usize::from(self.sse_clients),
            sse_path: self.sse_path.clone(),
        })
    }
}

/// `given`, else `package`'s binary next to this program; it must exist.
fn binary(given: Option<&PathBuf>, package: &str, flag: &str) -> Result<PathBuf, String> {
    let path = match given {
        Some(path) => path.clone(),
        None => {
            std::env::current_exe().map_err(|e| format!("cannot locate this program: {e}"))?.with_file_name(package)
        }
    };
    if path.is_file() {
        return Ok(path);
    }
    Err(format!(
        "{} does not exist: build it first: cargo build --release -p f1-race-results -p f1-baseline \
         (or pass {flag} PATH)",
        path.display()
    ))
}

fn seconds(raw: &str) -> Result<Duration, String> {
    let secs: f64 = raw.parse().map_err(|_| "expected seconds, such as 5 or 0.5".to_owned())?;
    if (0.0..=3600.0).contains(&secs) {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err("must be between 0 and 3600 seconds".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_shortens_what_was_not_given() {
        let args =
            Args::try_parse_from(["bench", "--quick", "--duration", "2", "--app", "/bin/sh", "--baseline", "/bin/sh"])
                .expect("valid flags");
        let plan = args.plan().expect("/bin/sh exists");
        assert_eq!(plan.duration, Duration::from_secs(2));
        assert_eq!(plan.warmup, Duration::from_millis(200));
        assert_eq!((plan.rounds, plan.startup_runs, plan.connections), (2, 3, 32));
    }

    #[test]
    fn a_missing_app_is_a_sentence_naming_the_fix() {
        let args = Args::try_parse_from(["bench", "--app", "/nonexistent/f1-race-results"]).expect("valid flags");
        let err = args.plan().expect_err("no such binary");
        assert!(err.contains("build it first: cargo build --release -p f1-race-results -p f1-baseline"), "{err}");
        let args = Args::try_parse_from(["bench", "--app", "/bin/sh", "--baseline", "/nonexistent/b"]).expect("valid");
        assert!(args.plan().expect_err("no baseline").contains("(or pass --baseline PATH)"));
        assert!(Args::try_parse_from(["bench", "--connections", "0"]).is_err());
        assert!(Args::try_parse_from(["bench", "--duration", "-1"]).is_err());
    }
}
