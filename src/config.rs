//! The command line. Every flag can also come from an environment variable
//! (`F1_` prefix), which is how foreman and honcho users configure the app.
//!
//! Nothing here reads `PORT`: foreman sets it for every process, and the app
//! must stay on 3000/3001 under foreman exactly as under `cargo run`.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Where the generated certificates live by default: next to `Cargo.toml`,
/// so the same CA is reused whatever directory the app is started from.
pub const DEFAULT_CERTS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/certs");
/// The lab's saved state, next to `Cargo.toml` too.
const DEFAULT_DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");

/// F1 Race Results: a CORS lab with a page origin (HTTP) and an API origin (HTTPS).
#[derive(Debug, Clone, Parser)]
#[command(name = "f1-race-results", version, about, long_about = None)]
pub struct Config {
    /// Port of the page origin (plain HTTP).
    #[arg(long, env = "F1_PAGE_PORT", default_value_t = 3000)]
    pub page_port: u16,

    /// Port of the API origin (HTTPS).
    #[arg(long, env = "F1_API_PORT", default_value_t = 3001)]
    pub api_port: u16,

    /// Port of "another site" (plain HTTP): a page that tries every technique
    /// against the learner's session on the API origin (see /lab).
    #[arg(long, env = "F1_OTHER_PORT", default_value_t = 3002)]
    pub other_port: u16,

    /// Do not start the other site: only the app's two origins listen.
    #[arg(long, env = "F1_NO_OTHER_SITE")]
    pub no_other_site: bool,

    /// The host name browsers use to reach the app; it goes into the URLs, the
    /// allowed origins and the certificate (e.g. a LAN name for a class).
    /// Requests for any other Host get 421. Other than localhost (or a
    /// loopback address), it implies --lab-token-always.
    #[arg(long, env = "F1_HOST", default_value = "localhost", value_parser = parse_host)]
    pub host: String,

    /// Listen address (e.g. 0.0.0.0 for a LAN). Default: loopback, IPv4 and IPv6.
    /// Other than loopback, it implies --lab-token-always.
    #[arg(long, env = "F1_BIND")]
    pub bind: Option<IpAddr>,

    /// Directory for the generated local CA and API certificate.
    #[arg(long, env = "F1_CERTS_DIR", default_value = DEFAULT_CERTS_DIR)]
    pub certs_dir: PathBuf,

    /// Use this certificate (PEM chain, e.g. from mkcert) instead of generating one.
    #[arg(long, env = "F1_CERT", requires = "key")]
    pub cert: Option<PathBuf>,

    /// Private key (PEM) for --cert.
    #[arg(long, env = "F1_KEY", requires = "cert")]
    pub key: Option<PathBuf>,

    /// Seed of the race's randomness: the same seed replays the same race.
    #[arg(long, env = "F1_SEED")]
    pub seed: Option<u64>,

    /// Seconds per simulated lap (decimals allowed, 0.05 to 3600).
    #[arg(long, env = "F1_LAP_SECONDS", default_value = "4", value_parser = parse_lap_seconds)]
    pub lap_seconds: Duration,

    /// CORS policy file (TOML, see policies/default.toml); default: the shipped policy.
    #[arg(long, env = "F1_POLICY")]
    pub policy: Option<PathBuf>,

    /// Start in this lab scenario (see /lab; `--no-cors` is `cors-off`).
    #[arg(long, env = "F1_SCENARIO")]
    pub scenario: Option<String>,

    /// Where the lab keeps its state (registered origins).
    #[arg(long, env = "F1_DATA_DIR", default_value = DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,

    /// Require the instructor token for lab changes even from this machine
    /// (for shared computers). Implied by a non-loopback --bind or a --host
    /// other than localhost; the token is printed at startup only then.
    #[arg(long, env = "F1_LAB_TOKEN_ALWAYS")]
    pub lab_token_always: bool,

    /// Start with the CORS middleware removed, like deleting the Rack::Cors
    /// block in the tutorial.
    #[arg(long, env = "F1_NO_CORS")]
    pub no_cors: bool,

    /// A command that does not serve the lab (`check`, `trust`, `export`, ...).
    #[command(subcommand)]
    pub command: Option<crate::cli::Command>,
}

impl Config {
    /// A configuration for tests and embedding: free ports (0), loopback,
    /// the given certificate directory, a fixed seed and a fast race.
    pub fn for_tests(certs_dir: impl Into<PathBuf>) -> Self {
        let certs_dir = certs_dir.into();
        Self {
            page_port: 0,
            api_port: 0,
            other_port: 0,
            no_other_site: false,
            host: "localhost".to_owned(),
            bind: None,
            data_dir: certs_dir.join("data"),
            certs_dir,
            cert: None,
            key: None,
            seed: Some(2014),
            lap_seconds: Duration::from_millis(250),
            no_cors: false,
            policy: None,
            scenario: None,
            lab_token_always: false,
            command: None,
        }
    }
}

impl Config {
    /// Why the instructor token is required for every lab change, even from
    /// this machine, or `None` when only loopback can reach the app and
    /// loopback is trusted. Reachable from a LAN, a learner's browser on
    /// the instructor's machine is no different from any other.
    pub fn lab_token_reason(&self) -> Option<String> {
        if self.lab_token_always {
            return Some("--lab-token-always is set".to_owned());
        }
        if let Some(ip) = self.bind.filter(|ip| !ip.is_loopback()) {
            return Some(format!("--bind {ip} is not loopback, which implies --lab-token-always"));
        }
        let local = self.host == "localhost" || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        (!local).then(|| format!("--host {} is not localhost, which implies --lab-token-always", self.host))
    }
}

/// Accepts a DNS name or an IP address, lower-cased; IPv6 without brackets.
fn parse_host(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = trimmed.parse::<IpAddr>() {
        return Ok(ip.to_string());
    }
    let name = raw.to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if name.len() <= 253 && name.split('.').all(label_ok) {
        Ok(name)
    } else {
        Err("expected a host name such as localhost or lab.local, or an IP address".to_owned())
    }
}

fn parse_lap_seconds(raw: &str) -> Result<Duration, String> {
    let secs: f64 = raw.parse().map_err(|_| "expected a number of seconds, such as 4 or 0.5".to_owned())?;
    if (0.05..=3600.0).contains(&secs) {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err("must be between 0.05 and 3600 seconds".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_normalized_or_refused() {
        assert_eq!(parse_host("LocalHost").as_deref(), Ok("localhost"));
        assert_eq!(parse_host("[::1]").as_deref(), Ok("::1"));
        assert_eq!(parse_host("192.168.1.20").as_deref(), Ok("192.168.1.20"));
        assert_eq!(parse_host("lab-1.school.test").as_deref(), Ok("lab-1.school.test"));
        for bad in ["", "a b", "evil.test/x", "-a.test", "a..b", "http://x", "x:3000"] {
            assert!(parse_host(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn a_lan_bind_or_host_implies_the_token() {
        let base = Config::for_tests("/tmp/unused");
        assert_eq!(base.lab_token_reason(), None);
        let loopback_ip = Config { host: "127.0.0.1".into(), bind: Some("::1".parse().expect("IP")), ..base.clone() };
        assert_eq!(loopback_ip.lab_token_reason(), None);
        for config in [
            Config { lab_token_always: true, ..base.clone() },
            Config { bind: Some("0.0.0.0".parse().expect("IP")), ..base.clone() },
            Config { host: "lab.local".into(), ..base.clone() },
        ] {
            assert!(config.lab_token_reason().is_some(), "{config:?}");
        }
    }

    #[test]
    fn lap_seconds_are_bounded() {
        assert_eq!(parse_lap_seconds("0.5"), Ok(Duration::from_millis(500)));
        for bad in ["0", "-1", "nan", "1e9", "abc", "0.01"] {
            assert!(parse_lap_seconds(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn port_env_is_not_read() {
        // foreman exports PORT; clap must only look at the F1_ names.
        let config = Config::try_parse_from(["f1-race-results"]);
        assert!(config.is_ok());
        let cmd = <Config as clap::CommandFactory>::command();
        let envs: Vec<_> =
            cmd.get_arguments().filter_map(|a| a.get_env()).map(|e| e.to_string_lossy().into_owned()).collect();
        assert!(envs.iter().all(|e| e.starts_with("F1_")), "{envs:?}");
        assert!(envs.len() >= 14);
    }
}
