//! Who may change the lab: a pure decision, so every rule is testable.
//!
//! - From the machine itself (a loopback peer), the instructor needs
//!   nothing more, unless the app runs with `--lab-token-always` (a shared
//!   machine where learners sit at the same computer).
//! - From any other address, the instructor token printed at startup must
//!   come along (a cookie set by opening `/lab?token=...`, or a form field).
//! - Every change is a POST carrying the page's CSRF token, from a page of
//!   this very origin (`Sec-Fetch-Site`/`Origin` when the browser sends
//!   them), to a `Host` this app answers to (against DNS rebinding).

/// The request, as far as access is concerned.
#[derive(Debug, Clone, Copy, Default)]
pub struct Attempt<'a> {
    /// Whether the TCP peer is a loopback address.
    pub loopback: bool,
    /// Whether the `Host` header names this app.
    pub known_host: bool,
    /// The instructor token presented, if any.
    pub token: Option<&'a str>,
    /// The CSRF token in the form, if any.
    pub csrf: Option<&'a str>,
    /// `Sec-Fetch-Site`, when the browser sends it.
    pub fetch_site: Option<&'a str>,
    /// Whether an `Origin` header was sent and names this page origin.
    pub origin_matches: Option<bool>,
}

/// The secrets of this run.
#[derive(Debug, Clone)]
pub struct Secrets {
    /// Printed at startup; needed from other machines.
    pub token: String,
    /// Embedded in the lab's forms.
    pub csrf: String,
    /// Require the token even from loopback.
    pub token_always: bool,
}

/// Why a change was refused; the text is what the client sees (403).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// No or wrong instructor token from another machine.
    #[error("only the instructor can change the lab: open /lab?token=… with the token the app printed at startup")]
    Token,
    /// The form's CSRF token is missing or wrong.
    #[error("this change did not come from the lab page (CSRF token missing or wrong): reload /lab and try again")]
    Csrf,
    /// Sent from another site.
    #[error("changes to the lab must come from the lab page itself, not from another site")]
    CrossSite,
    /// A `Host` this app does not answer to.
    #[error("unknown Host: open the lab under the name the app printed at startup")]
    Host,
}

impl Secrets {
    /// Whether the instructor's controls may be shown (read-only otherwise).
    pub fn is_instructor(&self, attempt: &Attempt<'_>) -> bool {
        let token_ok = attempt.token.is_some_and(|t| same(t, &self.token));
        token_ok || (attempt.loopback && !self.token_always)
    }

    /// Checks a change (a POST).
    pub fn check_change(&self, attempt: &Attempt<'_>) -> Result<(), Denied> {
        if !attempt.known_host {
            return Err(Denied::Host);
        }
        if attempt.fetch_site.is_some_and(|s| s != "same-origin") || attempt.origin_matches == Some(false) {
            return Err(Denied::CrossSite);
        }
        if !attempt.csrf.is_some_and(|c| same(c, &self.csrf)) {
            return Err(Denied::Csrf);
        }
        if !self.is_instructor(attempt) {
            return Err(Denied::Token);
        }
        Ok(())
    }
}

/// The startup line about the lab. The token is printed only when it is
/// required (`reason` says why); otherwise only loopback can reach the app,
/// it is trusted, and a printed token would only be one more secret in a
/// terminal's scrollback or a process manager's log.
pub fn announcement(page_url: &str, secrets: &Secrets, reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!(
            "instructor lab: {page_url}/lab?token={} (the token is required for every lab change, even from this machine: {reason})",
            secrets.token
        ),
        None => format!(
            "instructor lab: {page_url}/lab (only this machine can reach the app, and it is trusted: no token needed; --lab-token-always requires one)"
        ),
    }
}

/// Compares secrets in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(token_always: bool) -> Secrets {
        Secrets { token: "t0ken".into(), csrf: "csrf1".into(), token_always }
    }

    fn local_form() -> Attempt<'static> {
        Attempt {
            loopback: true,
            known_host: true,
            csrf: Some("csrf1"),
            fetch_site: Some("same-origin"),
            origin_matches: Some(true),
            ..Attempt::default()
        }
    }

    #[test]
    fn the_instructor_at_the_machine_needs_only_the_form() {
        assert_eq!(secrets(false).check_change(&local_form()), Ok(()));
        let old_browser = Attempt { fetch_site: None, origin_matches: None, ..local_form() };
        assert_eq!(secrets(false).check_change(&old_browser), Ok(()));
    }

    #[test]
    fn other_machines_need_the_token() {
        let lan = Attempt { loopback: false, ..local_form() };
        assert_eq!(secrets(false).check_change(&lan), Err(Denied::Token));
        assert_eq!(secrets(false).check_change(&Attempt { token: Some("wrong"), ..lan }), Err(Denied::Token));
        assert_eq!(secrets(false).check_change(&Attempt { token: Some("t0ken"), ..lan }), Ok(()));
        assert!(!secrets(false).is_instructor(&lan));
    }

    #[test]
    fn token_always_applies_to_loopback_too() {
        assert_eq!(secrets(true).check_change(&local_form()), Err(Denied::Token));
        assert_eq!(secrets(true).check_change(&Attempt { token: Some("t0ken"), ..local_form() }), Ok(()));
    }

    #[test]
    fn forged_requests_are_refused() {
        let s = secrets(false);
        assert_eq!(s.check_change(&Attempt { csrf: None, ..local_form() }), Err(Denied::Csrf));
        assert_eq!(s.check_change(&Attempt { csrf: Some("csrf2"), ..local_form() }), Err(Denied::Csrf));
        assert_eq!(s.check_change(&Attempt { fetch_site: Some("cross-site"), ..local_form() }), Err(Denied::CrossSite));
        assert_eq!(s.check_change(&Attempt { origin_matches: Some(false), ..local_form() }), Err(Denied::CrossSite));
        assert_eq!(s.check_change(&Attempt { known_host: false, ..local_form() }), Err(Denied::Host));
    }

    #[test]
    fn the_token_is_announced_only_when_required() {
        let s = secrets(false);
        assert!(!announcement("http://localhost:3000", &s, None).contains("t0ken"));
        let line = announcement("http://lab.local:3000", &s, Some("--bind 0.0.0.0 is not loopback"));
        assert!(line.contains("/lab?token=t0ken") && line.contains("--bind 0.0.0.0"), "{line}");
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd") && !same("abc", "ab") && !same("", "a"));
    }
}
