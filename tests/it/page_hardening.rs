//! The page origin's promises to the browser (docs/hardening.md): security
//! headers per kind of response, the Host check on both origins, and when
//! the instructor token is required and printed.

use std::time::Duration;

use crate::helpers::{Req, TestApp};
use crate::wire::{Side, raw};

const WAIT: Duration = Duration::from_secs(2);

#[tokio::test]
async fn every_page_origin_response_forbids_framing_sniffing_and_inline_code() {
    let app = TestApp::spawn().await;
    let api = format!("https://localhost:{}", app.running.api_port());
    for path in ["/", "/iframe", "/ajax", "/jsonp", "/cors", "/lab", "/ajax/results", "/static/js/cors.js", "/nope"] {
        let reply = app.page(Req::get(path)).await;
        let csp = reply.header("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP"));
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains(&format!("script-src 'self' {api};")), "{path}: {csp}");
        assert!(csp.contains(&format!("connect-src 'self' {api};")), "{path}: {csp}");
        assert!(!csp.contains("unsafe-"), "{path}: {csp}");
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{path}");
        let html = reply.header("content-type").is_some_and(|t| t.starts_with("text/html"));
        assert_eq!(reply.header("referrer-policy"), html.then_some("same-origin"), "{path}");
    }
}

#[tokio::test]
async fn the_csp_names_the_api_origin_under_the_name_the_page_was_opened_with() {
    let app = TestApp::spawn().await;
    let (page, api) = (app.running.page_port(), app.running.api_port());
    // CSP cannot name an IPv6 literal: under one, the API is any host on its port.
    for (name, source) in [("127.0.0.1", "127.0.0.1"), ("[::1]", "*")] {
        let reply = app.page(Req::get("/jsonp").header("host", &format!("{name}:{page}"))).await;
        let csp = reply.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains(&format!("script-src 'self' https://{source}:{api};")), "{name}: {csp}");
    }
}

#[tokio::test]
async fn the_frames_the_pages_use_may_be_framed_by_this_origin_only() {
    let app = TestApp::spawn().await;
    for path in ["/iframe/results", "/cors/sandbox"] {
        let reply = app.page(Req::get(path)).await;
        assert_eq!(reply.status, 200, "{path}");
        let csp = reply.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'self'") && !csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(reply.header("x-frame-options"), Some("SAMEORIGIN"), "{path}");
    }
}

#[tokio::test]
async fn the_api_origin_sends_nosniff_everywhere_and_its_html_is_framed_by_no_one() {
    let app = TestApp::spawn().await;
    let index = app.api(Req::get("/")).await;
    let csp = index.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(index.header("x-frame-options"), Some("DENY"));
    for path in ["/", "/jsonp/results?callback=refreshSection", "/api/v1/public/standings", "/nope"] {
        let reply = app.api(Req::get(path)).await;
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{path}");
    }
}

#[tokio::test]
async fn unknown_hosts_are_misdirected_and_never_repeated() {
    let app = TestApp::spawn().await;
    let (page, api) = (app.running.page_port(), app.running.api_port());
    let wrong = ["rebound.evil.example:{port}", "localhost:{other}", "localhost"];
    for side in [Side::Page, Side::Api] {
        let (port, other) = if side == Side::Page { (page, api) } else { (api, page) };
        for pattern in wrong {
            let host = pattern.replace("{port}", &port.to_string()).replace("{other}", &other.to_string());
            let req = Req::get("/").header("host", &host);
            let reply = if side == Side::Page { app.page(req).await } else { app.api(req).await };
            assert_eq!(reply.status, 421, "{side:?} {host}: {}", reply.body);
            assert!(!reply.body.contains("evil") && !reply.body.contains(&host), "{side:?}: {}", reply.body);
            assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
            assert!(reply.access_control().is_empty(), "{side:?} {host}: no CORS answer for a stranger");
        }
        for name in ["LocalHost", "127.0.0.1", "[::1]"] {
            let req = Req::get("/").header("host", &format!("{name}:{port}"));
            let reply = if side == Side::Page { app.page(req).await } else { app.api(req).await };
            assert_eq!(reply.status, 200, "{side:?} {name}");
        }
    }
}

#[tokio::test]
async fn a_missing_or_malformed_host_is_a_bad_request() {
    let app = TestApp::spawn().await;
    for side in [Side::Page, Side::Api] {
        let port = side.port(&app);
        for head in [
            "GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_owned(),
            format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
            "GET / HTTP/1.1\r\nHost: local<script>host:1\r\nConnection: close\r\n\r\n".to_owned(),
        ] {
            let reply = raw(&app, side, head.as_bytes(), WAIT).await;
            assert_eq!(reply.status(), Some(400), "{side:?} {head:?}: {:.300}", reply.text);
            assert!(!reply.text.contains("<script>"), "{side:?}: {}", reply.text);
        }
    }
}

#[tokio::test]
async fn an_absolute_form_request_is_judged_by_its_target() {
    let app = TestApp::spawn().await;
    let port = app.running.page_port();
    let good = format!("GET http://localhost:{port}/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assert_eq!(raw(&app, Side::Page, good.as_bytes(), WAIT).await.status(), Some(200));
    let bad =
        format!("GET http://evil.example:{port}/ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n");
    assert_eq!(raw(&app, Side::Page, bad.as_bytes(), WAIT).await.status(), Some(421));
}

#[tokio::test]
async fn a_lan_bind_implies_the_token_and_prints_it() {
    let app = TestApp::spawn_with(|c| c.bind = Some("0.0.0.0".parse().expect("an IP"))).await;
    assert!(app.running.state().lab.secrets.token_always);
    let line = app.running.lab_line();
    assert!(line.contains(&format!("/lab?token={}", app.running.lab_token())), "{line}");
    assert!(line.contains("--bind 0.0.0.0"), "{line}");
}

#[tokio::test]
async fn a_lan_host_implies_the_token_too() {
    let app = TestApp::spawn_with(|c| c.host = "lab.test".into()).await;
    assert!(app.running.state().lab.secrets.token_always);
    assert!(app.running.lab_line().contains(app.running.lab_token()));
}

#[tokio::test]
async fn on_loopback_the_token_is_not_printed() {
    let app = TestApp::spawn().await;
    assert!(!app.running.state().lab.secrets.token_always);
    let line = app.running.lab_line();
    assert!(!line.contains(app.running.lab_token()) && !line.contains("token="), "{line}");
    assert!(line.contains("trusted"), "{line}");
}

/// The binary's third startup line, with `args` added.
fn lab_line_of_binary(args: &[&str]) -> String {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_f1-race-results"))
        // Port 0: the kernel's free ports (the line read here names the page's).
        .args(["--page-port", "0", "--api-port", "0", "--other-port", "0"])
        .arg("--certs-dir")
        .arg(dir.path().join("certs"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let line = BufReader::new(stdout).lines().nth(2).and_then(Result::ok).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    line
}

#[test]
fn the_binary_prints_the_token_only_when_it_is_required() {
    let local = lab_line_of_binary(&[]);
    assert!(local.starts_with("instructor lab: http://localhost:") && !local.contains("token="), "{local}");
    let lan = lab_line_of_binary(&["--bind", "0.0.0.0"]);
    assert!(lan.contains("/lab?token=") && lan.contains("implies --lab-token-always"), "{lan}");
}
