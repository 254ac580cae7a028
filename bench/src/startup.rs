//! Startup time: from spawning the app to both ready lines, against the
//! certificates the run already created (the everyday case), and the floor
//! of starting any process from this binary: `f1-race-results --version`.

use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;
use tokio::time::Instant;

use crate::args::Plan;
use crate::lab::{APP_READY, Lab, app_args};
use crate::process::Stdout;

/// Both series, in the order measured.
pub(crate) struct Startup {
    pub(crate) ready: Vec<Duration>,
    pub(crate) exec: Vec<Duration>,
}

pub(crate) async fn measure(lab: &Lab, plan: &Plan) -> Result<Startup, String> {
    eprintln!("  timing {} starts of the app", plan.startup_runs);
    let mut ready = Vec::new();
    let mut exec = Vec::new();
    for run in 0..plan.startup_runs {
        let app = lab
            .launcher
            .start(&plan.app, &format!("startup-{run}"), &app_args(&lab.certs), &APP_READY, Stdout::Pipe)
            .await?;
        ready.push(app.startup);
        app.stop().await;

        let started = Instant::now();
        let status = Command::new(&plan.app)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .map_err(|e| format!("cannot run {} --version: {e}", plan.app.display()))?;
        exec.push(started.elapsed());
        if !status.success() {
            return Err(format!("{} --version failed ({status})", plan.app.display()));
        }
    }
    Ok(Startup { ready, exec })
}

/// Median, minimum and maximum; `None` when empty.
pub(crate) fn summary(samples: &[Duration]) -> Option<[Duration; 3]> {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let n = sorted.len();
    let median = match n {
        0 => return None,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    };
    Some([median, sorted[0], sorted[n - 1]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_min_max() {
        let ms = Duration::from_millis;
        assert_eq!(summary(&[]), None);
        assert_eq!(summary(&[ms(5), ms(1), ms(3)]), Some([ms(3), ms(1), ms(5)]));
        assert_eq!(summary(&[ms(4), ms(1), ms(2), ms(9)]), Some([ms(3), ms(1), ms(9)]));
    }
}
