//! Origins as the Fetch standard serializes them: `scheme://host[:port]`,
//! lower-case, the default port left out, no path, no trailing slash.
//!
//! Configured origins are parsed leniently (case, default port) and stored
//! serialized; a request's `Origin` header is then compared byte for byte
//! with that serialization, because a browser only ever sends the
//! serialized form. Anything else (upper case, a trailing dot or slash,
//! userinfo, whitespace) is not an origin a browser would send, so it is
//! never admitted. <https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin>

use std::fmt;
use std::net::Ipv6Addr;

/// A tuple origin (scheme, host, port), kept in its serialized form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    serialized: String,
}

/// Why a string is not an origin; each variant reads as a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    /// Only web origins can be allowed.
    #[error("an origin starts with http:// or https://")]
    Scheme,
    /// Paths, queries, fragments and trailing slashes are not part of an origin.
    #[error("an origin has no path, query or trailing slash (write https://app.example, not https://app.example/)")]
    Path,
    /// `user@host` is a URL, not an origin, and a classic bypass.
    #[error("an origin has no user name or password part")]
    Userinfo,
    /// The host is empty or has characters a host cannot have.
    #[error("the host of an origin must be a name such as app.example, an IPv4 address or a bracketed IPv6 address")]
    Host,
    /// The port is not a number from 1 to 65535.
    #[error("the port of an origin must be a number from 1 to 65535")]
    Port,
}

impl Origin {
    /// Parses and normalizes an origin such as `HTTPS://App.Example:443`
    /// (which becomes `https://app.example`).
    pub fn parse(raw: &str) -> Result<Self, OriginError> {
        let (scheme, rest) = raw.split_once("://").ok_or(OriginError::Scheme)?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return Err(OriginError::Scheme),
        };
        if rest.contains(['/', '?', '#', '\\']) {
            return Err(OriginError::Path);
        }
        if rest.contains('@') {
            return Err(OriginError::Userinfo);
        }
        let (host, port) = split_host_port(rest)?;
        let host = normalize_host(host)?;
        let port = match port {
            None => None,
            Some(p) => {
                let valid = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
                let n: u16 = p.parse().ok().filter(|n| valid && *n > 0).ok_or(OriginError::Port)?;
                (n != default_port).then_some(n)
            }
        };
        let serialized = match port {
            Some(p) => format!("{scheme}://{host}:{p}"),
            None => format!("{scheme}://{host}"),
        };
        Ok(Self { serialized })
    }

    /// Builds the origin of `scheme://host:port` from parts the app already
    /// validated (its own host name and ports).
    pub fn from_parts(scheme: &str, host: &str, port: u16) -> Result<Self, OriginError> {
        let host = if host.contains(':') { format!("[{host}]") } else { host.to_owned() };
        Self::parse(&format!("{scheme}://{host}:{port}"))
    }

    /// The serialization, exactly what a browser sends in `Origin`.
    pub fn as_str(&self) -> &str {
        &self.serialized
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.serialized)
    }
}

fn split_host_port(rest: &str) -> Result<(&str, Option<&str>), OriginError> {
    if let Some(after) = rest.strip_prefix('[') {
        let (inside, tail) = after.split_once(']').ok_or(OriginError::Host)?;
        let port = match tail {
            "" => None,
            t => Some(t.strip_prefix(':').ok_or(OriginError::Host)?),
        };
        return Ok((&rest[..inside.len() + 2], port));
    }
    Ok(match rest.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    })
}

fn normalize_host(host: &str) -> Result<String, OriginError> {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let ip: Ipv6Addr = inner.parse().map_err(|_| OriginError::Host)?;
        return Ok(format!("[{ip}]"));
    }
    let host = host.to_ascii_lowercase();
    let label_ok =
        |l: &str| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if host.len() <= 253 && host.split('.').all(label_ok) { Ok(host) } else { Err(OriginError::Host) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ser(raw: &str) -> String {
        match Origin::parse(raw) {
            Ok(o) => o.as_str().to_owned(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn default_ports_and_case_are_normalized() {
        assert_eq!(ser("https://app.example:443"), "https://app.example");
        assert_eq!(ser("http://app.example:80"), "http://app.example");
        assert_eq!(ser("HTTP://LocalHost:3000"), "http://localhost:3000");
        assert_eq!(ser("https://app.example:80"), "https://app.example:80");
        assert_eq!(ser("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
    }

    #[test]
    fn ipv6_literals_are_bracketed_and_compressed() {
        assert_eq!(ser("http://[::1]:3000"), "http://[::1]:3000");
        assert_eq!(ser("http://[0:0:0:0:0:0:0:1]:3000"), "http://[::1]:3000");
        assert_eq!(Origin::from_parts("http", "::1", 3000).map(|o| o.to_string()), Ok("http://[::1]:3000".into()));
        assert_eq!(Origin::parse("http://[::1"), Err(OriginError::Host));
        assert_eq!(Origin::parse("http://[nope]:1"), Err(OriginError::Host));
    }

    #[test]
    fn things_that_are_not_origins_are_refused() {
        assert_eq!(Origin::parse("localhost:3000"), Err(OriginError::Scheme));
        assert_eq!(Origin::parse("ftp://a.example"), Err(OriginError::Scheme));
        assert_eq!(Origin::parse("null"), Err(OriginError::Scheme));
        assert_eq!(Origin::parse("http://a.example/"), Err(OriginError::Path));
        assert_eq!(Origin::parse("http://a.example/x"), Err(OriginError::Path));
        assert_eq!(Origin::parse("http://localhost:3000@evil.test"), Err(OriginError::Userinfo));
        assert_eq!(Origin::parse("http://a.example:0"), Err(OriginError::Port));
        assert_eq!(Origin::parse("http://a.example:65536"), Err(OriginError::Port));
        assert_eq!(Origin::parse("http://a.example:+80"), Err(OriginError::Port));
        assert_eq!(Origin::parse("http://a.example:"), Err(OriginError::Port));
        for bad in ["http://", "http://a b", "http://a_b.example", "http://a..b", "http://a.example."] {
            assert_eq!(Origin::parse(bad), Err(OriginError::Host), "{bad}");
        }
    }
}
