//! The host names and IP addresses the API certificate must cover.

use std::fmt;
use std::net::IpAddr;

use rustls_pki_types::ServerName;

use super::TlsError;

/// One subject alternative name: browsers match host names against DNS
/// entries and IP literals against IP entries, never across the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host {
    /// A DNS name, lower-cased (DNS is case-insensitive).
    Dns(String),
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Dns(name) => f.write_str(name),
            Host::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// The names that are always covered, so `https://localhost:3001` and
/// `https://127.0.0.1:3001` work without any flag.
const ALWAYS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Parses the requested names (in order, learner's first so the first one
/// becomes the common name), adds [`ALWAYS`] and drops duplicates, comparing
/// parsed values so `LAB.local` and `lab.local`, or two spellings of one IPv6
/// address, count once.
pub(crate) fn hosts(names: &[String]) -> Result<Vec<Host>, TlsError> {
    let mut hosts: Vec<Host> = Vec::new();
    let requested = names.iter().map(String::as_str);
    for name in requested.chain(ALWAYS) {
        let host = parse(name)?;
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    Ok(hosts)
}

fn parse(name: &str) -> Result<Host, TlsError> {
    let trimmed = name.trim();
    // Accept the URL spelling of IPv6 literals, "[::1]".
    let unbracketed = trimmed.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')).unwrap_or(trimmed);
    if let Ok(ip) = unbracketed.parse::<IpAddr>() {
        return Ok(Host::Ip(ip));
    }
    let lower = trimmed.to_ascii_lowercase();
    // rustls' own parser rejects what no TLS client could ever ask for
    // (ports, spaces, underscores in odd places, non-ASCII, empty strings).
    match ServerName::try_from(lower.as_str()) {
        Ok(ServerName::DnsName(_)) => Ok(Host::Dns(lower)),
        _ => Err(TlsError::InvalidName { name: name.to_string() }),
    }
}
