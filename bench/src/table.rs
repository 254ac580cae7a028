//! The one table the bench prints: Markdown, padded so it also reads well
//! in a terminal, and pasted as is into docs/performance.md.

use std::fmt::Write as _;
use std::time::Duration;

/// A table under construction.
pub(crate) struct Table {
    header: Vec<String>,
    /// Columns aligned right (numbers).
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// `columns`: (title, aligned right).
    pub(crate) fn new(columns: &[(&str, bool)]) -> Self {
        Self {
            header: columns.iter().map(|(t, _)| (*t).to_owned()).collect(),
            right: columns.iter().map(|(_, r)| *r).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are empty, extra cells are an error in the
    /// caller and are dropped.
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        let mut cells: Vec<String> = cells.into_iter().map(|c| c.replace('|', "\\|")).collect();
        cells.resize(self.header.len(), String::new());
        self.rows.push(cells);
    }

    pub(crate) fn render(&self) -> String {
        let width = |i: usize| {
            self.rows.iter().map(|r| r[i].chars().count()).chain([self.header[i].chars().count(), 3]).max().unwrap_or(3)
        };
        let widths: Vec<usize> = (0..self.header.len()).map(width).collect();
        let line = |cells: &[String]| {
            let mut out = String::from("|");
            for (i, cell) in cells.iter().enumerate() {
                let pad = widths[i] - cell.chars().count();
                let (left, right) = if self.right[i] { (pad, 0) } else { (0, pad) };
                let _ = write!(out, " {}{cell}{} |", " ".repeat(left), " ".repeat(right));
            }
            out.push('\n');
            out
        };
        let mut out = line(&self.header);
        out.push('|');
        for (i, w) in widths.iter().enumerate() {
            let dashes = "-".repeat(if self.right[i] { w - 1 } else { *w });
            out.push_str(&format!(" {dashes}{} |", if self.right[i] { ":" } else { "" }));
        }
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

/// `12 345` (requests per second, grouped by thousands).
pub(crate) fn rate(per_second: f64) -> String {
    let n = per_second.round() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// `850 µs`, `1.23 ms`, `2.5 s`: three significant figures.
pub(crate) fn latency(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.0} µs")
    } else if us < 10_000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else if us < 1_000_000.0 {
        format!("{:.1} ms", us / 1000.0)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

/// `21.3 µs` (CPU time per request, from seconds).
pub(crate) fn micros(secs: f64) -> String {
    format!("{:.1} µs", secs * 1e6)
}

/// `0.97×`; `–` when the baseline is missing or zero.
pub(crate) fn ratio(value: f64, baseline: f64) -> String {
    if baseline > 0.0 && value.is_finite() { format!("{:.2}×", value / baseline) } else { "–".to_owned() }
}

/// `12.3 MiB`
pub(crate) fn mebibytes(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_padded_markdown() {
        let mut t = Table::new(&[("row", false), ("req/s", true)]);
        t.row(vec!["GET a|b".to_owned(), rate(12345.4)]);
        t.row(vec!["x".to_owned()]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "| row      |  req/s |");
        assert_eq!(lines[1], "| -------- | -----: |");
        assert_eq!(lines[2], "| GET a\\|b | 12 345 |");
        assert_eq!(lines[3], "| x        |        |");
        assert!(lines.iter().all(|l| l.chars().count() == lines[0].chars().count()));
    }

    #[test]
    fn figures_are_formatted_for_reading() {
        assert_eq!(rate(999.6), "1 000");
        assert_eq!(rate(1_234_567.0), "1 234 567");
        assert_eq!(rate(0.0), "0");
        assert_eq!(latency(Duration::from_micros(850)), "850 µs");
        assert_eq!(latency(Duration::from_micros(1234)), "1.23 ms");
        assert_eq!(latency(Duration::from_micros(23_456)), "23.5 ms");
        assert_eq!(latency(Duration::from_millis(2500)), "2.50 s");
        assert_eq!(micros(0.000_021_34), "21.3 µs");
        assert_eq!(ratio(97.0, 100.0), "0.97×");
        assert_eq!(ratio(1.0, 0.0), "–");
        assert_eq!(mebibytes(10_240), "10.0 MiB");
    }
}
