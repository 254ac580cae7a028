//! Which `Host` each origin answers to: the configured `--host`, plus
//! `localhost`, `127.0.0.1` and `[::1]` when the listener is reachable over
//! loopback, always with the port really bound. Anything else is refused
//! before any handler runs: `421 Misdirected Request` for a name or port
//! this app is not (a DNS-rebinding page, a proxy's mistake), `400` when
//! `Host` is missing, repeated or malformed. The refusal never repeats the
//! Host it got.
//!
//! An HTTP/1.1 absolute-form request (`GET http://name:port/ HTTP/1.1`)
//! is judged by its request target, which RFC 9112 §3.2.2 says wins over
//! the `Host` header.

use std::net::IpAddr;

use axum::http::{HeaderValue, Response, StatusCode, header};
use bytes::Bytes;
use http_body_util::Full;

/// The names and the port one origin answers to.
#[derive(Debug, Clone)]
pub struct KnownHosts {
    /// Lower-case host names as they appear in `Host` (IPv6 in brackets).
    names: Vec<String>,
    /// The port really bound.
    port: u16,
    /// The scheme's default port: a `Host` without a port means this one.
    default_port: u16,
}

/// Which of [`KnownHosts::names`] a request used; set on every request
/// that passed the check, for layers that answer per name (the CSP).
#[derive(Debug, Clone, Copy)]
pub struct ServedHost(pub usize);

/// Why a request's Host was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostRefusal {
    /// No `Host` (and no absolute-form target), or more than one: 400.
    Missing,
    /// Not `name[:port]`: 400.
    Malformed,
    /// A name or port this origin is not: 421.
    Unknown,
}

impl KnownHosts {
    /// The names for `--host` on `port`; the loopback names too when the
    /// listener answers on loopback (the default bind, a loopback `--bind`,
    /// or an unspecified one such as 0.0.0.0, which includes loopback).
    pub fn new(host: &str, bind: Option<IpAddr>, port: u16, default_port: u16) -> Self {
        let loopback = bind.is_none_or(|ip| ip.is_loopback() || ip.is_unspecified());
        let mut names = vec![bracketed(host)];
        if loopback {
            for name in ["localhost", "127.0.0.1", "[::1]"] {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_owned());
                }
            }
        }
        Self { names, port, default_port }
    }

    /// Every name answered to, as written in a `Host` header.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Checks one authority (`name[:port]`): which known name it is.
    pub fn check(&self, authority: &[u8]) -> Result<usize, HostRefusal> {
        let text = std::str::from_utf8(authority).map_err(|_| HostRefusal::Malformed)?;
        let (name, port) = split_authority(text)?;
        let port = port.unwrap_or(self.default_port);
        let index = self.names.iter().position(|n| n.eq_ignore_ascii_case(name)).ok_or(HostRefusal::Unknown)?;
        if port == self.port { Ok(index) } else { Err(HostRefusal::Unknown) }
    }

    /// Checks a request: its absolute-form target if it has one, else its
    /// single `Host` header.
    pub fn check_request<B>(&self, req: &axum::http::Request<B>) -> Result<usize, HostRefusal> {
        if let Some(authority) = req.uri().authority() {
            return self.check(authority.as_str().as_bytes());
        }
        let mut hosts = req.headers().get_all(header::HOST).iter();
        match (hosts.next(), hosts.next()) {
            (Some(host), None) => self.check(host.as_bytes()),
            (None, _) => Err(HostRefusal::Missing),
            (Some(_), Some(_)) => Err(HostRefusal::Malformed),
        }
    }
}

/// The answer to a refused Host: short, plain, and not framable or
/// sniffable (it is made here, before the layers that add those headers).
pub fn refusal(refusal: HostRefusal) -> Response<Full<Bytes>> {
    let (status, text) = match refusal {
        HostRefusal::Missing => (StatusCode::BAD_REQUEST, "missing Host header\n"),
        HostRefusal::Malformed => (StatusCode::BAD_REQUEST, "malformed Host header: expected name:port\n"),
        HostRefusal::Unknown => (
            StatusCode::MISDIRECTED_REQUEST,
            "this server does not answer to that host name and port: use the address it printed at startup\n",
        ),
    };
    tracing::debug!(status = status.as_u16(), "refused a request for a Host this app is not");
    let mut res = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// `name[:port]` → the name and the port, if given; IPv6 in brackets.
fn split_authority(text: &str) -> Result<(&str, Option<u16>), HostRefusal> {
    let (name, rest) = if text.starts_with('[') {
        let end = text.find(']').ok_or(HostRefusal::Malformed)?;
        text.split_at(end + 1)
    } else {
        match text.rfind(':') {
            Some(i) => text.split_at(i),
            None => (text, ""),
        }
    };
    let name_ok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'[' | b']' | b':');
    if name.is_empty() || !name.bytes().all(name_ok) {
        return Err(HostRefusal::Malformed);
    }
    let port = match rest.strip_prefix(':') {
        None if rest.is_empty() => None,
        None => return Err(HostRefusal::Malformed),
        Some(digits) if (1..=5).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Some(digits.parse().map_err(|_| HostRefusal::Malformed)?)
        }
        Some(_) => return Err(HostRefusal::Malformed),
    };
    Ok((name, port))
}

/// An IPv6 address in brackets, as it appears in `Host`; names unchanged.
fn bracketed(host: &str) -> String {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V6(ip)) => format!("[{ip}]"),
        _ => host.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> KnownHosts {
        KnownHosts::new("localhost", None, 3000, 80)
    }

    #[test]
    fn the_loopback_names_with_the_real_port_are_known() {
        let hosts = loopback();
        for ok in ["localhost:3000", "LOCALHOST:3000", "127.0.0.1:3000", "[::1]:3000"] {
            assert!(hosts.check(ok.as_bytes()).is_ok(), "{ok}");
        }
    }

    #[test]
    fn other_names_and_ports_are_misdirected() {
        let hosts = loopback();
        for bad in ["evil.example:3000", "localhost:3001", "localhost", "localhost.:3000", "[::2]:3000"] {
            assert_eq!(hosts.check(bad.as_bytes()), Err(HostRefusal::Unknown), "{bad}");
        }
    }

    #[test]
    fn malformed_hosts_are_bad_requests() {
        let hosts = loopback();
        for bad in
            ["", ":3000", "localhost:", "localhost:x", "localhost:999999", "a b:3000", "u@localhost:3000", "[::1"]
        {
            assert_eq!(hosts.check(bad.as_bytes()), Err(HostRefusal::Malformed), "{bad:?}");
        }
        assert_eq!(hosts.check(b"local\xffhost:3000"), Err(HostRefusal::Malformed));
    }

    #[test]
    fn a_lan_bind_answers_only_to_the_configured_host() {
        let lan = KnownHosts::new("lab.local", Some("192.168.1.20".parse().expect("an IP")), 3000, 80);
        assert_eq!(lan.names(), ["lab.local"]);
        assert_eq!(lan.check(b"localhost:3000"), Err(HostRefusal::Unknown));
        let any = KnownHosts::new("lab.local", Some("0.0.0.0".parse().expect("an IP")), 3000, 80);
        assert!(any.check(b"localhost:3000").is_ok() && any.check(b"Lab.Local:3000").is_ok());
    }

    #[test]
    fn the_default_port_may_be_left_out() {
        let hosts = KnownHosts::new("fe80::1", None, 443, 443);
        assert!(hosts.check(b"[fe80::1]").is_ok());
        assert!(hosts.check(b"[FE80::1]:443").is_ok());
    }
}
