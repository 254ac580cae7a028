//! The command line of `check`, as clap reads it: plain strings here,
//! checked and turned into a request plan by `plan.rs`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

/// Send what a browser would send to URL, and say what the browser would decide.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Exit status: 0 readable, 1 blocked (or redirected: check the next URL), \
    2 bad usage, network or TLS error. Details: docs/check.md")]
pub struct CheckArgs {
    /// The URL the page's script fetches, e.g. https://localhost:3001/cors/results.
    pub url: String,

    /// The page's origin, sent as `Origin`: e.g. http://localhost:3000, or `null`
    /// for a sandboxed frame.
    #[arg(long)]
    pub origin: String,

    /// The method the script passes (default GET, or POST with --data).
    #[arg(long)]
    pub method: Option<String>,

    /// A header the script sets, `'Name: value'` (repeatable). `Cookie` stands
    /// for the browser's cookie jar and needs --credentials. Authorization and
    /// Cookie values are never printed.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,

    /// The request's Content-Type, as the script sets it.
    #[arg(long)]
    pub content_type: Option<String>,

    /// The request body (a string, as `fetch(url, {body})`).
    #[arg(long)]
    pub data: Option<String>,

    /// Credentials mode `include` (`fetch(url, {credentials: 'include'})`).
    #[arg(long)]
    pub credentials: bool,

    /// Also trust the CA certificates in FILE (PEM).
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    pub cacert: Option<PathBuf>,

    /// Do not verify the server's certificate (said on stderr).
    #[arg(long)]
    pub insecure: bool,

    /// Print the whole report as one JSON object (docs/check.md).
    #[arg(long)]
    pub json: bool,

    /// Seconds to wait for each answer (decimals allowed).
    #[arg(long, default_value = "10", value_parser = parse_timeout)]
    pub timeout: Duration,
}

/// A positive number of seconds, at most an hour.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.trim().parse().map_err(|_| "a number of seconds, e.g. 10 or 0.5".to_owned())?;
    if !(0.001..=3600.0).contains(&seconds) {
        return Err("between 0.001 and 3600 seconds".to_owned());
    }
    Ok(Duration::from_secs_f64(seconds))
}
