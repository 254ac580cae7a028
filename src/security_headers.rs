//! The headers that tell the browser what a response may do, per origin,
//! added after the handler by [`crate::origin_guard`] so no handler has to
//! remember them.
//!
//! Page origin, every response:
//! - `Content-Security-Policy`: scripts, styles, frames and connections
//!   from this origin only, plus the API origin under the very host name
//!   the page was opened with (`common.js` builds `https://<hostname>:<api
//!   port>`), for the JSONP `<script>` and the CORS `fetch` (under an IPv6
//!   literal, which CSP cannot name, `https://*:<api port>`). No inline code.
//! - `frame-ancestors 'none'` + `X-Frame-Options: DENY` (clickjacking),
//!   except on [`FRAMED_BY_THE_PAGES`]: `'self'` + `SAMEORIGIN`.
//! - `X-Content-Type-Options: nosniff`; `Referrer-Policy: same-origin` on
//!   HTML: no `Referer` leaves for another origin (the API included). Not
//!   `no-referrer`: under it Chromium sends `Origin: null` with the lab's
//!   own same-origin form posts, which the lab (rightly) refuses as foreign.
//!
//! The other site: the same headers as a page, with a CSP of its own: its
//! scripts only, and the API origin for what its techniques load (images,
//! frames, scripts, fetches, the form's target); only `/sandbox` may be
//! framed, by the site itself ([`OtherSiteHeaders`]).
//!
//! API origin: `nosniff` on every response; its HTML (the page a learner
//! opens to accept the certificate) is framed by no one and runs nothing.
//!
//! The policies are built once per known host name at startup; a request
//! costs one lookup by the index of the name the Host check found.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::hosts::KnownHosts;

/// Page-origin paths the pages themselves put in a frame: the hidden
/// iframe's results and the sandboxed frame of the `/cors` page.
pub const FRAMED_BY_THE_PAGES: &[&str] = &["/iframe/results", "/cors/sandbox"];

/// The page origin's policies, one pair per known host name.
#[derive(Debug)]
pub struct PageHeaders {
    /// `frame-ancestors 'none'`, per [`KnownHosts::names`] index.
    not_framed: Vec<HeaderValue>,
    /// `frame-ancestors 'self'`, same order.
    framed_by_self: Vec<HeaderValue>,
}

impl PageHeaders {
    /// The policies for pages opened under each of `hosts`' names, whose
    /// API origin listens on `api_port`.
    pub fn new(hosts: &KnownHosts, api_port: u16) -> Self {
        let policy = |name: &str, ancestors: &str| {
            // CSP's host-source grammar has no IPv6 literals (Chromium
            // ignores `https://[::1]:3001` as invalid), so under one the API
            // is named by scheme and port alone, any host: the closest valid fit.
            let api = if name.starts_with('[') {
                format!("https://*:{api_port}")
            } else {
                format!("https://{name}:{api_port}")
            };
            let text = format!(
                "default-src 'self'; script-src 'self' {api}; connect-src 'self' {api}; img-src 'self' data:; \
                 frame-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors {ancestors}"
            );
            // Known names are checked host names and a port: always valid header text.
            HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
        };
        Self {
            not_framed: hosts.names().iter().map(|n| policy(n, "'none'")).collect(),
            framed_by_self: hosts.names().iter().map(|n| policy(n, "'self'")).collect(),
        }
    }

    /// The CSP for a request to `path` under known name `index`.
    fn policy(&self, index: usize, path: &str) -> Option<&HeaderValue> {
        if FRAMED_BY_THE_PAGES.contains(&path) { self.framed_by_self.get(index) } else { self.not_framed.get(index) }
    }
}

/// What a page-origin answer gets, decided from its request.
#[derive(Debug, Clone)]
pub struct PageAnswer {
    csp: Option<HeaderValue>,
    framed: bool,
}

impl PageHeaders {
    /// The headers for a request to `path` under known name `index`.
    pub fn for_request(&self, index: usize, path: &str) -> PageAnswer {
        PageAnswer { csp: self.policy(index, path).cloned(), framed: FRAMED_BY_THE_PAGES.contains(&path) }
    }
}

/// The other site's policies: one not framed, one for its sandboxed frame.
#[derive(Debug)]
pub struct OtherSiteHeaders {
    not_framed: HeaderValue,
    framed_by_self: HeaderValue,
}

/// The other site's one path that it frames itself.
pub const OTHER_SITE_FRAMED: &str = "/sandbox";

impl OtherSiteHeaders {
    /// The policies for a site whose techniques aim at `api_origin`.
    pub fn new(api_origin: &str) -> Self {
        let policy = |ancestors: &str| {
            let api = api_origin;
            let text = format!(
                "default-src 'self'; script-src 'self' {api}; connect-src 'self' {api}; img-src 'self' data: {api}; \
                 frame-src 'self' {api}; form-action {api}; base-uri 'none'; object-src 'none'; frame-ancestors {ancestors}"
            );
            // An origin is printable ASCII: always valid header text.
            HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
        };
        Self { not_framed: policy("'none'"), framed_by_self: policy("'self'") }
    }

    /// The headers for a request to `path`.
    pub fn for_request(&self, path: &str) -> PageAnswer {
        let framed = path == OTHER_SITE_FRAMED;
        let csp = if framed { &self.framed_by_self } else { &self.not_framed };
        PageAnswer { csp: Some(csp.clone()), framed }
    }
}

/// Adds the page origin's headers to an answer.
pub fn apply_page(answer: PageAnswer, out: &mut HeaderMap) {
    if let Some(csp) = answer.csp {
        out.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    out.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static(if answer.framed { "SAMEORIGIN" } else { "DENY" }));
    out.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if is_html(out) {
        out.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    }
}

/// Adds the API origin's headers to an answer.
pub fn apply_api(out: &mut HeaderMap) {
    out.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if is_html(out) {
        // The API's HTML is a page to look at (and fragments the pages
        // fetch, never render as documents): no scripts, styles or frames.
        out.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
        );
        out.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        out.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
}

fn is_html(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_site_aims_at_the_api_and_frames_only_its_sandbox() {
        let headers = OtherSiteHeaders::new("https://localhost:3001");
        let page = headers.for_request("/");
        let csp = page.csp.as_ref().and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(csp.contains("form-action https://localhost:3001;") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !page.framed);
        let sandbox = headers.for_request(OTHER_SITE_FRAMED);
        let csp = sandbox.csp.as_ref().and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(csp.ends_with("frame-ancestors 'self'") && sandbox.framed, "{csp}");
    }
}
