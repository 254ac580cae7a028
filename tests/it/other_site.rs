//! The other site's listener (`--other-port`, `--no-other-site`): its ready
//! line, its own Host names and headers, a busy port, the record it reads
//! back, and the favourite's CSRF defence over real TLS.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use f1_race_results::app::Application;
use f1_race_results::config::Config;

use crate::helpers::{Req, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_f1-race-results");

/// The binary's stdout with `extra` flags: `n` lines, then it is stopped,
/// then whatever else it had printed (its startup lines come all at once).
fn ready_lines(extra: &[&str], n: usize) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(BIN)
        .args(["--page-port", "0", "--api-port", "0", "--other-port", "0"])
        .args(extra)
        .arg("--certs-dir")
        .arg(dir.path())
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout).lines();
    let mut lines: Vec<String> = reader.by_ref().take(n).map_while(Result::ok).collect();
    let _ = child.kill();
    let _ = child.wait();
    lines.extend(reader.map_while(Result::ok));
    lines
}

#[test]
fn the_binary_names_the_other_site_after_its_lab_line() {
    let lines = ready_lines(&[], 4);
    assert!(lines.get(2).is_some_and(|l| l.starts_with("instructor lab:")), "the lab's line stays third: {lines:?}");
    let third = lines.get(3).map(String::as_str).unwrap_or_default();
    let port = third.strip_prefix("other site: http://localhost:").and_then(|rest| rest.split(' ').next());
    let port: u16 = port.and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("a port in {lines:?}"));
    assert_ne!(port, 0, "the real port, not the one asked for");
    assert!(third.ends_with(&format!("(cross-site: http://127.0.0.1:{port})")), "{third}");

    let without = ready_lines(&["--no-other-site"], 3);
    assert!(without.iter().all(|l| !l.contains("other site")), "{without:?}");
    assert!(without.get(2).is_some_and(|l| l.starts_with("instructor lab:")), "{without:?}");
}

#[tokio::test]
async fn no_other_site_leaves_exactly_the_two_origins() {
    let app = TestApp::spawn_with(|c| c.no_other_site = true).await;
    assert_eq!(app.running.other_port(), None);
    assert_eq!(app.running.other_site_line(), None);
    let home = app.page(Req::get("/")).await;
    assert!(!home.body.contains("other-site-links"), "no links to a site that does not run");
    let lab = app.page(Req::get("/lab")).await;
    assert!(lab.body.contains("The other site is off"), "{}", lab.body);
}

#[tokio::test]
async fn the_home_page_and_the_lab_link_both_names() {
    let app = TestApp::spawn().await;
    let port = app.running.other_port().expect("runs");
    for path in ["/", "/lab"] {
        let body = app.page(Req::get(path)).await.body;
        for name in [format!("http://localhost:{port}/"), format!("http://127.0.0.1:{port}/")] {
            assert!(body.contains(&format!("href=\"{name}\"")), "{path} links {name}");
        }
    }
}

#[tokio::test]
async fn the_other_site_answers_to_its_own_names_with_its_own_headers() {
    let app = TestApp::spawn().await;
    let port = app.running.other_port().expect("runs");
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
        let reply = app.other(Req::get("/").header("host", &host)).await;
        assert_eq!(reply.status, 200, "{host}");
    }
    let page_port = app.running.page_port();
    for host in ["evil.test".to_owned(), format!("evil.test:{port}"), format!("localhost:{page_port}")] {
        let reply = app.other(Req::get("/").header("host", &host)).await;
        assert_eq!(reply.status, 421, "{host}");
        assert!(!reply.body.contains("evil"), "the Host is never echoed");
    }
    let page = app.other(Req::get("/")).await;
    let csp = page.header("content-security-policy").unwrap_or_default();
    let api = app.running.api_url();
    assert!(csp.contains(&format!("form-action {api}")) && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert!(page.body.contains("id=\"other-results\"") && page.body.contains("data-technique=\"fetch-cors-post\""));
    let sandbox = app.other(Req::get("/sandbox")).await;
    assert_eq!(sandbox.header("x-frame-options"), Some("SAMEORIGIN"));
    assert!(sandbox.header("content-security-policy").unwrap_or_default().contains("frame-ancestors 'self'"));
}

#[tokio::test]
async fn a_busy_other_port_is_one_sentence_naming_the_flag() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = busy.local_addr().expect("addr").port();
    let certs = tempfile::tempdir().expect("temp dir");
    let mut config = Config::for_tests(certs.path());
    config.other_port = port;
    let error = Application::build(config).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.starts_with(&format!("port {port} is already in use")) && error.ends_with("--other-port"), "{error}");
}

#[tokio::test]
async fn observed_lists_what_the_api_recorded_for_one_run_only() {
    let app = TestApp::spawn().await;
    assert_eq!(app.other(Req::get("/observed?run=%3Cx%3E")).await.status, 400);
    app.api(Req::get("/api/v1/users/me?tab=Xrun001cc").origin("http://127.0.0.1:3002")).await;
    app.api(Req::get("/api/v1/users/me?tab=Xrun002cc")).await;
    let reply = app.other(Req::get("/observed?run=run001")).await;
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON");
    let exchanges = json["exchanges"].as_array().cloned().unwrap_or_default();
    assert_eq!(exchanges.len(), 1, "{json}");
    assert_eq!(exchanges[0]["status"], 401);
    assert_eq!(exchanges[0]["credentials"], false);
    assert_eq!(exchanges[0]["origin"], "http://127.0.0.1:3002");
    assert_eq!(json["executions"], 0);
    assert_eq!(json["scenario"], "default");
}

/// A form POST to the favourite from `origin`, with the session `cookie` if any.
fn vote(origin: &str, cookie: Option<&str>) -> Req {
    let req = Req::post("/api/v1/users/favourite", "application/x-www-form-urlencoded", "driver=ver").origin(origin);
    match cookie {
        Some(cookie) => req.header("cookie", cookie),
        None => req,
    }
}

#[tokio::test]
async fn a_forged_post_changes_state_until_the_lab_switches_the_defence_on() {
    let app = TestApp::spawn().await;
    let changes = &app.running.state().users.changes;
    let login = app.api(Req::post("/api/v1/users/session", "text/plain", "")).await;
    let cookie = login.header("set-cookie").and_then(|c| c.split(';').next()).expect("a session").to_owned();
    let other = "http://localhost:3002";

    assert_eq!(app.api(vote(other, None)).await.status, 401, "no session, no change");
    let forged = app.api(vote(other, Some(&cookie))).await;
    assert_eq!(forged.status, 200, "CORS refuses to share the answer, but the change is made");
    assert_eq!(forged.header("access-control-allow-origin"), None);
    assert_eq!((changes.executions(), app.running.state().users.favourite_code()), (1, Some("VER")));

    // The lab's switch, behind its CSRF check: without the lab's token, refused.
    let page = format!("http://localhost:{}", app.running.page_port());
    let bare = Req::post("/lab/csrf-defence", "application/x-www-form-urlencoded", "on=true").origin(&page);
    assert_eq!(app.page(bare).await.status, 403);
    assert!(!changes.defended());
    let csrf = app.running.state().lab.secrets.csrf.clone();
    let switch = Req::post("/lab/csrf-defence", "application/x-www-form-urlencoded", &format!("csrf={csrf}&on=true"))
        .origin(&page)
        .header("sec-fetch-site", "same-origin");
    assert_eq!(app.page(switch).await.status, 303);
    assert!(changes.defended());

    for origin in [other, "null", "http://127.0.0.1:3002"] {
        assert_eq!(app.api(vote(origin, Some(&cookie))).await.status, 403, "{origin}");
    }
    let no_origin = Req::post("/api/v1/users/favourite", "application/x-www-form-urlencoded", "driver=ham")
        .header("cookie", &cookie);
    assert_eq!(app.api(no_origin).await.status, 403, "a state change with no Origin is refused too");
    assert_eq!(changes.executions(), 1, "nothing changed");
    assert_eq!(app.api(vote(&page, Some(&cookie))).await.status, 200, "the page origin's own form still works");
    assert_eq!(changes.executions(), 2);
}
