//! The load rows: what each one sends, to whom, what its answer must look
//! like (checked once before the load, so a row never measures an error
//! page), and which row is its baseline.

use std::time::Duration;

use hyper::header::{self, HeaderName};
use hyper::http::{HeaderValue, Method, StatusCode};

use crate::args::Plan;
use crate::client::{Probe, Reply, Target, fetch_once};
use crate::lab::{Lab, origin_header, origin_of};
use crate::load::{self, Outcome, Window};
use crate::process::children_of;

/// The rows, in the order of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Cors,
    NoCors,
    Twin,
    Preflight,
    Jsonp,
    AjaxApi,
    CorsPlain,
    AjaxPage,
    NginxHttp,
    NginxHttps,
}

impl Key {
    /// The row this one is divided by; nginx when it ran, else the control.
    pub(crate) fn baseline(self, nginx: bool) -> Option<Self> {
        use Key::*;
        match (self, nginx) {
            (Cors | Twin, _) => Some(NoCors),
            (NoCors | Preflight | Jsonp | AjaxApi, true) => Some(NginxHttps),
            (Preflight | Jsonp | AjaxApi, false) => Some(NoCors),
            (CorsPlain | AjaxPage, true) => Some(NginxHttp),
            (CorsPlain, false) => Some(AjaxPage),
            (NginxHttps, _) => Some(NginxHttp),
            (NoCors | AjaxPage | NginxHttp, _) => None,
        }
    }
}

/// One row to measure.
pub(crate) struct Spec {
    pub(crate) key: Key,
    pub(crate) label: String,
    target: Target,
    probe: Probe,
    expect: Expect,
    /// The processes serving this row, whose CPU time is read.
    server: Vec<u32>,
}

/// What every answer of a row must be.
struct Expect {
    status: StatusCode,
    equals: Vec<(HeaderName, String)>,
    absent: Vec<HeaderName>,
    body_prefix: &'static str,
}

impl Expect {
    fn ok(body_prefix: &'static str) -> Self {
        Self {
            status: StatusCode::OK,
            equals: Vec::new(),
            absent: vec![header::ACCESS_CONTROL_ALLOW_ORIGIN],
            body_prefix,
        }
    }

    fn granted(origin: &str) -> Self {
        Self {
            equals: vec![(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.to_owned()), (header::VARY, "Origin".to_owned())],
            absent: Vec::new(),
            ..Self::ok(FRAGMENT)
        }
    }

    fn check(&self, reply: &Reply) -> Result<(), String> {
        if reply.status != self.status {
            return Err(format!("status {} (expected {})", reply.status, self.status));
        }
        for (name, value) in &self.equals {
            let got = reply.headers.get(name).and_then(|v| v.to_str().ok());
            if got != Some(value.as_str()) {
                return Err(format!("{name}: {got:?} (expected {value:?})"));
            }
        }
        if let Some(name) = self.absent.iter().find(|n| reply.headers.contains_key(*n)) {
            return Err(format!("unexpected {name} header"));
        }
        if !reply.body.starts_with(self.body_prefix.as_bytes()) {
            return Err(format!("the body does not start with {:?}", self.body_prefix));
        }
        Ok(())
    }
}

/// How the standings fragment starts.
const FRAGMENT: &str = "<p class=\"lap-line\"";

fn get(path: &str, headers: Vec<(HeaderName, HeaderValue)>) -> Probe {
    Probe { method: Method::GET, path: path.to_owned(), headers }
}

/// Every row this lab can run.
pub(crate) fn specs(lab: &Lab) -> Vec<Spec> {
    let origin = lab.page_origin();
    let allowed = || vec![origin_header(&origin)];
    let cors_get = get("/cors/results", allowed());
    let pids = |ready: &crate::process::Ready| ready.pid().into_iter().collect::<Vec<_>>();
    let (app, control, twin) = (pids(&lab.cors), pids(&lab.no_cors), pids(&lab.twin));
    let others = pids(&lab.others);
    let helper = pids(&lab.plain);
    let spec = |key, label: &str, target: Target, probe: Probe, expect| Spec {
        key,
        label: format!("{label}, {}", target.scheme()),
        target,
        probe,
        expect,
        server: match key {
            Key::NoCors => control.clone(),
            Key::Twin => twin.clone(),
            Key::CorsPlain => helper.clone(),
            Key::Preflight | Key::Jsonp | Key::AjaxApi | Key::AjaxPage => others.clone(),
            Key::NginxHttp | Key::NginxHttps => lab
                .nginx
                .as_ref()
                .and_then(|n| n.pid())
                .map(|master| [vec![master], children_of(master)].concat())
                .unwrap_or_default(),
            _ => app.clone(),
        },
    };
    let control_origin = origin_of(lab.no_cors.ports[0]);
    let others_origin = origin_of(lab.others.ports[0]);
    let others_api = Target::https(lab.others.ports[1], &lab.tls);
    let twin_origin = origin_of(lab.twin.ports[0]);
    let mut rows = vec![
        spec(
            Key::Cors,
            "GET /cors/results, allowed Origin: app",
            lab.api(),
            cors_get.clone(),
            Expect::granted(&origin),
        ),
        spec(
            Key::NoCors,
            "same: app --no-cors (control)",
            Target::https(lab.no_cors.ports[1], &lab.tls),
            get("/cors/results", vec![origin_header(&control_origin)]),
            Expect::ok(FRAGMENT),
        ),
        spec(
            Key::Twin,
            "same: a second app --no-cors (the twin: noise floor)",
            Target::https(lab.twin.ports[1], &lab.tls),
            get("/cors/results", vec![origin_header(&twin_origin)]),
            Expect::ok(FRAGMENT),
        ),
        spec(
            Key::Preflight,
            "OPTIONS /cors/results, tutorial preflight: app",
            others_api.clone(),
            preflight(&others_origin),
            Expect {
                status: StatusCode::NO_CONTENT,
                equals: vec![(header::ACCESS_CONTROL_ALLOW_ORIGIN, others_origin.clone())],
                absent: Vec::new(),
                body_prefix: "",
            },
        ),
        spec(
            Key::Jsonp,
            "GET /jsonp/results?callback=refreshSection: app",
            others_api.clone(),
            get("/jsonp/results?callback=refreshSection", Vec::new()),
            Expect::ok("refreshSection("),
        ),
        spec(
            Key::AjaxApi,
            "GET /ajax/results: app, API origin",
            others_api,
            get("/ajax/results", Vec::new()),
            Expect::ok(FRAGMENT),
        ),
        spec(
            Key::CorsPlain,
            "GET /cors/results, allowed Origin: the API's router (helper process)",
            Target::http(lab.plain.ports[0]),
            cors_get.clone(),
            Expect::granted(&origin),
        ),
        spec(
            Key::AjaxPage,
            "GET /ajax/results: app, page origin",
            Target::http(lab.others.ports[0]),
            get("/ajax/results", Vec::new()),
            Expect::ok(FRAGMENT),
        ),
    ];
    if let Some(nginx) = &lab.nginx {
        let label = "GET /cors/results, allowed Origin: nginx, static file";
        let https = Target::https(nginx.https_port, &lab.tls);
        rows.push(spec(
            Key::NginxHttp,
            label,
            Target::http(nginx.http_port),
            cors_get.clone(),
            Expect::granted(&origin),
        ));
        rows.push(spec(Key::NginxHttps, label, https, cors_get, Expect::granted(&origin)));
    }
    rows
}

/// The tutorial's preflight.
fn preflight(origin: &str) -> Probe {
    let mut headers = vec![origin_header(origin)];
    headers.push((header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("POST")));
    headers.push((header::ACCESS_CONTROL_REQUEST_HEADERS, HeaderValue::from_static("Origin, Accept, Content-Type")));
    Probe { method: Method::OPTIONS, path: "/cors/results".to_owned(), headers }
}

/// A measured row.
pub(crate) struct Measured {
    pub(crate) key: Key,
    pub(crate) label: String,
    pub(crate) outcome: Outcome,
}

/// All load rows, and the per-round req/s ratios #1 ÷ #2 and #3 ÷ #2.
pub(crate) struct LoadResults {
    pub(crate) rows: Vec<Measured>,
    pub(crate) pair_rounds: Vec<f64>,
    pub(crate) twin_rounds: Vec<f64>,
}

/// Checks every row once, then measures all of them in rounds: each round
/// gives every row a slice of its duration, in table order on even rounds
/// and reversed on odd ones. A burst of other work on a shared machine then
/// lands on every row alike instead of on whichever row ran at the time, and
/// the CORS pair (#1, #2) and the twin (#3) stay side by side in every
/// round (ABBA).
pub(crate) async fn run_all(lab: &Lab, plan: &Plan) -> Result<LoadResults, String> {
    let specs = specs(lab);
    for spec in &specs {
        let reply = fetch_once(&spec.target, &spec.probe).await?;
        spec.expect.check(&reply).map_err(|e| format!("row {:?} ({}): {e}", spec.key, spec.label))?;
    }
    let window =
        Window { warmup: (plan.warmup / 2).max(Duration::from_millis(100)), measure: plan.duration / plan.rounds };
    let round_takes = (window.warmup + window.measure) * specs.len() as u32;
    let mut totals: Vec<Outcome> = specs.iter().map(|_| Outcome::new()).collect();
    let (mut pair_rounds, mut twin_rounds) = (Vec::new(), Vec::new());
    for round in 0..plan.rounds {
        eprintln!("  round {}/{}: {} rows ({:.1} s)", round + 1, plan.rounds, specs.len(), round_takes.as_secs_f64());
        let mut order: Vec<usize> = (0..specs.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        let mut this_round: Vec<Option<Outcome>> = specs.iter().map(|_| None).collect();
        for i in order {
            this_round[i] = Some(measure(&specs[i], plan, window).await);
        }
        for (total, outcome) in totals.iter_mut().zip(this_round.iter().flatten()) {
            total.append(outcome);
        }
        if let [Some(with), Some(without), Some(twin), ..] = &this_round[..] {
            let base = without.rps().max(f64::MIN_POSITIVE);
            pair_rounds.push(with.rps() / base);
            twin_rounds.push(twin.rps() / base);
        }
    }
    let rows = specs
        .iter()
        .zip(totals)
        .map(|(spec, outcome)| Measured { key: spec.key, label: spec.label.clone(), outcome })
        .collect();
    Ok(LoadResults { rows, pair_rounds, twin_rounds })
}

async fn measure(spec: &Spec, plan: &Plan, window: Window) -> Outcome {
    load::run(&spec.target, &spec.probe, spec.expect.status, plan.connections, window, &spec.server).await
}

#[cfg(test)]
mod tests {
    use super::Key::*;

    #[test]
    fn every_app_row_has_a_baseline_with_or_without_nginx() {
        for nginx in [true, false] {
            assert_eq!(Cors.baseline(nginx), Some(NoCors));
            assert_eq!(Twin.baseline(nginx), Some(NoCors));
            for key in [Preflight, Jsonp, AjaxApi, CorsPlain] {
                assert!(key.baseline(nginx).is_some(), "{key:?}");
                assert_ne!(key.baseline(nginx), Some(key));
            }
        }
        assert_eq!(NoCors.baseline(true), Some(NginxHttps));
        assert_eq!(NginxHttp.baseline(true), None);
    }
}
