//! Sends every probe through a [`Transport`] (the CLI's HTTP client, or the
//! lab's API stack in process) and collects what came back into a
//! [`Report`].

use std::future::Future;

use axum::http::{HeaderMap, header};

use super::judge::{Answer, Kind, Probe, Severity, admitted, plan, severity};
use super::origins::{Allowed, Class, candidates};

/// Whatever carries a probe to the server and brings back its answer.
pub trait Transport {
    /// Sends `headers` with `method`; the answer's status and headers, or a
    /// sentence saying why there is none.
    fn send(
        &self,
        method: &'static str,
        headers: &[(&str, &str)],
    ) -> impl Future<Output = Result<(u16, HeaderMap), String>> + Send;
}

/// The cookie a credentialed probe sends: a name no server knows, a value
/// that means nothing.
pub const PROBE_COOKIE: &str = "f1_probe=1";

/// One probe and what came of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    /// What was sent.
    #[serde(flatten)]
    pub probe: Probe,
    /// What came back.
    pub answer: Answer,
    /// Whether a page of that origin may read the answer.
    pub admitted: bool,
    /// How bad that is.
    pub severity: Severity,
    /// The lab scenario that teaches it, if one does.
    pub scenario: Option<&'static str>,
    /// The one-line fix.
    pub fix: &'static str,
}

/// Everything one run found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// The URL probed.
    pub url: String,
    /// The origin it should allow.
    pub allowed: String,
    /// Every probe, in the order sent.
    pub rows: Vec<Row>,
}

impl Report {
    /// The worst severity found.
    pub fn worst(&self) -> Severity {
        self.rows.iter().map(|r| r.severity).max().unwrap_or(Severity::None)
    }

    /// The probes that found something.
    pub fn findings(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.severity > Severity::None)
    }

    /// Whether the allowed origin itself was admitted to a simple request
    /// (else the URL may not be covered by the policy at all).
    pub fn allowed_admitted(&self) -> bool {
        self.rows.iter().any(|r| r.probe.class == Class::Allowed && r.probe.kind == Kind::Simple && r.admitted)
    }
}

/// Sends every probe for `allowed` to `url`; the first transport failure
/// ends the run with its reason.
pub async fn run(
    transport: &impl Transport,
    url: &str,
    allowed: &Allowed,
    credentials: bool,
) -> Result<Report, String> {
    let mut rows = Vec::new();
    for probe in plan(&candidates(allowed), credentials) {
        let (method, mut headers) = match probe.kind {
            Kind::Simple => ("GET", vec![("origin", probe.origin.as_str())]),
            Kind::Preflight => {
                ("OPTIONS", vec![("origin", probe.origin.as_str()), ("access-control-request-method", "GET")])
            }
        };
        // A browser never sends credentials on a preflight.
        if probe.credentials && probe.kind == Kind::Simple {
            headers.push(("cookie", PROBE_COOKIE));
        }
        let (status, answer_headers) = transport.send(method, &headers).await?;
        let answer = read(status, &answer_headers);
        let row = Row {
            admitted: admitted(&probe, &answer),
            severity: severity(&probe, &answer),
            scenario: probe.class.scenario(),
            fix: probe.class.fix(),
            probe,
            answer,
        };
        rows.push(row);
    }
    Ok(Report { url: url.to_owned(), allowed: allowed.origin(), rows })
}

/// The CORS side of an answer.
pub fn read(status: u16, headers: &HeaderMap) -> Answer {
    let text = |name| headers.get(name).and_then(|v: &header::HeaderValue| v.to_str().ok()).map(str::to_owned);
    Answer {
        status,
        allow_origin: text(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        allow_credentials: text(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_some_and(|v| v == "true"),
    }
}
