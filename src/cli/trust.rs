//! `f1-race-results trust` and `untrust`, like `mkcert -install`: the app's
//! CA (`ca.pem` in `--certs-dir`, created first if needed) into this user's
//! NSS database (what Chromium on Linux reads), every Firefox profile under
//! the home directory, and the system store where the rights allow it (the
//! exact command otherwise). `untrust` removes only a certificate with the
//! CA's nickname whose bytes are this `ca.pem`'s: nothing else.
//!
//! - `trust/nss.rs`: one NSS database through `certutil`;
//! - `trust/places.rs`: where the databases are (Chromium's, Firefox profiles);
//! - `trust/system.rs`: the system store, or the command to run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

mod nss;
mod places;
mod system;

/// The arguments of `trust` and `untrust`.
#[derive(Debug, Clone, Args)]
pub struct TrustArgs {
    /// Where the CA lives (as the app's --certs-dir).
    #[arg(long, env = "F1_CERTS_DIR", default_value = crate::config::DEFAULT_CERTS_DIR)]
    pub certs_dir: PathBuf,
    /// The host name the CA must be able to vouch for when `trust` creates
    /// it (as the app's --host; later starts with another --host make a new CA).
    #[arg(long, env = "F1_HOST", default_value = "localhost")]
    pub host: String,
    /// Leave the system store alone (browsers' NSS databases only).
    #[arg(long)]
    pub no_system: bool,
}

/// Whether to add the CA or remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `trust`: add the app's CA.
    Trust,
    /// `untrust`: remove what `trust` added.
    Untrust,
}

/// What happened in one place, as one line of the report.
pub(crate) type Line = Result<String, String>;

/// Runs `trust` or `untrust`: one line per place; exit 1 when a place
/// could not be changed, 2 when nothing could be tried.
pub fn run(args: TrustArgs, direction: Direction) -> ExitCode {
    let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from) else {
        eprintln!("error: HOME is not set: cannot find the browsers' certificate databases");
        return ExitCode::from(2);
    };
    let ca = match ca_file(&args.certs_dir, &args.host, direction) {
        Ok(ca) => ca,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut lines: Vec<Line> = Vec::new();
    match nss::Certutil::find() {
        Some(certutil) => lines.extend(browsers(&certutil, &home, &ca, direction)),
        None => lines.push(Err(format!(
            "certutil not found, so no browser database was changed: install it (Debian/Ubuntu: \
             sudo apt install libnss3-tools; Fedora: sudo dnf install nss-tools; macOS: brew install nss), \
             then run {} again",
            verb(direction)
        ))),
    }
    if !args.no_system {
        lines.push(system::apply(&ca, direction));
    }
    let mut failed = false;
    for line in lines {
        match line {
            Ok(text) => println!("{text}"),
            Err(text) => {
                failed = true;
                println!("not done: {text}");
            }
        }
    }
    println!("Restart the browsers (every window) to see the change.");
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn verb(direction: Direction) -> &'static str {
    match direction {
        Direction::Trust => "`f1-race-results trust`",
        Direction::Untrust => "`f1-race-results untrust`",
    }
}

/// The CA's PEM file; `trust` creates the CA when there is none yet.
fn ca_file(dir: &Path, host: &str, direction: Direction) -> Result<PathBuf, String> {
    let ca = dir.join(crate::tls::CA_CERT_FILE);
    if ca.is_file() {
        println!("CA: {}", ca.display());
        return Ok(ca);
    }
    if direction == Direction::Untrust {
        return Err(format!(
            "there is no CA at {}, so nothing can be recognized as this app's: pass the --certs-dir the app used",
            ca.display()
        ));
    }
    let paths = crate::tls::ensure_certificates(dir, &[host.to_owned()]).map_err(|e| e.to_string())?;
    println!("CA: {} (created now)", paths.ca_cert.display());
    Ok(paths.ca_cert)
}

/// Chromium's database and every Firefox profile.
fn browsers(certutil: &nss::Certutil, home: &Path, ca: &Path, direction: Direction) -> Vec<Line> {
    let mut lines = Vec::new();
    let chromium = places::chromium_db(home);
    lines.push(certutil.apply(&chromium, "Chromium (NSS database", ca, direction, true));
    let profiles = places::firefox_profiles(home);
    if profiles.is_empty() {
        lines.push(Ok(format!(
            "Firefox: no profile under {} (start Firefox once, then run {} again)",
            places::firefox_roots(home).iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" or "),
            verb(direction)
        )));
    }
    for profile in profiles {
        lines.push(certutil.apply(&profile, "Firefox (profile", ca, direction, false));
    }
    lines
}
