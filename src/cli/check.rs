//! `f1-race-results check URL --origin ORIGIN`: sends what a browser would
//! send (the preflight first when a browser sends one, the actual request
//! only if a browser would), and says what the browser would decide, with
//! the inspector's model (`src/diagnosis/`). docs/check.md has the details.
//!
//! - `args.rs`: the command line; `plan.rs`: the requests a browser would send (pure);
//! - `cli::http` (shared with `probe`): the URL and origin, whom TLS trusts, one HTTP/1.1 exchange;
//! - `report.rs`, `browsers.rs`, `warnings.rs`, `redirect.rs`: what it
//!   means (pure); `text.rs`: the report for a terminal (`--json` prints
//!   the report itself).
//!
//! Exit status: 0 readable, 1 blocked or redirected, 2 usage, network or
//! TLS error (one sentence on stderr).

mod args;
mod browsers;
mod plan;
mod redirect;
mod report;
#[cfg(test)]
mod tests;
mod text;
mod warnings;

use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::http::{client, roots};
pub use args::CheckArgs;
use plan::Plan;
use report::Report;

/// Runs `check` to its end.
pub fn run(args: CheckArgs) -> ExitCode {
    match check(&args) {
        Ok(report) => {
            let printed = if args.json {
                serde_json::to_string_pretty(&report).map(|json| json + "\n").unwrap_or_default()
            } else {
                text::render(&report)
            };
            print!("{printed}");
            ExitCode::from(report.exit_code())
        }
        Err(sentence) => {
            eprintln!("error: {sentence}");
            ExitCode::from(2)
        }
    }
}

/// The plan, the exchanges, the report; or why not, in one sentence.
fn check(args: &CheckArgs) -> Result<Report, String> {
    let plan = Plan::new(args)?;
    let tls = if plan.target.tls {
        if args.insecure {
            eprintln!(
                "warning: --insecure: the server's certificate is not checked; a browser refuses a certificate \
                 it does not trust before any CORS rule is read"
            );
        }
        Some(Arc::new(roots::client_config(args.cacert.as_deref(), args.insecure)?))
    } else {
        None
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(exchanges(&plan, tls.as_ref(), args.timeout))
}

/// Sends the preflight (if any), then the actual request if the preflight allows it.
async fn exchanges(
    plan: &Plan,
    tls: Option<&Arc<rustls::ClientConfig>>,
    timeout: std::time::Duration,
) -> Result<Report, String> {
    let preflight = match &plan.preflight {
        Some(wire) => Some(client::send(tls, &plan.target, wire, timeout).await?),
        None => None,
    };
    let allowed = preflight.as_ref().is_none_or(|answer| {
        crate::diagnosis::check_preflight_response(&plan.spec, answer.status, &answer.headers).is_ok()
    });
    let actual = if allowed { Some(client::send(tls, &plan.target, &plan.actual, timeout).await?) } else { None };
    Ok(Report::new(plan, preflight.as_ref(), actual.as_ref()))
}
