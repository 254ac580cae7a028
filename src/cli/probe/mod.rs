//! `f1-race-results probe URL --origin ALLOWED_ORIGIN`: tries, against a
//! server's CORS policy, the origin look-alikes that Corsy and CORScanner
//! try ([`origins`]), each as a simple request and as a preflight
//! ([`judge`]), and reports which were admitted and how bad that is
//! ([`report`]). Exit status: 1 when anything high was found (a look-alike
//! admitted with credentials), 0 otherwise, 2 when the probe could not run.
//!
//! The lab's `#probe-run` button runs the same probes against the API in
//! process ([`run::Transport`]).

pub mod client;
pub mod judge;
pub mod origins;
pub mod report;
pub mod run;

use std::path::PathBuf;
use std::process::ExitCode;

use axum::http::HeaderMap;
use clap::Args;

use judge::Severity;

/// The arguments of `probe`.
#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    /// The resource to probe, e.g. https://localhost:3001/api/v1/users/me
    pub url: String,
    /// The origin the server should allow, e.g. http://localhost:3000
    #[arg(long)]
    pub origin: String,
    /// Also send each simple request with a cookie (a browser's credentials: 'include').
    #[arg(long)]
    pub credentials: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Trust this CA (PEM) besides the system's roots and the app's own certs/ca.pem.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Trust any certificate (the connection is still encrypted).
    #[arg(long, conflicts_with = "cacert")]
    pub insecure: bool,
}

impl run::Transport for client::Client {
    async fn send(&self, method: &'static str, headers: &[(&str, &str)]) -> Result<(u16, HeaderMap), String> {
        client::Client::send(self, method, headers).await
    }
}

/// Runs `probe`.
pub fn run(args: ProbeArgs) -> ExitCode {
    let report = match probe(&args) {
        Ok(report) => report,
        Err(reason) => {
            eprintln!("error: {reason}");
            return ExitCode::from(2);
        }
    };
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: cannot write the report: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", report::text(&report));
    }
    if report.worst() == Severity::High { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn probe(args: &ProbeArgs) -> Result<run::Report, String> {
    let allowed = origins::Allowed::parse(&args.origin).map_err(|e| format!("--origin {:?}: {e}", args.origin))?;
    let client = client::Client::new(&args.url, args.cacert.as_deref(), args.insecure)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(run::run(&client, &args.url, &allowed, args.credentials))
}
