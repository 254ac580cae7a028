//! `f1-race-results export`, verified by running the real thing: for the
//! shipped policy and every scenario a target can express, each request of
//! the matrix (`export/matrix.rs`) gets the same browser verdict from the
//! real middleware serving the export as from the app, except for the
//! differences `export/expected.rs` names, each the target's own behaviour
//! (docs/export.md). Scenarios whose quirks are not policy are not compared,
//! and say so.

use std::path::PathBuf;

mod expected;
mod matrix;
mod stacks;
mod tower;

use f1_race_results::cli::export::{ExportArgs, Format, load, render};
use f1_race_results::lab::scenario;

use crate::helpers::TestApp;
use matrix::{Outcome, actual, cases, judge, preflight};
use stacks::Stack;

/// One request where the target's verdict differs from the app's.
#[derive(Debug)]
pub struct Difference {
    pub scenario: String,
    pub case: String,
    pub app: Outcome,
    pub target: Outcome,
}

/// Exports every scenario for `format`, serves each with `start`, and
/// holds the differences to the expected table.
async fn verify(format: Format, start: impl Fn(usize, &str) -> Stack, prepare: impl FnOnce(&[String])) {
    // (label, scenario, policy file): the shipped policy, every scenario, and
    // a policy using what those do not.
    let everything = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/export/everything.toml"));
    let sources: Vec<(String, Option<String>, Option<PathBuf>)> = [("default".to_owned(), None, None)]
        .into_iter()
        .chain(scenario::all().expect("scenarios").into_iter().map(|s| (s.name.clone(), Some(s.name), None)))
        .chain([("everything.toml".to_owned(), None, Some(everything))])
        .collect();
    let mut apps = Vec::new();
    let mut texts = Vec::new();
    for (label, name, policy) in sources {
        let app = TestApp::spawn_with(|c| {
            c.scenario = name.clone();
            c.policy = policy.clone();
        })
        .await;
        let args = ExportArgs {
            format,
            policy,
            scenario: name,
            host: "localhost".to_owned(),
            page_port: app.running.page_port(),
            api_port: app.running.api_port(),
        };
        let export = load(&args).expect("every scenario exports");
        if !export.not_exported.is_empty() {
            eprintln!("not compared: {label} ({format:?}): {}", export.not_exported.join(" "));
            app.stop().await;
            continue;
        }
        texts.push(render(format, &export));
        apps.push((label, app));
    }
    prepare(&texts);
    let mut differences = Vec::new();
    for (i, ((label, app), text)) in apps.iter().zip(&texts).enumerate() {
        let stack = start(i, text);
        for case in cases(app.running.page_port(), app.running.api_port()) {
            let (app_pre, stack_pre) = match preflight(&case.spec) {
                Some(req) => (Some(app.api(req.clone()).await), Some(stacks::send(stack.port, req).await)),
                None => (None, None),
            };
            let app_outcome = judge(&case.spec, app_pre.as_ref(), Some(&app.api(actual(&case.spec)).await));
            let stack_actual = stacks::send(stack.port, actual(&case.spec)).await;
            let stack_outcome = judge(&case.spec, stack_pre.as_ref(), Some(&stack_actual));
            if app_outcome != stack_outcome {
                differences.push(Difference {
                    scenario: label.clone(),
                    case: case.name,
                    app: app_outcome,
                    target: stack_outcome,
                });
            }
        }
    }
    for (_, app) in apps {
        app.stop().await;
    }
    expected::hold(format, &differences);
}

#[tokio::test(flavor = "multi_thread")]
async fn rack_cors_export_behaves_as_the_app_in_real_rack_cors() {
    if !stacks::found("rackup", "ruby-rack") || !stacks::found("thin", "thin") {
        return;
    }
    let rack_cors = std::process::Command::new("ruby").args(["-e", "require 'rack/cors'"]).status();
    if !rack_cors.is_ok_and(|s| s.success()) {
        assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "rack-cors is required when CI is set");
        eprintln!("SKIP export test: rack-cors not found (apt-get install ruby-rack-cors)");
        return;
    }
    verify(Format::RackCors, |_, text| stacks::rack(text), |_| {}).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn nginx_export_behaves_as_the_app_in_real_nginx() {
    if !stacks::found("nginx", "nginx-light") {
        return;
    }
    verify(Format::Nginx, |_, text| stacks::nginx(text), |_| {}).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn express_export_behaves_as_the_app_in_real_express_with_cors() {
    let modules = ["/usr/share/nodejs/express", "/usr/share/nodejs/cors"];
    if !stacks::found("node", "nodejs node-express node-cors") {
        return;
    }
    if let Some(missing) = modules.iter().find(|m| !std::path::Path::new(m).exists()) {
        assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "{missing} is required when CI is set");
        eprintln!("SKIP export test: {missing} not found (apt-get install node-express node-cors)");
        return;
    }
    verify(Format::Express, |_, text| stacks::express(text), |_| {}).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn tower_http_export_compiles_and_behaves_as_the_app_with_the_real_cors_layer() {
    let binary: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    verify(
        Format::TowerHttp,
        |i, _| stacks::binary(binary.get().expect("built"), &[&i.to_string()]),
        |texts| {
            let _ = binary.set(tower::build(texts));
        },
    )
    .await;
}

#[test]
fn the_binary_prints_an_export_and_refuses_bad_input_in_one_sentence() {
    let bin = env!("CARGO_BIN_EXE_f1-race-results");
    let run = |args: &[&str]| std::process::Command::new(bin).arg("export").args(args).output().expect("runs");
    let ok = run(&["--format", "nginx", "--page-port", "4000"]);
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("\"http://localhost:4000\" \"http://localhost:4000\";"));
    for (args, says) in [
        (&["--format", "nginx", "--scenario", "nope"][..], "there is no scenario \"nope\""),
        (&["--format", "nginx", "--policy", "/nonexistent.toml"][..], "cannot read the policy file /nonexistent.toml"),
        (&["--format", "xml"][..], "invalid value 'xml' for '--format <FORMAT>'"),
    ] {
        let out = run(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: ") && err.contains(says), "{args:?}: {err}");
    }
    let bad = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(
        bad.path(),
        "[[allow]]\norigins = [\"*\"]\n  [[allow.resource]]\n  path = \"/a/*\"\n  credentials = true\n",
    )
    .expect("written");
    let out = run(&["--format", "express", "--policy", &bad.path().display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("invalid CORS policy") && err.contains("cannot be combined with credentials"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
