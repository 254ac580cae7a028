//! `f1-race-results probe`, the real binary: against the app under every lab
//! scenario (its findings are the scenario's lesson, and nothing under the
//! shipped policy), against a small scripted server, and its exit statuses
//! and one-sentence errors.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use f1_race_results::lab::scenario;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::process::Command;

use crate::helpers::TestApp;

const BIN: &str = env!("CARGO_BIN_EXE_f1-race-results");

/// What one run of the binary said.
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

async fn probe(args: &[&str]) -> Run {
    let out = Command::new(BIN).arg("probe").args(args).output().await.expect("the binary runs");
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The look-alike classes found, by severity, from `--json`.
fn findings(run: &Run) -> BTreeMap<String, BTreeSet<String>> {
    let report: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("JSON: {e}\n{}", run.stdout));
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in report["rows"].as_array().expect("rows") {
        let severity = row["severity"].as_str().expect("severity");
        if severity != "none" {
            out.entry(severity.to_owned()).or_default().insert(row["class"].as_str().expect("class").to_owned());
        }
    }
    out
}

/// What each scenario teaches, as the probe should find it on the
/// credentialed `/api/v1/users/me`: `(severity, classes)`.
fn lesson(name: &str) -> Vec<(&'static str, &'static [&'static str])> {
    const LOOK_ALIKES: &[&str] =
        &["any-origin", "null", "port", "prefix", "scheme", "special-character", "subdomain", "suffix", "third-party"];
    match name {
        // Any Origin echoed with credentials: every look-alike, and the
        // origins no browser sends.
        "reflect-any-origin" => vec![("high", LOOK_ALIKES), ("low", &["case", "trailing-slash"])],
        "null-origin-allowed" => vec![("high", &["null"])],
        // /localhost/ matches every origin with the word in it.
        "unanchored-pattern" => vec![
            ("high", &["port", "prefix", "scheme", "special-character", "subdomain", "suffix"]),
            ("low", &["trailing-slash"]),
        ],
        // The wrong origin allowed is, for this page, another origin admitted.
        "port-mismatch" => vec![("high", &["port"])],
        "scheme-mismatch" => vec![("high", &["scheme"])],
        // `*` with credentials: anyone reads what needs no login; browsers
        // refuse it with credentials.
        "wildcard-with-credentials" => vec![(
            "low",
            &[
                "any-origin",
                "case",
                "null",
                "port",
                "prefix",
                "scheme",
                "special-character",
                "subdomain",
                "suffix",
                "third-party",
                "trailing-slash",
            ],
        )],
        _ => Vec::new(),
    }
}

fn as_map(lesson: Vec<(&'static str, &'static [&'static str])>) -> BTreeMap<String, BTreeSet<String>> {
    lesson.into_iter().map(|(s, classes)| (s.to_owned(), classes.iter().map(|c| (*c).to_owned()).collect())).collect()
}

#[tokio::test]
async fn under_every_scenario_the_probe_finds_exactly_what_it_teaches() {
    let app = TestApp::spawn().await;
    let ca = app.running.ca_cert().expect("generated CA").display().to_string();
    let url = format!("{}/api/v1/users/me", app.running.api_url());
    let origin = app.running.page_url();
    let names =
        std::iter::once("default".to_owned()).chain(scenario::all().expect("parse").into_iter().map(|s| s.name));
    let mut wrong = Vec::new();
    for name in names {
        app.running.state().lab.apply(&name).expect("known");
        let run = probe(&[&url, "--origin", &origin, "--cacert", &ca, "--json"]).await;
        let (found, expected) = (findings(&run), as_map(lesson(&name)));
        let high = expected.contains_key("high");
        if found != expected || run.status != i32::from(high) {
            wrong.push(format!("{name}: exit {}, found {found:?}, expected {expected:?}", run.status));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn the_text_report_links_each_finding_to_its_scenario_and_fix() {
    let app = TestApp::spawn().await;
    app.running.state().lab.apply("null-origin-allowed").expect("known");
    let ca = app.running.ca_cert().expect("generated CA").display().to_string();
    let url = format!("{}/api/v1/users/me", app.running.api_url());
    let run = probe(&[&url, "--origin", &app.running.page_url(), "--cacert", &ca, "--credentials"]).await;
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("HIGH   null: see /lab scenario null-origin-allowed; fix: never allow null"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("admitted by GET, GET with a cookie, preflight"), "{}", run.stdout);
    assert!(run.stdout.contains("1 look-alike origins admitted: 1 high"), "{}", run.stdout);
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused_unless_insecure() {
    let app = TestApp::spawn().await;
    let url = format!("{}/cors/results", app.running.api_url());
    let origin = app.running.page_url();
    // The worktree's own certs/ca.pem, if any, is not this run's CA.
    let refused = probe(&[&url, "--origin", &origin]).await;
    assert_eq!(refused.status, 2, "{}", refused.stdout);
    assert!(refused.stderr.starts_with("error: ") && refused.stderr.lines().count() == 1, "{}", refused.stderr);
    let insecure = probe(&[&url, "--origin", &origin, "--insecure"]).await;
    assert_eq!(insecure.status, 0, "{}{}", insecure.stdout, insecure.stderr);
    assert!(insecure.stdout.contains("0 look-alike origins admitted"), "{}", insecure.stdout);
}

#[tokio::test]
async fn usage_and_network_errors_exit_2_with_one_sentence() {
    let closed = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let cases: [(&[&str], &str); 3] = [
        (&["http://127.0.0.1:1/x", "--origin", "localhost:3000"], "--origin"),
        (&["ftp://127.0.0.1/x", "--origin", "http://localhost:3000"], "must start with http:// or https://"),
        (&[&format!("http://127.0.0.1:{port}/x"), "--origin", "http://localhost:3000"], "cannot connect"),
    ];
    for (args, words) in cases {
        let run = probe(args).await;
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(words) && run.stderr.lines().count() == 1, "{args:?}: {}", run.stderr);
    }
    assert_eq!(probe(&["--origin", "http://localhost:3000"]).await.status, 2, "no URL: clap's usage error");
}

/// A server that answers every request with the CORS headers `script`
/// writes for its Origin (plain HTTP, one request per connection).
async fn scripted(script: fn(&str) -> Vec<(&'static str, String)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://127.0.0.1:{}/api", listener.local_addr().expect("addr").port());
    let script = Arc::new(script);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let script = Arc::clone(&script);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let origin = head
                    .lines()
                    .find_map(|l| l.strip_prefix("origin: ").or_else(|| l.strip_prefix("Origin: ")))
                    .unwrap_or_default();
                let mut reply = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n".to_owned();
                for (name, value) in script(origin) {
                    reply.push_str(&format!("{name}: {value}\r\n"));
                }
                reply.push_str("\r\n");
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn against_a_scripted_server_that_trusts_any_evil_test_subdomain() {
    // The classic suffix check: `origin.ends_with(".evil.test")` meant as
    // "our partner's subdomains", with credentials.
    let url = scripted(|origin| {
        if origin.ends_with(".evil.test") || origin == "https://app.evil.test" {
            vec![
                ("access-control-allow-origin", origin.to_owned()),
                ("access-control-allow-credentials", "true".into()),
            ]
        } else {
            Vec::new()
        }
    })
    .await;
    let run = probe(&[&url, "--origin", "https://app.evil.test", "--json"]).await;
    assert_eq!(run.status, 1, "{}", run.stderr);
    let found = findings(&run);
    assert_eq!(found.keys().collect::<Vec<_>>(), ["high"], "{found:?}");
    // The special characters before ".evil.test" and the prefix end with it;
    // another subdomain, the scheme flip, and the unescaped dot are caught.
    for class in ["prefix", "special-character", "subdomain", "scheme"] {
        assert!(found["high"].contains(class), "{class}: {found:?}");
    }
    assert!(!found["high"].contains("null") && !found["high"].contains("third-party"), "{found:?}");
}

#[tokio::test]
async fn against_a_scripted_server_that_answers_star_without_credentials() {
    let url = scripted(|_| vec![("access-control-allow-origin", "*".to_owned())]).await;
    let run = probe(&[&url, "--origin", "http://localhost:3000", "--json"]).await;
    assert_eq!(run.status, 0, "nothing high: {}", run.stderr);
    let found = findings(&run);
    assert_eq!(found.keys().collect::<Vec<_>>(), ["low"], "a * is low: {found:?}");
}

/// The lab's form POST, as the lab page sends it.
fn lab_probe(app: &TestApp, csrf: &str) -> crate::helpers::Req {
    let page = app.running.page_url();
    crate::helpers::Req::post("/lab/probe", "application/x-www-form-urlencoded", &format!("csrf={csrf}"))
        .header("origin", &page)
        .header("sec-fetch-site", "same-origin")
}

#[tokio::test]
async fn the_lab_button_probes_the_setup_in_force_behind_the_lab_checks() {
    let app = TestApp::spawn().await;
    let csrf = app.running.state().lab.secrets.csrf.clone();
    let shipped = app.page(lab_probe(&app, &csrf)).await;
    assert_eq!(shipped.status, 200, "{}", shipped.body);
    assert!(shipped.body.contains("no look-alike origin admitted"), "{}", shipped.body);
    assert!(!shipped.body.contains(r#"data-severity="high""#));
    app.running.state().lab.apply("null-origin-allowed").expect("known");
    let null = app.page(lab_probe(&app, &csrf)).await;
    let high: Vec<&str> = null.body.lines().filter(|l| l.contains(r#"data-severity="high""#)).collect();
    assert_eq!(high.len(), 2, "null, as a GET and a preflight: {high:#?}");
    assert!(high.iter().all(|l| l.contains(r#"data-origin="null""#) && l.contains(r#"data-admitted="true""#)));
    assert!(null.body.contains("scenario <code>null-origin-allowed</code>"), "the finding links its scenario");
    assert_eq!(app.page(lab_probe(&app, "wrong")).await.status, 403, "a change's checks apply");
}
