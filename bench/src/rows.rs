//! The load rows: what each one sends, to whom, what its answer must look
//! like (checked once before the load, so a row never measures an error
//! page), and which row is its baseline.

use std::time::Duration;

use hyper::header::{self, HeaderName};
use hyper::http::{HeaderValue, Method, StatusCode};

use crate::args::Plan;
use crate::client::{Probe, Reply, Target, fetch_once};
use crate::lab::{Lab, get_probe, origin_of, preflight_probe};
use crate::load::{self, Outcome, Window};
use crate::process::children_of;

/// The rows, in the order of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    /// `GET /cors/results`, allowed Origin, on the app that serves only this.
    App,
    /// The same on its twin (the noise estimate).
    Twin,
    NginxGet,
    BaselineGet,
    Preflight,
    NginxPreflight,
    BaselinePreflight,
    /// The learner instance's untagged GET, which its other rows are held to.
    LearnerGet,
    Tagged,
    Jsonp,
    Ajax,
}

impl Key {
    /// The row this one is divided by in the table (the verdicts take
    /// their own pairs): nginx when it ran, else the baseline.
    pub(crate) fn baseline(self, nginx: bool) -> Option<Self> {
        use Key::*;
        match (self, nginx) {
            (App | BaselineGet, true) => Some(NginxGet),
            (App, false) => Some(BaselineGet),
            (Preflight | BaselinePreflight, true) => Some(NginxPreflight),
            (Preflight, false) => Some(BaselinePreflight),
            (Twin | LearnerGet, _) => Some(App),
            (Tagged | Jsonp | Ajax, _) => Some(LearnerGet),
            (NginxGet | NginxPreflight, _) | (BaselineGet | BaselinePreflight, false) => None,
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
            equals: vec![(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.to_owned())],
            absent: Vec::new(),
            ..Self::ok(FRAGMENT)
        }
    }

    /// A granted preflight; tower-http's `CorsLayer` answers 200, the app
    /// and nginx 204.
    fn preflight(origin: &str, status: StatusCode) -> Self {
        Self { status, body_prefix: "", ..Self::granted(origin) }
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
    let pids = |ready: &crate::process::Ready| ready.pid().into_iter().collect::<Vec<_>>();
    let nginx_pids = lab.nginx.as_ref().and_then(|n| n.pid()).map(|m| [vec![m], children_of(m)].concat());
    let spec = |key, label: &str, target: Target, probe: Probe, expect| Spec {
        key,
        label: format!("{label}, {}", target.scheme()),
        target,
        probe,
        expect,
        server: match key {
            Key::App => pids(&lab.app),
            Key::Twin => pids(&lab.twin),
            Key::NginxGet | Key::NginxPreflight => nginx_pids.clone().unwrap_or_default(),
            Key::BaselineGet | Key::BaselinePreflight => pids(&lab.baseline),
            Key::Preflight | Key::LearnerGet | Key::Tagged | Key::Jsonp | Key::Ajax => pids(&lab.learner),
        },
    };
    let api = |ready: &crate::process::Ready| Target::https(ready.ports[1], &lab.tls);
    // Each app allows its own page origin; nginx and the baseline, the app's.
    let (origin, twin, learner) =
        (origin_of(lab.app.ports[0]), origin_of(lab.twin.ports[0]), origin_of(lab.learner.ports[0]));
    let baseline = Target::https(lab.baseline.ports[0], &lab.tls);
    let get_label = "GET /cors/results, allowed Origin";
    let mut rows = vec![
        spec(Key::App, &format!("{get_label}: app"), api(&lab.app), get_probe(&origin), Expect::granted(&origin)),
        spec(Key::Twin, "same: its twin (noise)", api(&lab.twin), get_probe(&twin), Expect::granted(&twin)),
    ];
    let nginx = lab.nginx.as_ref().map(|n| Target::https(n.https_port, &lab.tls));
    if let Some(nginx) = &nginx {
        rows.push(spec(
            Key::NginxGet,
            "same: nginx, static file",
            nginx.clone(),
            get_probe(&origin),
            Expect::granted(&origin),
        ));
    }
    rows.push(spec(
        Key::BaselineGet,
        "same: bare axum + CorsLayer, from memory",
        baseline.clone(),
        get_probe(&origin),
        Expect::granted(&origin),
    ));
    rows.push(spec(
        Key::Preflight,
        "OPTIONS /cors/results, tutorial preflight: app",
        api(&lab.learner),
        preflight_probe(&learner),
        Expect::preflight(&learner, StatusCode::NO_CONTENT),
    ));
    if let Some(nginx) = nginx {
        rows.push(spec(
            Key::NginxPreflight,
            "same: nginx",
            nginx,
            preflight_probe(&origin),
            Expect::preflight(&origin, StatusCode::NO_CONTENT),
        ));
    }
    rows.push(spec(
        Key::BaselinePreflight,
        "same: bare axum + CorsLayer",
        baseline,
        preflight_probe(&origin),
        Expect::preflight(&origin, StatusCode::OK),
    ));
    let learner_get = get_probe(&learner);
    let tagged = Probe { path: format!("/cors/results?tab={TAB}"), ..learner_get.clone() };
    rows.extend([
        spec(
            Key::LearnerGet,
            &format!("{get_label}: app (learner's rows)"),
            api(&lab.learner),
            learner_get,
            Expect::granted(&learner),
        ),
        spec(
            Key::Tagged,
            &format!("same, tagged ?tab={TAB} (the inspector records it)"),
            api(&lab.learner),
            tagged,
            Expect::granted(&learner),
        ),
        spec(
            Key::Jsonp,
            "GET /jsonp/results?callback=refreshSection: app",
            api(&lab.learner),
            get("/jsonp/results?callback=refreshSection", Vec::new()),
            Expect::ok("refreshSection("),
        ),
        spec(
            Key::Ajax,
            "GET /ajax/results: app",
            api(&lab.learner),
            get("/ajax/results", Vec::new()),
            Expect::ok(FRAGMENT),
        ),
    ]);
    rows
}

/// The browser tab a learner's tagged request names (a plausible id:
/// letters and digits).
const TAB: &str = "bench1";

/// A measured row.
pub(crate) struct Measured {
    pub(crate) key: Key,
    pub(crate) label: String,
    pub(crate) outcome: Outcome,
}

/// All load rows, over the whole run and round by round.
pub(crate) struct LoadResults {
    pub(crate) rows: Vec<Measured>,
    /// `rounds[r][i]`: row `i` in round `r`.
    pub(crate) rounds: Vec<Vec<Outcome>>,
}

/// Checks every row once, then measures all of them in rounds: each round
/// gives every row a slice of its duration, in table order on even rounds
/// and reversed on odd ones. A burst of other work on a shared machine then
/// lands on every row alike instead of on whichever row ran at the time, and
/// the rows compared stay side by side in every round (ABBA).
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
    let mut rounds = Vec::new();
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
        let this_round: Vec<Outcome> = this_round.into_iter().flatten().collect();
        for (total, outcome) in totals.iter_mut().zip(&this_round) {
            total.append(outcome);
        }
        rounds.push(this_round);
    }
    let rows = specs
        .iter()
        .zip(totals)
        .map(|(spec, outcome)| Measured { key: spec.key, label: spec.label.clone(), outcome })
        .collect();
    Ok(LoadResults { rows, rounds })
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
            for key in [App, Twin, Preflight, LearnerGet, Tagged, Jsonp, Ajax] {
                let base = key.baseline(nginx);
                assert!(base.is_some_and(|b| b != key), "{key:?}");
                assert!(nginx || !matches!(base, Some(NginxGet | NginxPreflight)), "{key:?}");
            }
        }
        assert_eq!(App.baseline(true), Some(NginxGet));
        assert_eq!(App.baseline(false), Some(BaselineGet));
        assert_eq!(Tagged.baseline(true), Some(LearnerGet));
        assert_eq!(NginxGet.baseline(true), None);
    }
}
