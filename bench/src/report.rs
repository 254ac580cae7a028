//! Turning the measurements into the one table, with every figure also
//! divided by a baseline measured in the same run, and a few lines under it
//! for the ratios that answer the questions (middleware cost, distance to
//! nginx, cost of TLS).

use std::time::Duration;

use crate::load::Outcome;
use crate::process::Memory;
use crate::rows::{Key, LoadResults, Measured};
use crate::sse::SseReport;
use crate::startup::{Startup, summary};
use crate::table::{Table, latency, mebibytes, micros, rate, ratio};

/// The middleware's goal: at most this share of throughput.
const GOAL: f64 = 0.03;

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
        Key::Cors => "app",
        Key::NoCors => "app --no-cors",
        Key::Twin => "twin --no-cors",
        Key::Preflight => "preflight",
        Key::Jsonp => "JSONP",
        Key::AjaxApi => "AJAX, API origin",
        Key::CorsPlain => "router over HTTP",
        Key::AjaxPage => "AJAX, page origin",
        Key::NginxHttp => "nginx HTTP",
        Key::NginxHttps => "nginx HTTPS",
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
        let pair = |a: Key, b: Key| Some((self.find(a)?, self.find(b)?));
        if let Some(((_, w), (_, wo))) = pair(Key::Cors, Key::NoCors) {
            let r = w.outcome.rps() / wo.outcome.rps().max(f64::MIN_POSITIVE);
            let twin = self.find(Key::Twin).map(|(_, t)| t.outcome.rps() / wo.outcome.rps().max(f64::MIN_POSITIVE));
            let spread = |rounds: &[f64]| {
                let (lo, hi) = rounds.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
                format!("{lo:.2}×–{hi:.2}×")
            };
            let noise = twin.map_or(0.0, |t| (1.0 - t).abs());
            let verdict = if noise > GOAL {
                format!(
                    "this run cannot tell: two identical servers (#3 ÷ #2) differ by {:.1} %, \
                     more than the 3 % to detect (bench/instructions.sh counts instructions \
                     instead, which this noise does not move)",
                    noise * 100.0
                )
            } else if r >= 1.0 - GOAL {
                "met".to_owned()
            } else {
                "missed".to_owned()
            };
            out.push(format!(
                "- CORS middleware: #1 ÷ #2 = {} req/s ({:+.1} %), p50 {}, p99 {}, server CPU per request {}; per round {} ({} rounds). \
                 Noise floor: the twin #3 ÷ #2 = {} req/s, per round {}. Against both controls, #1 ÷ mean(#2, #3) = {} req/s. \
                 Goal (≤ 3 % throughput): {verdict}.",
                ratio(r, 1.0), (r - 1.0) * 100.0,
                ratio(p(&w.outcome, 0.5), p(&wo.outcome, 0.5)),
                ratio(p(&w.outcome, 0.99), p(&wo.outcome, 0.99)),
                ratio(w.outcome.cpu_per_request(), wo.outcome.cpu_per_request()),
                spread(&self.load.pair_rounds), self.load.pair_rounds.len(),
                twin.map_or("–".to_owned(), |t| ratio(t, 1.0)),
                spread(&self.load.twin_rounds),
                twin.map_or("–".to_owned(), |t| ratio(r, (1.0 + t) / 2.0)),
            ));
        }
        let rps_ratio = |a: Key, b: Key| {
            pair(a, b).map(|((i, x), (j, y))| {
                format!("#{} ÷ #{} = {}", i + 1, j + 1, ratio(x.outcome.rps(), y.outcome.rps()))
            })
        };
        if let (Some(https), Some(http)) =
            (rps_ratio(Key::Cors, Key::NginxHttps), rps_ratio(Key::CorsPlain, Key::NginxHttp))
        {
            out.push(format!("- Against nginx, req/s: app over HTTPS {https}; the API's router over HTTP {http}."));
        }
        if let Some(app) = rps_ratio(Key::Cors, Key::CorsPlain) {
            let floor = rps_ratio(Key::NginxHttps, Key::NginxHttp).map_or(String::new(), |n| format!("; nginx {n}"));
            out.push(format!("- TLS, req/s HTTPS ÷ HTTP: app {app}{floor}."));
        }
        let client = |tls: bool| {
            let rows = self.load.rows.iter().filter(|m| m.label.ends_with("HTTPS") == tls);
            let (cpu, n) =
                rows.fold((0.0, 0), |(c, n), m| (c + m.outcome.client_cpu.as_secs_f64(), n + m.outcome.requests));
            micros(cpu / (n.max(1) as f64))
        };
        out.push(format!(
            "- The load generator shares the CPUs: it used {} of CPU per request over HTTPS, {} over HTTP. \
             Where it costs as much as the server, req/s says little about the server; server CPU/req does.",
            client(true),
            client(false),
        ));
        for (i, m) in self.load.rows.iter().enumerate() {
            if let Some(first) = &m.outcome.first_error {
                out.push(format!("- Row #{}: {} errors, the first: {first}.", i + 1, m.outcome.errors));
            }
        }
        out.push(match self.sse {
            None => "- SSE hook: off (--sse-clients 0).".to_owned(),
            Some(s) => format!(
                "- SSE hook: {} streams held open during the load, {} still open at the end, {} events received.",
                s.wanted, s.still_open, s.events
            ),
        });
        out.join("\n") + "\n"
    }
}
