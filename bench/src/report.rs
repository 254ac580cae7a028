//! Turning the measurements into the one table, with every figure also
//! divided by a baseline measured in the same run, followed by the verdict
//! lines ([`crate::goals`]).

use std::time::Duration;

use crate::load::Outcome;
use crate::process::Memory;
use crate::rows::{Key, LoadResults, Measured};
use crate::sse::SseReport;
use crate::startup::{Startup, summary};
use crate::table::{Table, latency, mebibytes, micros, rate, ratio};

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
    pub(crate) fn find(&self, key: Key) -> Option<(usize, &Measured)> {
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
}
