//! Starting, restarting and failing to start.

use std::net::TcpListener;

use f1_race_results::app::{Application, StartupError};
use f1_race_results::config::Config;

use crate::helpers::{Req, TestApp, connector_trusting};

#[tokio::test]
async fn certificates_are_reused_across_restarts() {
    let first = TestApp::spawn().await;
    let ca_path = first.certs.path().join("ca.pem");
    let ca_before = std::fs::read(&ca_path).expect("ca.pem written");
    let cert_before = std::fs::read(first.certs.path().join("cert.pem")).expect("cert.pem written");
    let old_trust = connector_trusting(&ca_path);
    let certs = first.stop().await;

    let second = TestApp::spawn_in(certs, |_| {}).await;
    assert_eq!(std::fs::read(&ca_path).expect("ca.pem"), ca_before, "the CA is kept");
    assert_eq!(std::fs::read(second.certs.path().join("cert.pem")).expect("cert.pem"), cert_before);
    let reply = second.api_with(&old_trust, Req::get("/")).await.expect("the old trust still verifies");
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn a_client_trusting_another_ca_is_refused() {
    let app = TestApp::spawn().await;
    let other = TestApp::spawn().await;
    let foreign = connector_trusting(&other.certs.path().join("ca.pem"));
    let err = app.api_with(&foreign, Req::get("/")).await.expect_err("verification must fail");
    assert!(err.to_string().to_lowercase().contains("certificate"), "{err}");
}

#[tokio::test]
async fn a_new_host_name_gets_a_certificate_that_covers_it() {
    let certs = tempfile::tempdir().expect("temp dir");
    let first = TestApp::spawn_in(certs, |_| {}).await;
    let ca = std::fs::read(first.certs.path().join("ca.pem")).expect("ca");
    let cert = std::fs::read(first.certs.path().join("cert.pem")).expect("cert");
    let certs = first.stop().await;
    let second = TestApp::spawn_in(certs, |c| c.host = "lab.local".to_owned()).await;
    // The CA's name constraints did not cover lab.local: a new CA.
    assert_ne!(std::fs::read(second.certs.path().join("ca.pem")).expect("ca"), ca, "a new CA");
    assert_ne!(std::fs::read(second.certs.path().join("cert.pem")).expect("cert"), cert, "the leaf is new");
    assert_eq!(second.running.page_url(), format!("http://lab.local:{}", second.running.page_port()));
}

#[tokio::test]
async fn a_busy_port_is_one_clear_error() {
    let busy = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = busy.local_addr().expect("addr").port();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::for_tests(dir.path());
    config.page_port = port;
    let err = match Application::build(config).await {
        Err(err) => err,
        Ok(_) => panic!("the port is taken"),
    };
    assert!(matches!(err, StartupError::PortInUse { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&port.to_string()) && message.contains("--page-port"), "{message}");
    assert!(!message.contains('\n'));
}

#[tokio::test]
async fn an_unwritable_certs_dir_is_one_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").expect("write");
    let config = Config::for_tests(file.join("certs"));
    let err = match Application::build(config).await {
        Err(err) => err,
        Ok(_) => panic!("a path under a file cannot hold certificates"),
    };
    let message = err.to_string();
    assert!(message.contains("a-file/certs") && message.contains("--certs-dir"), "{message}");
}

#[tokio::test]
async fn the_page_origin_serves_every_page_and_fragment() {
    let app = TestApp::spawn().await;
    for (path, needle) in [
        ("/", "Can this browser reach the API origin?"),
        ("/iframe", "id=\"results-frame\""),
        ("/iframe/results", "iframe-results.js"),
        ("/ajax", "id=\"refresh-cross-origin\""),
        ("/ajax/results", "data-lap="),
        ("/jsonp", "/static/js/jsonp.js"),
        ("/cors", "/static/js/cors.js"),
        ("/static/js/cors.js", "const requests = {"),
    ] {
        let reply = app.page(Req::get(path)).await;
        assert_eq!(reply.status, 200, "{path}");
        assert!(reply.body.contains(needle), "{path} lacks {needle}");
    }
    assert_eq!(app.page(Req::get("/static/../Cargo.toml")).await.status, 404);
    assert_eq!(app.page(Req::get("/nope")).await.status, 404);
}

#[tokio::test]
async fn each_technique_page_shows_exactly_the_script_it_runs() {
    let app = TestApp::spawn().await;
    for name in ["iframe", "ajax", "jsonp", "cors"] {
        let page = app.page(Req::get(&format!("/{name}"))).await.body;
        let script = app.page(Req::get(&format!("/static/js/{name}.js"))).await.body;
        let shown = page
            .split_once("<pre class=\"source\"><code>")
            .and_then(|(_, rest)| rest.split_once("</code></pre>"))
            .map(|(code, _)| unescape(code))
            .unwrap_or_else(|| panic!("/{name} shows no source"));
        assert_eq!(shown, script, "/{name} shows something else than it runs");
        assert!(page.contains(&format!("<script src=\"/static/js/{name}.js?v=")), "/{name} loads its script");
    }
}

/// Undoes HTML escaping: named entities and numeric ones (askama writes `&#62;`).
fn unescape(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail.find(';') else { break };
        let entity = &tail[1..semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn a_learners_own_certificate_and_key_are_used() {
    // A certificate made elsewhere (as mkcert would), in a directory the app never writes to.
    let own = tempfile::tempdir().expect("temp dir");
    let paths = f1_race_results::tls::ensure_certificates(own.path(), &["localhost".to_owned()]).expect("certificates");
    let certs_dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::for_tests(certs_dir.path().join("unused"));
    config.cert = Some(paths.cert.clone());
    config.key = Some(paths.key.clone());
    let running = Application::build(config).await.expect("builds").start().await.expect("starts");
    assert!(running.ca_cert().is_none(), "no CA of the app's own");
    assert!(!certs_dir.path().join("unused").exists(), "nothing generated");
    let tls = connector_trusting(&paths.ca_cert);
    let reply = crate::helpers::get_over_tls(&tls, running.api_port(), "/", "http://localhost:1").await;
    assert_eq!(reply.status, 200);
    running.stop().await;
}

/// Builds the app from `config`, which must fail within a few seconds; the error's message.
async fn refused(config: Config) -> String {
    let build = tokio::time::timeout(std::time::Duration::from_secs(5), Application::build(config));
    match build.await.expect("startup must not hang") {
        Err(err) => err.to_string(),
        Ok(_) => panic!("this configuration must be refused"),
    }
}

#[tokio::test]
async fn devices_fifos_huge_files_and_open_keys_are_refused_at_once_naming_the_flag() {
    let dir = tempfile::tempdir().expect("temp dir");
    let own = f1_race_results::tls::ensure_certificates(&dir.path().join("own"), &["localhost".to_owned()])
        .expect("certificates");
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let huge = dir.path().join("huge.toml");
    std::fs::write(&huge, format!("# {}\n", "x".repeat(2 << 20))).expect("write");
    let with = |cert: &std::path::Path, key: &std::path::Path, policy: Option<&std::path::Path>| {
        let mut config = Config::for_tests(dir.path().join("certs"));
        config.cert = Some(cert.to_owned());
        config.key = Some(key.to_owned());
        config.policy = policy.map(std::path::Path::to_owned);
        config
    };
    let open_key = dir.path().join("open-key.pem");
    std::fs::copy(&own.key, &open_key).expect("copy");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&open_key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let zero = std::path::Path::new("/dev/zero");
    let cases = [
        (with(zero, &own.key, None), "/dev/zero: it is not a regular file", "--cert"),
        (with(&own.cert, &fifo, None), "fifo: it is not a regular file", "--key"),
        (with(&own.cert, &own.key, Some(&fifo)), "fifo: it is not a regular file", "--policy"),
        (with(&own.cert, &own.key, Some(&huge)), "huge.toml: it is larger than 1 MiB", "--policy"),
        (with(&own.cert, &own.key, Some(dir.path())), "it is not a regular file", "--policy"),
        (with(&own.cert, &open_key, None), "open-key.pem can be read or written by other users (mode 0644)", "--key"),
    ];
    for (config, reason, flag) in cases {
        let message = refused(config).await;
        assert!(message.contains(reason) && message.contains(flag), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
}
