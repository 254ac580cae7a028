//! The report of one check: the exchange as sent and received (secrets as
//! presence only), the outcome, one verdict per browser, the fix and the
//! warnings. `--json` prints it as is (fields documented in docs/check.md);
//! `text.rs` draws it for the terminal. Pure.

use serde::Serialize;

use super::browsers::{BrowserLine, Ending, browser_lines};
use super::plan::{Plan, Wire};
use super::redirect::{Redirect, redirect};
use super::warnings::warnings;
use crate::cli::http::client::Answer;
use crate::diagnosis::{BrowserVerdict, diagnose};

/// How the request ended for the page's script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Outcome {
    /// The script can read the response.
    Allowed,
    /// The browser refused it (the script sees a network error).
    Blocked,
    /// A redirect passed the CORS check: the browser goes on to another URL.
    Redirected,
}

/// Everything `check` found out.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    /// The URL requested (fragment dropped).
    pub(crate) url: String,
    /// The `Origin` sent.
    pub(crate) origin: String,
    /// The method on the wire.
    pub(crate) method: String,
    /// Whether credentials mode was `include`.
    pub(crate) credentials: bool,
    /// Why a preflight went first; None for a simple request.
    pub(crate) preflight_reason: Option<Why>,
    /// The preflight and its answer, when one was sent.
    pub(crate) preflight: Option<Exchange>,
    /// The actual request and its answer; None when the preflight stopped it.
    pub(crate) actual: Option<Exchange>,
    /// How it ended for the page's script.
    pub(crate) outcome: Outcome,
    /// One verdict per browser.
    pub(crate) browsers: Vec<BrowserLine>,
    /// The response header names the script can read (when allowed).
    pub(crate) readable_headers: Vec<String>,
    /// How long Chromium would cache the preflight's answer.
    pub(crate) preflight_cache_seconds: Option<u32>,
    /// Where the browser goes next after a redirect.
    pub(crate) redirect: Option<Redirect>,
    /// One sentence for the server's owner when it did not work.
    pub(crate) fix: Option<String>,
    /// What works but is fragile.
    pub(crate) warnings: Vec<String>,
}

/// Why the browser preflights.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Why {
    /// The method, when it is not GET, HEAD or POST.
    pub(crate) method: Option<String>,
    /// The CORS-unsafe header names (lower-case, sorted).
    pub(crate) headers: Vec<String>,
}

/// One request and its answer, with the headers that matter.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Exchange {
    /// The method on the wire.
    pub(crate) method: String,
    /// Path and query.
    pub(crate) path: String,
    /// `[name, value]` pairs as sent; secret values replaced.
    pub(crate) request_headers: Vec<(String, String)>,
    /// The answer's status.
    pub(crate) status: u16,
    /// `[name, value]` pairs of `Access-Control-*`, `Vary`, `Location`; `Set-Cookie` as presence.
    pub(crate) response_headers: Vec<(String, String)>,
}

/// What replaces a secret value.
pub(crate) const HIDDEN: &str = "(present, value hidden)";

/// Request header names whose values may be secrets: shown as presence only.
const SECRET_WORDS: [&str; 7] = ["authorization", "cookie", "token", "secret", "key", "session", "password"];

impl Report {
    /// The report for `plan` given the answers received (`actual` is None
    /// when the preflight stopped the request).
    pub(crate) fn new(plan: &Plan, preflight: Option<&Answer>, actual: Option<&Answer>) -> Self {
        let verdict = diagnose(&plan.spec, preflight.map(Answer::as_pair), actual.map(Answer::as_pair));
        let redirect = actual.filter(|_| verdict.readable).and_then(|a| redirect(&plan.spec, &plan.target, a));
        let outcome = match (&redirect, verdict.readable) {
            (Some(r), _) if r.fails.is_some() => Outcome::Blocked,
            (Some(_), _) => Outcome::Redirected,
            (None, true) => Outcome::Allowed,
            (None, false) => Outcome::Blocked,
        };
        let mut all_warnings = verdict.warnings.clone();
        all_warnings.extend(warnings(&plan.spec, preflight, actual));
        Self {
            url: plan.target.url(),
            origin: plan.spec.page_origin.clone(),
            method: plan.spec.wire_method().to_owned(),
            credentials: plan.spec.credentials == crate::diagnosis::CredentialsMode::Include,
            preflight_reason: plan
                .reason
                .as_ref()
                .map(|r| Why { method: r.method.clone(), headers: r.headers.clone() }),
            preflight: plan.preflight.as_ref().zip(preflight).map(|(w, a)| exchange(&plan.target.path, w, a)),
            actual: actual.map(|a| exchange(&plan.target.path, &plan.actual, a)),
            outcome,
            browsers: browser_lines(Ending {
                outcome,
                verdict: &verdict,
                redirect: redirect.as_ref(),
                status: actual.map(|a| a.status),
            }),
            readable_headers: if outcome == Outcome::Allowed { verdict.exposed.clone() } else { Vec::new() },
            preflight_cache_seconds: verdict.preflight_cache_seconds,
            fix: fix(&verdict, redirect.as_ref()),
            redirect,
            warnings: all_warnings,
        }
    }

    /// The exit status: 0 readable, 1 anything else.
    pub(crate) fn exit_code(&self) -> u8 {
        u8::from(self.outcome != Outcome::Allowed)
    }
}

fn fix(verdict: &BrowserVerdict, redirect: Option<&Redirect>) -> Option<String> {
    match redirect {
        Some(r) if r.fails.is_some() => Some("Redirect to an http(s) URL without a user name or password.".to_owned()),
        _ => verdict.fix.clone(),
    }
}

fn exchange(path: &str, wire: &Wire, answer: &Answer) -> Exchange {
    let request_headers = wire
        .headers
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("user-agent"))
        .map(|(name, value)| {
            let lower = name.to_ascii_lowercase();
            let secret = SECRET_WORDS.iter().any(|w| lower.contains(w));
            (name.clone(), if secret { HIDDEN.to_owned() } else { value.clone() })
        })
        .collect();
    let response_headers = answer
        .headers
        .iter()
        .filter_map(|(name, value)| {
            let shown = name.starts_with("access-control-") || name == "vary" || name == "location";
            if name == "set-cookie" {
                Some((name.clone(), HIDDEN.to_owned()))
            } else {
                shown.then(|| (name.clone(), value.clone()))
            }
        })
        .collect();
    Exchange {
        method: wire.method.clone(),
        path: path.to_owned(),
        request_headers,
        status: answer.status,
        response_headers,
    }
}
