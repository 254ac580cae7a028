//! What `probe` sends for each origin, and how it reads the answer: a
//! simple `GET` and a preflight (`OPTIONS` asking for `GET`), without and
//! (with `--credentials`) with a cookie; admitted when the answer's
//! `Access-Control-Allow-Origin` is the origin sent or `*` (with
//! credentials: the origin sent, and `Access-Control-Allow-Credentials:
//! true`), and how bad that is. Pure: no network.

use super::origins::Class;

/// Which request a probe is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `GET` with `Origin`.
    Simple,
    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method: GET`.
    Preflight,
}

/// One request to send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Probe {
    /// The look-alike's class.
    pub class: Class,
    /// The `Origin` sent.
    pub origin: String,
    /// Simple or preflight.
    pub kind: Kind,
    /// Whether a cookie goes with it (never on a preflight, as in a browser)
    /// and the answer is judged as a credentialed request's.
    pub credentials: bool,
}

/// What the answer said, as far as CORS goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// `Access-Control-Allow-Origin` (the first, if sent twice).
    pub allow_origin: Option<String>,
    /// `Access-Control-Allow-Credentials: true`.
    pub allow_credentials: bool,
}

/// How bad an admitted look-alike is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Not admitted, or the allowed origin itself.
    None,
    /// `*`, or an origin no browser sends (case, trailing slash): any site
    /// reads what needs no login, or the check is loose.
    Low,
    /// The look-alike is named: it reads what needs no login.
    Medium,
    /// Named with credentials: it reads the user's data with their cookies.
    High,
}

impl Severity {
    /// Its word in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// Every probe for these origins: each as a simple request and a
/// preflight, without credentials and, when asked, with them.
pub fn plan(candidates: &[(Class, String)], credentials: bool) -> Vec<Probe> {
    let modes: &[bool] = if credentials { &[false, true] } else { &[false] };
    let mut out = Vec::new();
    for (class, origin) in candidates {
        for kind in [Kind::Simple, Kind::Preflight] {
            for &credentials in modes {
                out.push(Probe { class: *class, origin: origin.clone(), kind, credentials });
            }
        }
    }
    out
}

/// Whether the answer lets a page of `probe.origin` read it.
pub fn admitted(probe: &Probe, answer: &Answer) -> bool {
    match answer.allow_origin.as_deref() {
        Some(allowed) if allowed == probe.origin => !probe.credentials || answer.allow_credentials,
        Some("*") => !probe.credentials,
        _ => false,
    }
}

/// How bad it is that the answer admits `probe.origin`.
pub fn severity(probe: &Probe, answer: &Answer) -> Severity {
    if probe.class == Class::Allowed || !admitted(probe, answer) {
        return Severity::None;
    }
    let named = answer.allow_origin.as_deref() == Some(probe.origin.as_str());
    let found = match (named, answer.allow_credentials) {
        (true, true) => Severity::High,
        (true, false) => Severity::Medium,
        (false, _) => Severity::Low,
    };
    // No browser sends these: they show a loose check, not a way in.
    if matches!(probe.class, Class::Case | Class::TrailingSlash) { found.min(Severity::Low) } else { found }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(class: Class, origin: &str, credentials: bool) -> Probe {
        Probe { class, origin: origin.to_owned(), kind: Kind::Simple, credentials }
    }

    fn answer(origin: Option<&str>, credentials: bool) -> Answer {
        Answer { status: 200, allow_origin: origin.map(str::to_owned), allow_credentials: credentials }
    }

    #[test]
    fn a_named_look_alike_with_credentials_is_high_without_them_medium() {
        let p = probe(Class::Prefix, "http://localhost.evil.test", false);
        assert_eq!(severity(&p, &answer(Some("http://localhost.evil.test"), true)), Severity::High);
        assert_eq!(severity(&p, &answer(Some("http://localhost.evil.test"), false)), Severity::Medium);
        let with = probe(Class::Prefix, "http://localhost.evil.test", true);
        assert!(!admitted(&with, &answer(Some("http://localhost.evil.test"), false)), "no ACAC: not with credentials");
    }

    #[test]
    fn a_star_is_low_and_never_admits_credentials() {
        let p = probe(Class::AnyOrigin, "https://evil.test", false);
        assert_eq!(severity(&p, &answer(Some("*"), true)), Severity::Low);
        assert!(!admitted(&probe(Class::AnyOrigin, "https://evil.test", true), &answer(Some("*"), true)));
    }

    #[test]
    fn the_allowed_origin_another_origin_and_no_header_are_no_finding() {
        let allowed = probe(Class::Allowed, "http://localhost:3000", true);
        assert!(admitted(&allowed, &answer(Some("http://localhost:3000"), true)));
        assert_eq!(severity(&allowed, &answer(Some("http://localhost:3000"), true)), Severity::None);
        let evil = probe(Class::AnyOrigin, "https://evil.test", false);
        assert_eq!(severity(&evil, &answer(Some("http://localhost:3000"), true)), Severity::None);
        assert_eq!(severity(&evil, &answer(None, false)), Severity::None);
    }

    #[test]
    fn origins_no_browser_sends_are_low_at_most() {
        let p = probe(Class::Case, "HTTP://LOCALHOST:3000", false);
        assert_eq!(severity(&p, &answer(Some("HTTP://LOCALHOST:3000"), true)), Severity::Low);
    }

    #[test]
    fn the_plan_sends_each_origin_both_ways_and_with_credentials_when_asked() {
        let candidates = [(Class::Null, "null".to_owned())];
        assert_eq!(plan(&candidates, false).len(), 2);
        let with = plan(&candidates, true);
        assert_eq!(with.len(), 4);
        assert!(with.iter().any(|p| p.kind == Kind::Preflight && p.credentials));
    }
}
