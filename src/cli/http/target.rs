//! The URL `check` fetches and the page origin it speaks for, read the way
//! a browser reads them: scheme and host lower-cased, default ports left
//! out of the origin. Errors are sentences that never repeat the input.

use http::Uri;

/// Where the request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// True for `https`.
    pub(crate) tls: bool,
    /// The host as written in a URL (lower-case; an IPv6 address in brackets).
    pub(crate) host: String,
    /// The port, explicit or the scheme's default.
    pub(crate) port: u16,
    /// Path and query, never empty (`/` at least); the fragment is dropped.
    pub(crate) path: String,
}

impl Target {
    /// Reads an absolute `http` or `https` URL.
    pub(crate) fn parse(url: &str) -> Result<Self, String> {
        // A browser never sends the fragment.
        let url = url.split('#').next().unwrap_or_default();
        let uri: Uri = url.parse().map_err(|_| {
            "the URL does not parse: write it in full, e.g. https://localhost:3001/cors/results".to_owned()
        })?;
        let tls = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err("the URL must start with http:// or https://".to_owned()),
        };
        let authority = uri.authority().ok_or("the URL has no host")?;
        if authority.as_str().contains('@') {
            return Err(
                "a browser refuses a URL with a user name or password in it (fetch throws a TypeError)".to_owned()
            );
        }
        let host = authority.host().to_ascii_lowercase();
        if host.is_empty() {
            return Err("the URL has no host".to_owned());
        }
        let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let path = if path.is_empty() { "/".to_owned() } else { path.to_owned() };
        Ok(Self { tls, host, port, path })
    }

    /// The scheme, `http` or `https`.
    pub(crate) fn scheme(&self) -> &'static str {
        if self.tls { "https" } else { "http" }
    }

    /// The serialized origin, e.g. `https://localhost:3001`.
    pub(crate) fn origin(&self) -> String {
        let default = if self.tls { 443 } else { 80 };
        if self.port == default {
            format!("{}://{}", self.scheme(), self.host)
        } else {
            format!("{}://{}:{}", self.scheme(), self.host, self.port)
        }
    }

    /// The `Host` header: the authority without a default port.
    pub(crate) fn host_header(&self) -> String {
        self.origin().split_once("://").map(|(_, authority)| authority.to_owned()).unwrap_or_default()
    }

    /// The host to connect to and to name in TLS (no IPv6 brackets).
    pub(crate) fn bare_host(&self) -> &str {
        self.host.trim_start_matches('[').trim_end_matches(']')
    }

    /// The whole URL, as a console message prints it.
    pub(crate) fn url(&self) -> String {
        format!("{}{}", self.origin(), self.path)
    }
}

/// Reads `--origin`: `null`, or an `http`/`https` origin (a trailing `/` is
/// forgiven), returned serialized as a browser sends it.
pub(crate) fn parse_origin(text: &str) -> Result<String, String> {
    const HINT: &str = "--origin must be an origin such as http://localhost:3000 (scheme, host, \
                        optional port; no path), or null";
    if text == "null" {
        return Ok("null".to_owned());
    }
    let target = Target::parse(text).map_err(|_| HINT.to_owned())?;
    let rest = text.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
    // Nothing after the authority but an optional slash.
    if target.path != "/" || rest.trim_end_matches('/').contains(['/', '?', '#']) {
        return Err(HINT.to_owned());
    }
    Ok(target.origin())
}

/// `Sec-Fetch-Site` for a request from `page` to `target`: `same-origin`,
/// `same-site` (same scheme, and the same host or the same last two labels:
/// an approximation without the public suffix list), else `cross-site`.
pub(crate) fn fetch_site(page: &str, target: &Target) -> &'static str {
    if page == target.origin() {
        return "same-origin";
    }
    let Some((scheme, authority)) = page.split_once("://") else { return "cross-site" };
    let host = authority.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()));
    let host = host.map_or(authority, |(host, _)| host);
    let site = |h: &str| {
        if h.starts_with('[') || h.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return h.to_owned();
        }
        let labels: Vec<&str> = h.rsplit('.').take(2).collect();
        labels.into_iter().rev().collect::<Vec<_>>().join(".")
    };
    if scheme == target.scheme() && site(host) == site(&target.host) { "same-site" } else { "cross-site" }
}
