//! `f1-race-results check`, the real binary: against the app under every
//! lab scenario (its verdict must be the outcome the scenario predicts for
//! the same request from the `/cors` page), against a small scripted
//! server for the warnings and redirects, and with bad input.

use f1_race_results::lab::scenario;
use std::path::Path;
use std::process::Output;
use tokio::process::Command;

use crate::helpers::TestApp;

const BIN: &str = env!("CARGO_BIN_EXE_f1-race-results");
const BASIC: &str = "Basic dXNlcjpwYXNzd29yZA==";

/// Runs `check` with `args`, trusting no app CA but the one given.
async fn check(args: &[&str]) -> Output {
    let no_certs = tempfile::tempdir().expect("temp dir");
    Command::new(BIN)
        .arg("check")
        .args(args)
        .env("F1_CERTS_DIR", no_certs.path())
        .output()
        .await
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `/cors` buttons `check` can send, as `check` arguments (path, then flags):
/// the same requests as `static/js/cors.js`.
const BUTTONS: &[(&str, &str, &[&str])] = &[
    ("cors-simple-get", "/cors/results", &[]),
    (
        "cors-simple-post",
        "/cors/results",
        &["--data", "standings=latest", "--content-type", "application/x-www-form-urlencoded;charset=UTF-8"],
    ),
    (
        "cors-json-post",
        "/cors/results",
        &["--method", "POST", "--content-type", "application/json", "--data", "{\"standings\":\"latest\"}"],
    ),
    ("cors-custom-header", "/cors/results", &["--header", "X-Requested-With: XMLHttpRequest"]),
    (
        "cors-put",
        "/api/v1/users/favourite",
        &["--method", "PUT", "--content-type", "application/json", "--data", "{\"driver\":\"HAM\"}"],
    ),
    ("cors-delete", "/api/v1/users/favourite", &["--method", "DELETE"]),
    (
        "cors-basic-auth",
        "/api/v1/admin/standings",
        &["--credentials", "--header", "Authorization: Basic dXNlcjpwYXNzd29yZA=="],
    ),
    ("cors-cookie-login", "/api/v1/users/session", &["--method", "POST", "--credentials"]),
    ("cors-cookie-me", "/api/v1/users/me", &["--credentials"]),
    ("cors-cookie-logout", "/api/v1/users/session", &["--method", "DELETE", "--credentials"]),
    ("cors-public-get", "/api/v1/public/standings", &[]),
    ("cors-null-origin", "/api/v1/users/me", &["--credentials", "--origin", "null"]),
];

/// Where `check` cannot reproduce the `/cors` page's click, and why:
/// - `auth-before-cors` / `cors-cookie-me`: the page sends the session cookie
///   its login set; `check` has no cookie jar (a `Cookie` header with
///   `--credentials` would carry one), so the auth layer's 401 blocks it;
/// - `preflight-redirect` / simple GET and POST: the browser follows the 308
///   and reads the slashed URL; `check` never follows a redirect and reports it
///   (exit 1, "redirected") with what a browser does next.
const NOT_REPRODUCED: &[(&str, &str)] = &[
    ("auth-before-cors", "cors-cookie-me"),
    ("preflight-redirect", "cors-simple-get"),
    ("preflight-redirect", "cors-simple-post"),
];

/// `check`'s verdict on one button's request: "ok" or "blocked".
async fn verdict(app: &TestApp, ca: &Path, path: &str, flags: &[&str]) -> String {
    let url = format!("{}{path}", app.running.api_url());
    let page = app.running.page_url();
    let mut args = vec![url.as_str(), "--cacert", ca.to_str().expect("UTF-8 path")];
    if !flags.contains(&"--origin") {
        args.extend(["--origin", page.as_str()]);
    }
    args.extend(flags);
    let output = check(&args).await;
    match output.status.code() {
        Some(0) => "ok".to_owned(),
        Some(1) => "blocked".to_owned(),
        _ => format!("exit {:?}: {}", output.status.code(), stderr(&output)),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_reaches_the_outcome_every_scenario_predicts() {
    let app = TestApp::spawn().await;
    let ca = app.running.ca_cert().expect("generated CA").clone();
    let mut wrong = Vec::new();
    for scenario in scenario::all().expect("scenarios parse") {
        app.running.state().lab.apply(&scenario.name).expect("known scenario");
        for (button, path, flags) in BUTTONS {
            let Some(predicted) = scenario.expect.outcomes.get(*button) else { continue };
            let got = verdict(&app, &ca, path, flags).await;
            if NOT_REPRODUCED.contains(&(scenario.name.as_str(), *button)) {
                // Named, not skipped: what `check` says must still differ as written there.
                assert_ne!(&got, predicted, "{} {button} is listed in NOT_REPRODUCED but agrees", scenario.name);
                continue;
            }
            if &got != predicted {
                wrong.push(format!("{} {button}: check says {got}, predicted {predicted}", scenario.name));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readable_headers_follow_access_control_expose_headers() {
    let app = TestApp::spawn().await;
    let ca = app.running.ca_cert().expect("generated CA").clone();
    let url = format!("{}/cors/results", app.running.api_url());
    let page = app.running.page_url();
    let args = [url.as_str(), "--origin", &page, "--cacert", ca.to_str().expect("UTF-8 path"), "--json"];
    for (name, exposed) in [("default", true), ("expose-missing", false)] {
        app.running.state().lab.apply(name).expect("known scenario");
        let output = check(&args).await;
        let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
        let readable = report["readable_headers"].as_array().expect("a list").clone();
        for header in ["x-total-count", "x-race-lap"] {
            assert_eq!(readable.contains(&header.into()), exposed, "{name}: {header} in {readable:?}");
        }
        assert!(readable.contains(&"content-type".into()), "safelisted: {readable:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tutorial_request_is_allowed_by_the_shipped_policy() {
    let app = TestApp::spawn().await;
    let ca = app.running.ca_cert().expect("generated CA").clone();
    let url = format!("{}/cors/results", app.running.api_url());
    let page = app.running.page_url();
    let ca = ca.to_str().expect("UTF-8 path");
    let args =
        [url.as_str(), "--origin", &page, "--method", "POST", "--content-type", "application/json", "--cacert", ca];
    let output = check(&args).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(text.contains("Chromium: allowed"), "{text}");
    assert!(text.contains("> Access-Control-Request-Headers: content-type"), "{text}");
    assert!(text.contains("> Access-Control-Request-Method: POST"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authorization_value_never_appears_in_the_output() {
    let app = TestApp::spawn().await;
    let ca = app.running.ca_cert().expect("generated CA").clone();
    let url = format!("{}/api/v1/admin/standings", app.running.api_url());
    let page = app.running.page_url();
    let header = format!("Authorization: {BASIC}");
    let ca = ca.to_str().expect("UTF-8 path");
    for json in [false, true] {
        let mut args = vec![url.as_str(), "--origin", &page, "--credentials", "--header", &header, "--cacert", ca];
        args.extend(json.then_some("--json"));
        let output = check(&args).await;
        let all = stdout(&output) + &stderr(&output);
        assert_eq!(output.status.code(), Some(0), "{all}");
        assert!(all.contains("Authorization"), "its presence is shown: {all}");
        assert!(!all.contains("dXNlcjpwYXNzd29yZA"), "the value leaked: {all}");
        if json {
            let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
            assert_eq!(report["outcome"], "allowed");
            assert_eq!(report["preflight_reason"]["headers"][0], "authorization");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_is_one_sentence_and_exit_2_unless_insecure() {
    let app = TestApp::spawn().await;
    let url = format!("{}/cors/results", app.running.api_url());
    let page = app.running.page_url();
    let output = check(&[&url, "--origin", &page]).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: the certificate of localhost:") && err.contains("--cacert"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(output.stdout.is_empty());

    let output = check(&[&url, "--origin", &page, "--insecure"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("--insecure: the server's certificate is not checked"));
}

#[tokio::test]
async fn bad_input_gets_one_sentence_and_exit_2() {
    let cases: [(&[&str], &str); 5] = [
        (&["http://exa mple.test/", "--origin", "http://localhost:3000"], "the URL does not parse"),
        (&["ftp://example.test/", "--origin", "http://localhost:3000"], "http:// or https://"),
        (&["http://127.0.0.1:1/", "--origin", "http://localhost:3000", "--header", "X-Secret s3cr3t"], "colon"),
        (&["http://127.0.0.1:1/", "--origin", "http://localhost:3000/page"], "--origin must be an origin"),
        (&["http://127.0.0.1:1/", "--origin", "http://localhost:3000"], "cannot connect to 127.0.0.1:1"),
    ];
    for (args, says) in cases {
        let output = check(args).await;
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: ") && err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("s3cr3t") && output.stdout.is_empty(), "{args:?}: {err}");
    }
    // A server that accepts the connection and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let url = format!("http://{}/", silent.local_addr().expect("bound"));
    let output = check(&[&url, "--origin", "http://localhost:3000", "--timeout", "0.5"]).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: no answer from 127.0.0.1:") && err.contains("within 0.5 s"), "{err}");
    let output = check(&["http://127.0.0.1:1/"]).await;
    assert_eq!(output.status.code(), Some(2), "clap asks for --origin");
}

mod scripted;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_request_is_told_in_each_browsers_own_words_and_codes() {
    let app = TestApp::spawn().await;
    let ca = app.running.ca_cert().expect("generated CA").clone();
    app.running.state().lab.apply("wrong-origin").expect("known scenario");
    let url = format!("{}/cors/results", app.running.api_url());
    let page = app.running.page_url();
    let ca = ca.to_str().expect("UTF-8 path");
    let output = check(&[url.as_str(), "--origin", &page, "--cacert", ca, "--json"]).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    let line = |browser: &str| {
        report["browsers"].as_array().expect("a list").iter().find(|b| b["browser"] == browser).cloned().expect(browser)
    };
    let (chromium, firefox) = (line("chromium"), line("firefox"));
    assert_eq!(chromium["code"], "MissingAllowOriginHeader", "{chromium:#}");
    assert!(chromium["console"].as_str().is_some_and(|m| m.starts_with("Access to fetch at")), "{chromium:#}");
    assert_eq!(firefox["code"], "CORSMissingAllowOrigin2", "{firefox:#}");
    assert!(firefox["console"].as_str().is_some_and(|m| m.starts_with("Cross-Origin Request Blocked")), "{firefox:#}");
}
