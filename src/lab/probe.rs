//! `POST /lab/probe` (the lab's `#probe-run`): the same probes as
//! `f1-race-results probe` (`cli::probe`), against the API origin's
//! credentialed "who am I?" under the setup in force, as the page origin
//! would be allowed. Sent in process through the API's own service stack
//! (quirks and CORS layer included): no socket, no network at all.

use std::convert::Infallible;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request};
use tower::ServiceExt;

use crate::cli::probe::judge::Severity;
use crate::cli::probe::origins::Allowed;
use crate::cli::probe::run::{Report, Row, Transport, run};
use crate::state::AppState;

/// The resource probed: credentialed in the shipped policy, so a look-alike
/// admitted there reads a user's data.
pub const PROBED_PATH: &str = "/api/v1/users/me";

/// The API's stack, called in process.
struct InProcess {
    api: Router,
    host: String,
}

impl Transport for InProcess {
    async fn send(&self, method: &'static str, headers: &[(&str, &str)]) -> Result<(u16, HeaderMap), String> {
        let mut req = Request::builder().method(method).uri(PROBED_PATH).header("host", self.host.as_str());
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let req = req.body(Body::empty()).map_err(|e| format!("cannot make the request: {e}"))?;
        let res = self.api.clone().oneshot(req).await.unwrap_or_else(|never: Infallible| match never {});
        Ok((res.status().as_u16(), res.headers().clone()))
    }
}

/// What the lab page shows of a probe run.
pub struct ProbeView {
    /// One line: how many, how bad.
    pub summary: String,
    /// Every probe.
    pub rows: Vec<Row>,
}

/// Runs the probes against the setup in force.
pub async fn probe(state: &AppState) -> Result<ProbeView, String> {
    let page = state.urls.page_origin.as_str();
    let allowed = Allowed::parse(page)?;
    let api = state.urls.api_origin.as_str();
    let host = api.split_once("://").map_or(api, |(_, rest)| rest).to_owned();
    let transport = InProcess { api: crate::api::router(state.clone()), host };
    let report = run(&transport, &format!("{api}{PROBED_PATH}"), &allowed, false).await?;
    Ok(ProbeView { summary: summary(&report), rows: report.rows })
}

fn summary(report: &Report) -> String {
    let count = |s: Severity| report.findings().filter(|r| r.severity == s).count();
    match report.worst() {
        Severity::None => format!("{} probes of {}: no look-alike origin admitted.", report.rows.len(), report.url),
        _ => format!(
            "{} probes of {}: {} admitted a look-alike origin ({} high, {} medium, {} low).",
            report.rows.len(),
            report.url,
            report.findings().count(),
            count(Severity::High),
            count(Severity::Medium),
            count(Severity::Low)
        ),
    }
}
