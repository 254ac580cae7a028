//! The load rows: what each one sends, to whom, what its answer must look
//! like (checked once before the load, so a row never measures an error
//! page), and which row is its baseline.

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
            (Cors, _) => Some(NoCors),
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
            equals: vec![
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.to_owned()),
                (header::VARY, "Origin".to_owned()),
            ],
            absent: Vec::new(),
            ..Self::ok(FRAGMENT)
        }
    }

    fn check(&self, reply: &Reply) -> Result<(), String> {
        if reply.status != self.status {
            return Err(format!(
                "status {} (expected {})",
                reply.status, self.status
            ));
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
            return Err(format!(
                "the body does not start with {:?}",
                self.body_prefix
            ));
        }
        Ok(())
    }
}

/// How the standings fragment starts.
const FRAGMENT: &str = "<p class=\"lap-line\"";

fn get(path: &str, headers: Vec<(HeaderName, HeaderValue)>) -> Probe {
    Probe {
        method: Method::GET,
        path: path.to_owned(),
        headers,
    }
}

/// Every row this lab can run.
pub(crate) fn specs(lab: &Lab) -> Vec<Spec> {
    let origin = lab.page_origin();
    let allowed = || vec![origin_header(&origin)];
    let cors_get = get("/cors/results", allowed());
    let pids = |ready: &crate::process::Ready| ready.pid().into_iter().collect::<Vec<_>>();
    let (app, control, helper) = (pids(&lab.cors), pids(&lab.no_cors), pids(&lab.plain));
    let spec = |key, label: &str, target: Target, probe: Probe, expect| Spec {
        key,
        label: format!("{label}, {}", target.scheme()),
        target,
        probe,
        expect,
        server: match key {
            Key::NoCors => control.clone(),
            Key::CorsPlain => helper.clone(),
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
            Key::Preflight,
            "OPTIONS /cors/results, tutorial preflight: app",
            lab.api(),
            preflight(&origin),
            Expect {
                status: StatusCode::NO_CONTENT,
                equals: vec![(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone())],
                absent: Vec::new(),
                body_prefix: "",
            },
        ),
        spec(
            Key::Jsonp,
            "GET /jsonp/results?callback=refreshSection: app",
            lab.api(),
            get("/jsonp/results?callback=refreshSection", Vec::new()),
            Expect::ok("refreshSection("),
        ),
        spec(
            Key::AjaxApi,
            "GET /ajax/results: app, API origin",
            lab.api(),
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
            Target::http(lab.cors.ports[0]),
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
        rows.push(spec(
            Key::NginxHttps,
            label,
            https,
            cors_get,
            Expect::granted(&origin),
        ));
    }
    rows
}

/// The tutorial's preflight.
fn preflight(origin: &str) -> Probe {
    let mut headers = vec![origin_header(origin)];
    headers.push((
        header::ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_static("POST"),
    ));
    headers.push((
        header::ACCESS_CONTROL_REQUEST_HEADERS,
        HeaderValue::from_static("Origin, Accept, Content-Type"),
    ));
    Probe {
        method: Method::OPTIONS,
        path: "/cors/results".to_owned(),
        headers,
    }
}

/// A measured row.
pub(crate) struct Measured {
    pub(crate) key: Key,
    pub(crate) label: String,
    pub(crate) outcome: Outcome,
}

/// All load rows, and the per-round ratios of the CORS pair.
pub(crate) struct LoadResults {
    pub(crate) rows: Vec<Measured>,
    pub(crate) pair_rounds: Vec<f64>,
}

/// Checks every row once, then measures them: the CORS pair interleaved
/// (ABBA rounds, so drift on a shared machine hits both alike), the others
/// one after the other.
pub(crate) async fn run_all(lab: &Lab, plan: &Plan) -> Result<LoadResults, String> {
    let specs = specs(lab);
    for spec in &specs {
        let reply = fetch_once(&spec.target, &spec.probe).await?;
        spec.expect
            .check(&reply)
            .map_err(|e| format!("row {:?} ({}): {e}", spec.key, spec.label))?;
    }
    let mut measured: Vec<Measured> = Vec::new();
    let (with, without) = (&specs[0], &specs[1]);
    let (a, b, pair_rounds) = run_pair(with, without, plan).await;
    measured.push(Measured {
        key: with.key,
        label: with.label.clone(),
        outcome: a,
    });
    measured.push(Measured {
        key: without.key,
        label: without.label.clone(),
        outcome: b,
    });
    let window = Window {
        warmup: plan.warmup,
        measure: plan.duration,
    };
    for spec in &specs[2..] {
        progress(&spec.label, plan.warmup + plan.duration);
        let outcome = measure(spec, plan, window).await;
        measured.push(Measured {
            key: spec.key,
            label: spec.label.clone(),
            outcome,
        });
    }
    Ok(LoadResults {
        rows: measured,
        pair_rounds,
    })
}

async fn run_pair(a: &Spec, b: &Spec, plan: &Plan) -> (Outcome, Outcome, Vec<f64>) {
    let window = Window {
        warmup: (plan.warmup / 2).max(std::time::Duration::from_millis(100)),
        measure: plan.duration / plan.rounds,
    };
    progress(
        &format!(
            "{} / {} ({} interleaved rounds)",
            a.label, b.label, plan.rounds
        ),
        (window.warmup + window.measure) * plan.rounds * 2,
    );
    let (mut with, mut without) = (Outcome::new(), Outcome::new());
    let mut ratios = Vec::new();
    for round in 0..plan.rounds {
        let (x, y) = if round % 2 == 0 {
            let x = measure(a, plan, window).await;
            (x, measure(b, plan, window).await)
        } else {
            let y = measure(b, plan, window).await;
            (measure(a, plan, window).await, y)
        };
        ratios.push(if y.rps() > 0.0 {
            x.rps() / y.rps()
        } else {
            0.0
        });
        with.append(&x);
        without.append(&y);
    }
    (with, without, ratios)
}

async fn measure(spec: &Spec, plan: &Plan, window: Window) -> Outcome {
    load::run(
        &spec.target,
        &spec.probe,
        spec.expect.status,
        plan.connections,
        window,
        &spec.server,
    )
    .await
}

fn progress(what: &str, takes: std::time::Duration) {
    eprintln!("  measuring {what} ({:.1} s)", takes.as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::Key::*;

    #[test]
    fn every_app_row_has_a_baseline_with_or_without_nginx() {
        for nginx in [true, false] {
            assert_eq!(Cors.baseline(nginx), Some(NoCors));
            for key in [Preflight, Jsonp, AjaxApi, CorsPlain] {
                assert!(key.baseline(nginx).is_some(), "{key:?}");
                assert_ne!(key.baseline(nginx), Some(key));
            }
        }
        assert_eq!(NoCors.baseline(true), Some(NginxHttps));
        assert_eq!(NginxHttp.baseline(true), None);
    }
}
