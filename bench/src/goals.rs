//! The verdict lines under the table: the run's noise (two identical
//! apps), then one line per goal of docs/performance.md, each "met", "not
//! met (by X)" or "this run cannot tell" ([`crate::verdict`]), and the
//! run's notes (the load generator's cost, errors, event streams).

use std::time::Duration;

use crate::load::Outcome;
use crate::report::Report;
use crate::rows::Key;
use crate::startup::summary;
use crate::table::{latency, micros, ratio};
use crate::verdict::{Goal, judge, noise_of, times};

/// App req/s against nginx's: the goal, and the aim.
const AGAINST_NGINX: f64 = 1.0;
const AIM_AGAINST_NGINX: f64 = 1.2;
/// App CPU per HTTPS GET against the bare axum + CorsLayer server.
const AGAINST_BASELINE: f64 = 1.1;
/// A learner's requests against the untagged `GET /cors/results`.
const ALIKE: f64 = 0.15;
/// Spawn to both ready lines, median.
const STARTUP: Duration = Duration::from_millis(10);

impl Report<'_> {
    pub(crate) fn notes(&self) -> String {
        let mut out = Vec::new();
        let noise = self.noise(&mut out);
        let rps = |a, b| self.ratio_of(a, b, Outcome::rps);
        let nginx_missing = "this run cannot tell (no nginx rows)";
        for (what, (app, nginx)) in [
            ("HTTPS `GET /cors/results`", (Key::App, Key::NginxGet)),
            ("the tutorial's preflight", (Key::Preflight, Key::NginxPreflight)),
        ] {
            let line = match rps(app, nginx) {
                Some((pair, r)) => {
                    let verdict = judge(r, Goal::AtLeast(AGAINST_NGINX), noise.rps).render(times);
                    let aim = if r >= AIM_AGAINST_NGINX { "reached" } else { "not reached" };
                    format!("{pair} = {}: {verdict}; the aim of {AIM_AGAINST_NGINX:.1}×: {aim}", ratio(r, 1.0))
                }
                None => nginx_missing.to_owned(),
            };
            out.push(format!("- Goal: {what}, app req/s ≥ {AGAINST_NGINX:.1}× nginx's: {line}."));
        }
        if let Some((pair, r)) = self.ratio_of(Key::App, Key::BaselineGet, Outcome::cpu_per_request) {
            let verdict = judge(r, Goal::AtMost(AGAINST_BASELINE), noise.cpu).render(times);
            out.push(format!(
                "- Goal: CPU per HTTPS GET, app ≤ {AGAINST_BASELINE:.1}× the bare axum + CorsLayer server: {pair} = {}: {verdict}.",
                ratio(r, 1.0)
            ));
        }
        for (what, key) in
            [("a learner's click, tagged `?tab=`", Key::Tagged), ("JSONP", Key::Jsonp), ("`/ajax/results`", Key::Ajax)]
        {
            if let Some((pair, r)) = rps(key, Key::LearnerGet) {
                let verdict = judge(r, Goal::Within(ALIKE), noise.rps).render(times);
                out.push(format!(
                    "- Goal: {what} req/s within {:.0} % of the untagged `GET /cors/results` (same instance): {pair} = {}: {verdict}.",
                    ALIKE * 100.0,
                    ratio(r, 1.0)
                ));
            }
        }
        if let Some([median, ..]) = summary(&self.startup.ready) {
            let verdict = judge(median.as_secs_f64(), Goal::AtMost(STARTUP.as_secs_f64()), 0.0)
                .render(|secs| latency(Duration::from_secs_f64(secs)));
            out.push(format!(
                "- Goal: startup to both ready lines < {}: median {}: {verdict}.",
                latency(STARTUP),
                latency(median)
            ));
        }
        let client = self
            .load
            .rows
            .iter()
            .fold((0.0, 0), |(c, n), m| (c + m.outcome.client_cpu.as_secs_f64(), n + m.outcome.requests));
        out.push(format!(
            "- The load generator shares the CPUs: it used {} of CPU per request. Where it costs as much as \
             a server, req/s says little about the server; server CPU/req does.",
            micros(client.0 / (client.1.max(1) as f64)),
        ));
        for (i, m) in self.load.rows.iter().enumerate() {
            if let Some(first) = &m.outcome.first_error {
                out.push(format!("- Row #{}: {} errors, the first: {first}.", i + 1, m.outcome.errors));
            }
        }
        out.push(match self.sse {
            None => "- Event streams: none (--sse-clients 0).".to_owned(),
            Some(s) => format!(
                "- Event streams: {} held open during the load, {} still open at the end, {} events received.",
                s.wanted, s.still_open, s.events
            ),
        });
        out.join("\n") + "\n"
    }

    /// `a ÷ b` of `figure` over the whole run, with the rows' numbers
    /// (`#1 ÷ #3`).
    fn ratio_of(&self, a: Key, b: Key, figure: fn(&Outcome) -> f64) -> Option<(String, f64)> {
        let ((i, x), (j, y)) = (self.find(a)?, self.find(b)?);
        let base = figure(&y.outcome);
        (base > 0.0).then(|| (format!("#{} ÷ #{}", i + 1, j + 1), figure(&x.outcome) / base))
    }

    /// The twin against the app: the noise every verdict is judged with,
    /// and the line that says it.
    fn noise(&self, out: &mut Vec<String>) -> Noise {
        let (Some((pair, rps)), Some((_, cpu)), Some((t, _)), Some((a, _))) = (
            self.ratio_of(Key::Twin, Key::App, Outcome::rps),
            self.ratio_of(Key::Twin, Key::App, Outcome::cpu_per_request),
            self.find(Key::Twin),
            self.find(Key::App),
        ) else {
            out.push("- Noise: unknown (a twin row is missing): no goal can be told.".to_owned());
            return Noise { rps: f64::INFINITY, cpu: f64::INFINITY };
        };
        let per_round = |figure: fn(&Outcome) -> f64| -> Vec<f64> {
            let rounds = self.load.rounds.iter();
            rounds.filter_map(|r| Some(figure(r.get(t)?) / figure(r.get(a)?))).filter(|x| x.is_finite()).collect()
        };
        let (rps_rounds, cpu_rounds) = (per_round(Outcome::rps), per_round(Outcome::cpu_per_request));
        let noise = Noise { rps: noise_of(rps, &rps_rounds), cpu: noise_of(cpu, &cpu_rounds) };
        let spread = |rounds: &[f64]| {
            let (lo, hi) = rounds.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
            if rounds.is_empty() { String::new() } else { format!(", per round {lo:.2}×–{hi:.2}×") }
        };
        out.push(format!(
            "- Noise: two identical apps, {pair} = {} req/s{}, {} CPU per request{} ({} rounds). The verdicts \
             below take {} (req/s) and {} (CPU) as this run's noise (the twin's distance from 1×, or the \
             standard error of its rounds if larger): a figure closer than that to a goal's line cannot be told.",
            ratio(rps, 1.0),
            spread(&rps_rounds),
            ratio(cpu, 1.0),
            spread(&cpu_rounds),
            self.load.rounds.len(),
            times(noise.rps),
            times(noise.cpu),
        ));
        noise
    }
}

/// How far two identical servers differed in this run, as ratios.
struct Noise {
    rps: f64,
    cpu: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::{LoadResults, Measured};
    use crate::startup::Startup;

    /// A row that served `rps` requests per second for one second, with
    /// `cpu_us` of server CPU per request.
    fn row(key: Key, rps: u64, cpu_us: u64) -> Measured {
        let mut outcome = Outcome::new();
        outcome.requests = rps;
        outcome.elapsed = Duration::from_secs(1);
        outcome.server_cpu = Duration::from_micros(rps * cpu_us);
        Measured { key, label: format!("{key:?}"), outcome }
    }

    fn notes(rows: Vec<Measured>, startup_ms: u64) -> String {
        let load = LoadResults { rows, rounds: Vec::new() };
        let startup = Startup { ready: vec![Duration::from_millis(startup_ms)], exec: Vec::new() };
        Report { load: &load, memory: Vec::new(), startup: &startup, sse: None, nginx: true }.notes()
    }

    fn line<'a>(notes: &'a str, about: &str) -> &'a str {
        notes.lines().find(|l| l.contains(about)).unwrap_or_else(|| panic!("no line about {about}:\n{notes}"))
    }

    #[test]
    fn each_goal_is_judged_on_its_own_pair_against_the_twins_noise() {
        use Key::*;
        let rows = vec![
            row(App, 10_000, 50),
            row(Twin, 9_800, 51), // noise 0.02×
            row(NginxGet, 8_000, 40),
            row(BaselineGet, 12_000, 40),
            row(Preflight, 9_000, 30),
            row(NginxPreflight, 9_100, 20),
            row(BaselinePreflight, 15_000, 20),
            row(LearnerGet, 10_000, 50),
            row(Tagged, 9_500, 52),
            row(Jsonp, 7_000, 70),
            row(Ajax, 11_600, 45),
        ];
        let text = notes(rows, 6);
        assert!(line(&text, "Noise:").contains("#2 ÷ #1 = 0.98× req/s"), "{text}");
        let get = line(&text, "HTTPS `GET /cors/results`, app req/s");
        assert!(get.contains("#1 ÷ #3 = 1.25×: met; the aim of 1.2×: reached"), "{get}");
        let preflight = line(&text, "preflight, app req/s");
        assert!(preflight.contains("#5 ÷ #6 = 0.99×: this run cannot tell"), "{preflight}");
        let cpu = line(&text, "CPU per HTTPS GET");
        assert!(cpu.contains("#1 ÷ #4 = 1.25×: not met (by 0.15×)"), "{cpu}");
        assert!(line(&text, "tagged").contains("#9 ÷ #8 = 0.95×: met"), "{text}");
        assert!(line(&text, "Goal: JSONP").contains("not met (by 0.15×)"), "{text}");
        assert!(line(&text, "`/ajax/results`").contains("1.16×: this run cannot tell"), "{text}");
        assert!(line(&text, "startup").contains("median 6.00 ms: met"), "{text}");
    }

    #[test]
    fn without_a_twin_or_nginx_no_goal_is_told() {
        let text = notes(vec![row(Key::App, 100, 10), row(Key::BaselineGet, 100, 10)], 20);
        assert!(line(&text, "Noise:").contains("unknown"), "{text}");
        assert!(line(&text, "CPU per HTTPS GET").contains("cannot tell"), "{text}");
        assert!(line(&text, "HTTPS `GET /cors/results`, app").contains("cannot tell (no nginx rows)"), "{text}");
        assert!(line(&text, "startup").contains("not met (by 10.0 ms)"), "{text}");
    }
}
