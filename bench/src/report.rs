//! Turning the measurements into the one table, with every figure also
//! divided by a baseline measured in the same run, and the verdict lines
//! under it: one per goal of docs/performance.md, judged against this
//! run's noise (two identical apps).

use std::time::Duration;

use crate::load::Outcome;
use crate::process::Memory;
use crate::rows::{Key, LoadResults, Measured};
use crate::sse::SseReport;
use crate::startup::{Startup, summary};
use crate::table::{Table, latency, mebibytes, micros, rate, ratio};
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

/// One process's memory, idle and after the load.
pub(crate) struct MemoryRow {
    pub(crate) label: String,
    pub(crate) idle: Memory,
    pub(crate) after: Memory,
    /// Index of the baseline among the memory rows.
    pub(crate) baseline: Option<usize>,
}

/// Everything measured in one run.
pub(crate) struct Report<'a> {
    pub(crate) load: &'a LoadResults,
    pub(crate) memory: Vec<MemoryRow>,
    pub(crate) startup: &'a Startup,
    pub(crate) sse: Option<SseReport>,
    pub(crate) nginx: bool,
}

fn short(key: Key) -> &'static str {
    match key {
        Key::App => "app",
        Key::Twin => "twin",
        Key::NginxGet => "nginx",
        Key::BaselineGet => "baseline",
        Key::Preflight => "app preflight",
        Key::NginxPreflight => "nginx preflight",
        Key::BaselinePreflight => "baseline preflight",
        Key::LearnerGet => "learner's GET",
        Key::Tagged => "tagged",
        Key::Jsonp => "JSONP",
        Key::Ajax => "AJAX",
    }
}

fn p(outcome: &Outcome, q: f64) -> f64 {
    outcome.latencies.percentile(q).map_or(0.0, |d| d.as_secs_f64())
}

impl Report<'_> {
    fn find(&self, key: Key) -> Option<(usize, &Measured)> {
        self.load.rows.iter().enumerate().find(|(_, m)| m.key == key)
    }

    pub(crate) fn render(&self) -> String {
        let mut table = Table::new(&[
            ("#", true),
            ("measurement", false),
            ("req/s", true),
            ("p50", true),
            ("p99", true),
            ("server CPU/req", true),
            ("ratio req/s", true),
            ("ratio p50", true),
            ("ratio p99", true),
            ("ratio CPU/req", true),
            ("baseline", false),
            ("errors", true),
        ]);
        let mut number = 0;
        for m in &self.load.rows {
            number += 1;
            let o = &m.outcome;
            let base = m.key.baseline(self.nginx).and_then(|k| self.find(k));
            let r = |f: &dyn Fn(&Outcome) -> f64| base.map_or("–".to_owned(), |(_, b)| ratio(f(o), f(&b.outcome)));
            let pct = |q| o.latencies.percentile(q).map_or("–".to_owned(), latency);
            table.row(vec![
                number.to_string(),
                m.label.clone(),
                rate(o.rps()),
                pct(0.5),
                pct(0.99),
                micros(o.cpu_per_request()),
                r(&Outcome::rps),
                r(&|x| p(x, 0.5)),
                r(&|x| p(x, 0.99)),
                r(&Outcome::cpu_per_request),
                base.map_or(String::new(), |(i, b)| format!("#{} {}", i + 1, short(b.key))),
                o.errors.to_string(),
            ]);
        }
        let bold = |cells: &[&str]| {
            cells.iter().map(|c| if c.is_empty() { String::new() } else { format!("**{c}**") }).collect()
        };
        table.row(bold(&[
            "",
            "memory (after = once every row ran)",
            "VmRSS idle",
            "VmRSS after",
            "VmHWM after",
            "",
            "ratio idle",
            "ratio after",
            "ratio HWM",
            "",
            "",
            "",
        ]));
        let first_memory = number + 1;
        for m in &self.memory {
            number += 1;
            let base = m.baseline.and_then(|i| self.memory.get(i).map(|b| (i, b)));
            let r = |f: fn(&MemoryRow) -> u64| base.map_or("–".to_owned(), |(_, b)| ratio(f(m) as f64, f(b) as f64));
            table.row(vec![
                number.to_string(),
                m.label.clone(),
                mebibytes(m.idle.rss_kib),
                mebibytes(m.after.rss_kib),
                mebibytes(m.after.hwm_kib),
                String::new(),
                r(|m| m.idle.rss_kib),
                r(|m| m.after.rss_kib),
                r(|m| m.after.hwm_kib),
                String::new(),
                base.map_or(String::new(), |(i, _)| format!("#{}", first_memory + i)),
                String::new(),
            ]);
        }
        self.startup_rows(
            &mut table,
            &mut number,
            bold(&["", "startup", "median", "min", "max", "", "ratio median", "ratio min", "ratio max", "", "", ""]),
        );
        format!("{}\n{}", table.render(), self.notes())
    }

    fn startup_rows(&self, table: &mut Table, number: &mut usize, header: Vec<String>) {
        table.row(header);
        let runs = self.startup.ready.len();
        let ready = summary(&self.startup.ready);
        let exec = summary(&self.startup.exec);
        let cells = |s: Option<[Duration; 3]>| s.map_or_else(|| vec!["–".to_owned(); 3], |v| v.map(latency).to_vec());
        let ratios = match (ready, exec) {
            (Some(r), Some(e)) => (0..3).map(|i| ratio(r[i].as_secs_f64(), e[i].as_secs_f64())).collect(),
            _ => vec!["–".to_owned(); 3],
        };
        let exec_number = *number + 2;
        *number += 1;
        let mut row =
            vec![number.to_string(), format!("app start to both ready lines, existing certificates ({runs} runs)")];
        row.extend(cells(ready));
        row.push(String::new());
        row.extend(ratios);
        row.push(String::new());
        row.push(format!("#{exec_number}"));
        table.row(row);
        *number += 1;
        let mut row =
            vec![number.to_string(), format!("`f1-race-results --version`, start to exit: exec floor ({runs} runs)")];
        row.extend(cells(exec));
        table.row(row);
    }

    fn notes(&self) -> String {
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
