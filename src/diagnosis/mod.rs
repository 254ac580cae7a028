//! What the browser does with one cross-origin request, told from the
//! request the page made and the headers the server sent back: the Fetch
//! standard's CORS rules, held against real Chromium and Firefox by the
//! integration corpus (`tests/it/diagnosis_corpus.rs`).
//!
//! Pure: plain strings in, a [`BrowserVerdict`] out; no HTTP types, clock or I/O.
//! One request is judged at a time, as if the preflight cache were empty.
//!
//! - [`request`]: the request as the script made it;
//! - [`safelist`]: which requests need a preflight ([`needs_preflight`]);
//!   `repeated.rs`, `chromium_only.rs` and `firefox_only.rs`: where Firefox or the
//!   standard judge request headers otherwise, a warning;
//! - [`check_preflight_response`] and [`check_response`]: the two answers the browser reads;
//! - [`Failure`]: why a response was refused, with a one-sentence fix for the
//!   server owner;
//! - [`words`]: how each browser words the failure in its console, and the
//!   code it files it under (Chromium's `corsError`, Firefox's reason key).
//!
//! Where Chromium departs from the standard, the module follows Chromium
//! and says so in a warning; each departure is noted where it is decided.
//! Where Firefox's behaviour differs, the corpus lists it.

mod chromium_only;
mod cors_check;
mod failure;
mod firefox_only;
mod fix;
mod headers;
mod preflight;
mod repeated;
pub mod request;
mod response;
pub mod safelist;
mod syntax;
#[cfg(test)]
mod tests;
pub mod words;

pub use failure::{CorsError, Failure};
use preflight::judge_preflight;
pub use preflight::{DEFAULT_MAX_AGE, MAX_MAX_AGE, PreflightGrant, check_preflight_response};
pub use request::{CredentialsMode, RequestKind, RequestSpec};
pub use response::{Readable, check_response};
pub use safelist::{PreflightReason, needs_preflight};
pub use words::ConsoleWords;

/// What happened to one request, as the browser (and its console) saw it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BrowserVerdict {
    /// Why a preflight was needed, or None for a simple request.
    pub preflight: Option<PreflightReason>,
    /// Whether an `OPTIONS` preflight went out (with an empty cache: when needed).
    pub preflight_sent: bool,
    /// Whether the actual request went out; not after a failed preflight.
    pub actual_sent: bool,
    /// Whether the script can read the response (status, body, headers).
    pub readable: bool,
    /// Why not, when a CORS check refused it.
    pub failure: Option<Failure>,
    /// Chromium's console line for the failure (the same as `chromium`'s message).
    pub console_message: Option<String>,
    /// What Chromium's console says about the failure, and its `corsError`.
    pub chromium: Option<ConsoleWords>,
    /// What Firefox's console says about the failure, and its reason key.
    pub firefox: Option<ConsoleWords>,
    /// One sentence for the server owner, whenever the request did not succeed.
    pub fix: Option<String>,
    /// Lower-case names of the response headers the script can read.
    pub exposed: Vec<String>,
    /// How long Chromium reuses the granted preflight, in seconds.
    pub preflight_cache_seconds: Option<u32>,
    /// Where the browsers differ from each other or from the standard: what
    /// works in Chromium but not by the standard, what Firefox does otherwise.
    pub warnings: Vec<String>,
}

/// Chromium lets `*` cover Authorization; the standard does not.
const AUTHORIZATION_WARNING: &str = "Chromium and Firefox still accept Authorization under \
    `Access-Control-Allow-Headers: *`, each with a deprecation warning, but the Fetch standard does \
    not: name Authorization in `Access-Control-Allow-Headers`.";

/// A response as the server sent it: status and header lines, in order.
pub type Answer<'a, N, V> = (u16, &'a [(N, V)]);

/// Judges `spec` given the server's answers: `preflight` to the `OPTIONS`
/// request (ignored when none is needed) and `actual` to the request itself.
/// A missing answer (the server never responded) makes the request fail
/// without a CORS message.
pub fn diagnose<N: AsRef<str>, V: AsRef<str>>(
    spec: &RequestSpec,
    preflight: Option<Answer<'_, N, V>>,
    actual: Option<Answer<'_, N, V>>,
) -> BrowserVerdict {
    let mut verdict = BrowserVerdict { preflight: needs_preflight(spec), ..BrowserVerdict::default() };
    if spec.is_cross_origin() {
        let unsafe_names = verdict.preflight.as_ref().map(|r| r.headers.as_slice()).unwrap_or_default();
        verdict.warnings = chromium_only::warnings(&spec.headers, unsafe_names);
        verdict.warnings.extend(firefox_only::warning(&spec.headers, unsafe_names));
    }
    if let Some(reason) = &verdict.preflight {
        verdict.preflight_sent = true;
        verdict.warnings.extend(repeated::warning(&spec.headers, &reason.headers));
        let Some((status, headers)) = preflight else {
            return verdict.unanswered(spec, "the preflight (OPTIONS)");
        };
        match judge_preflight(spec, &reason.headers, status, headers) {
            Ok(grant) => {
                verdict.preflight_cache_seconds = Some(grant.cache_seconds);
                if grant.authorization_by_wildcard {
                    verdict.warnings.push(AUTHORIZATION_WARNING.to_owned());
                }
            }
            Err(failure) => {
                let firefox = firefox_accepts(headers, |h| judge_preflight(spec, &reason.headers, status, h).is_ok());
                return verdict.refused(spec, failure, status, headers).firefox_accepts(firefox);
            }
        }
    }
    verdict.actual_sent = true;
    let Some((status, headers)) = actual else {
        return verdict.unanswered(spec, "the request");
    };
    match check_response(spec, headers) {
        Ok(readable) => {
            verdict.readable = true;
            verdict.exposed = readable.exposed;
            verdict
        }
        Err(failure) => {
            let firefox = firefox_accepts(headers, |h| check_response(spec, h).is_ok());
            verdict.refused(spec, failure, status, headers).firefox_accepts(firefox)
        }
    }
}

impl BrowserVerdict {
    /// Whether the request needed a preflight.
    pub fn preflight_needed(&self) -> bool {
        self.preflight.is_some()
    }

    /// The verdict once `failure` refused the response with `status` and `headers`.
    fn refused<N: AsRef<str>, V: AsRef<str>>(
        mut self,
        spec: &RequestSpec,
        failure: Failure,
        status: u16,
        headers: &[(N, V)],
    ) -> Self {
        let chromium = words::chromium::words(&failure, spec);
        self.console_message = Some(chromium.message.clone());
        self.chromium = Some(chromium);
        self.firefox = Some(words::firefox::words(&failure, spec, status, headers));
        self.fix = Some(failure.fix(spec));
        self.failure = Some(failure);
        self
    }

    /// With the warning that Firefox accepts what was refused, if it does.
    /// Firefox reads the answer that Chromium refused: it has no console
    /// words for it (`firefox` is `None` on a refused verdict), and a
    /// warning says why.
    fn firefox_accepts(mut self, accepts: bool) -> Self {
        if accepts {
            self.firefox = None;
            self.warnings.push(cors_check::FIREFOX_EMPTY_LINE_WARNING.to_owned());
        }
        self
    }

    fn unanswered(mut self, spec: &RequestSpec, what: &str) -> Self {
        self.fix = Some(format!(
            "Nothing answered {what} to {}: make sure the server runs and is reachable from \
             the browser (the console shows a network error, not a CORS one).",
            spec.url()
        ));
        self
    }
}

/// Whether Firefox, which drops an empty CORS header line the standard joins
/// with the next, `accepts` the headers a refused answer had.
fn firefox_accepts<N: AsRef<str>, V: AsRef<str>>(
    headers: &[(N, V)],
    accepts: impl Fn(&[(&str, &str)]) -> bool,
) -> bool {
    cors_check::as_firefox_reads(headers).is_some_and(|h| accepts(&h))
}
