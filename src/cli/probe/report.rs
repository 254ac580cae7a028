//! `probe`'s report as text for a terminal: the look-alikes admitted,
//! worst first, grouped by class (with the lab scenario that teaches it, or
//! its fix), one line per origin naming the probes that admitted it; then
//! a summary line.

use std::fmt::Write;

use super::judge::{Kind, Severity};
use super::run::{Report, Row};

/// The report as lines of text.
pub fn text(report: &Report) -> String {
    let mut out = format!("probe {} as {} would be allowed\n", report.url, report.allowed);
    // One entry per origin admitted: its worst row and every probe that admitted it.
    let mut origins: Vec<(&Row, Vec<&'static str>)> = Vec::new();
    for row in report.findings() {
        match origins.iter_mut().find(|(first, _)| first.probe.origin == row.probe.origin) {
            Some((worst, kinds)) => {
                kinds.push(kind(row));
                if row.severity > worst.severity {
                    *worst = row;
                }
            }
            None => origins.push((row, vec![kind(row)])),
        }
    }
    origins
        .sort_by(|a, b| b.0.severity.cmp(&a.0.severity).then(a.0.probe.class.as_str().cmp(b.0.probe.class.as_str())));
    let mut class = None;
    for (row, kinds) in &origins {
        if class != Some((row.severity, row.probe.class)) {
            class = Some((row.severity, row.probe.class));
            let why = match row.scenario {
                Some(name) => format!("see /lab scenario {name}; fix: {}", row.fix),
                None => format!("fix: {}", row.fix),
            };
            let _ = writeln!(out, "{:<6} {}: {why}", row.severity.as_str().to_uppercase(), row.probe.class.as_str());
        }
        let allowed = row.answer.allow_origin.as_deref().unwrap_or("-");
        let credentials = if row.answer.allow_credentials { ", Access-Control-Allow-Credentials: true" } else { "" };
        let _ = writeln!(
            out,
            "       {:<32} admitted by {}: Access-Control-Allow-Origin: {allowed}{credentials}",
            row.probe.origin,
            kinds.join(", ")
        );
    }
    if !report.allowed_admitted() {
        let _ = writeln!(
            out,
            "note: {} itself was not admitted here: is this URL covered by the policy for that origin?",
            report.allowed
        );
    }
    let count = |s: Severity| origins.iter().filter(|(r, _)| r.severity == s).count();
    let _ = writeln!(
        out,
        "{} probes; {} look-alike origins admitted: {} high, {} medium, {} low",
        report.rows.len(),
        origins.len(),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low)
    );
    out
}

fn kind(row: &Row) -> &'static str {
    match (row.probe.kind, row.probe.credentials) {
        (Kind::Simple, false) => "GET",
        (Kind::Simple, true) => "GET with a cookie",
        (Kind::Preflight, false) => "preflight",
        (Kind::Preflight, true) => "preflight (judged with credentials)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::probe::judge::{Answer, Probe};
    use crate::cli::probe::origins::Class;

    fn row(origin: &str, kind: Kind, severity: Severity) -> Row {
        let probe = Probe { class: Class::Null, origin: origin.to_owned(), kind, credentials: false };
        let answer = Answer { status: 200, allow_origin: Some(origin.to_owned()), allow_credentials: true };
        Row {
            probe,
            answer,
            admitted: severity != Severity::None,
            severity,
            scenario: Some("null-origin-allowed"),
            fix: "x",
        }
    }

    #[test]
    fn one_line_per_admitted_origin_under_its_class() {
        let report = Report {
            url: "https://api.test/x".into(),
            allowed: "http://a.test".into(),
            rows: vec![row("null", Kind::Simple, Severity::High), row("null", Kind::Preflight, Severity::High)],
        };
        let text = text(&report);
        assert!(text.contains("HIGH   null: see /lab scenario null-origin-allowed"), "{text}");
        assert!(text.contains("admitted by GET, preflight: Access-Control-Allow-Origin: null"), "{text}");
        assert!(text.contains("not admitted here"), "the allowed origin's row is missing: {text}");
        assert!(text.ends_with("2 probes; 1 look-alike origins admitted: 1 high, 0 medium, 0 low\n"), "{text}");
    }
}
