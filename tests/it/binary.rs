//! The real binary, as a learner or foreman runs it.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_f1-race-results");

/// Starts the binary (ports 0: the kernel picks free ones, read back from
/// its ready lines) and returns it with those two lines.
fn start(certs: &std::path::Path) -> (Child, Vec<String>) {
    let dir = certs.to_path_buf();
    let started = start_in_dirs(&dir, &dir.join("data"), |c| {
        c.env("PORT", "5000"); // what foreman sets; it must be ignored
    });
    (started.child, started.ready)
}

/// The binary on the ports it got, certificates and data under one directory.
pub(crate) struct Started {
    pub child: Child,
    pub page_port: u16,
    pub api_port: u16,
    /// Its two ready lines.
    pub ready: Vec<String>,
}

/// Starts the binary with its certificates and data under `dir` (`configure`
/// may add to the command) and waits for its two ready lines.
pub(crate) fn start_in(dir: &std::path::Path, configure: impl FnOnce(&mut Command)) -> Started {
    start_in_dirs(&dir.join("certs"), &dir.join("data"), configure)
}

/// The one way the tests start the real binary: `--page-port 0 --api-port 0`,
/// the ports it really got read back from its ready lines (no port picked
/// by the test and freed again, which another test could take meanwhile).
fn start_in_dirs(certs: &std::path::Path, data: &std::path::Path, configure: impl FnOnce(&mut Command)) -> Started {
    let mut command = Command::new(BIN);
    command
        .args(["--page-port", "0", "--api-port", "0", "--other-port", "0"])
        .arg("--certs-dir")
        .arg(certs)
        .arg("--data-dir")
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    configure(&mut command);
    let mut child = command.spawn().expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let ready: Vec<String> = BufReader::new(stdout).lines().take(2).map_while(Result::ok).collect();
    assert_eq!(ready.len(), 2, "two ready lines: {ready:?}");
    let port = |line: &str| line.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
    let (Some(page_port), Some(api_port)) = (port(&ready[0]), port(&ready[1])) else {
        panic!("ready lines without ports: {ready:?}");
    };
    Started { child, page_port, api_port, ready }
}

/// A port nothing listens on now, for tests whose binary must fail before
/// it binds (a broken flag or file): a race with another test only changes
/// which error it reports first, and these tests name theirs.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

#[test]
fn it_prints_both_origins_and_stops_quickly_on_sigterm() {
    let certs = tempfile::tempdir().expect("temp dir");
    let (mut child, lines) = start(certs.path());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("page origin: http://localhost:"), "{lines:?}");
    assert!(lines[1].starts_with("API origin: https://localhost:"), "{lines:?}");
    assert!(!lines[0].ends_with(":5000"), "PORT must not move the app");

    let started = Instant::now();
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(started.elapsed() < Duration::from_secs(1), "still running 1 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
}

fn run_to_end(args: &[&str]) -> (i32, String) {
    // The other site on a free port: 3002 may be taken on a shared machine.
    let out = Command::new(BIN).env("F1_OTHER_PORT", "0").args(args).output().expect("the binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_busy_port_is_one_sentence_and_a_failure_exit() {
    let busy = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = busy.local_addr().expect("addr").port().to_string();
    let certs = tempfile::tempdir().expect("temp dir");
    let certs = certs.path().to_string_lossy().into_owned();
    let api = free_port().to_string();
    let (code, stderr) = run_to_end(&["--page-port", &port, "--api-port", &api, "--certs-dir", &certs]);
    assert_eq!(code, 1);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: port ") && last.contains(&port) && last.contains("--page-port"), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
}

#[test]
fn bad_flag_values_are_explained() {
    for (args, needle) in [
        (&["--page-port", "abc"][..], "--page-port"),
        (&["--lap-seconds", "0"][..], "between 0.05 and 3600"),
        (&["--host", "evil.test/x"][..], "host name"),
        (&["--cert", "x.pem"][..], "--key"),
    ] {
        let (code, stderr) = run_to_end(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"));
    }
}

#[test]
fn help_lists_every_flag_with_its_environment_variable() {
    let out = Command::new(BIN).arg("--help").output().expect("runs");
    // Help text is wrapped to the terminal: compare with whitespace folded.
    let help = String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    for (flag, env) in [
        ("--page-port", "F1_PAGE_PORT"),
        ("--api-port", "F1_API_PORT"),
        ("--host", "F1_HOST"),
        ("--bind", "F1_BIND"),
        ("--certs-dir", "F1_CERTS_DIR"),
        ("--seed", "F1_SEED"),
        ("--lap-seconds", "F1_LAP_SECONDS"),
        ("--no-cors", "F1_NO_CORS"),
        ("--cert", "F1_CERT"),
        ("--policy", "F1_POLICY"),
        ("--key", "F1_KEY"),
        ("--other-port", "F1_OTHER_PORT"),
        ("--no-other-site", "F1_NO_OTHER_SITE"),
    ] {
        assert!(help.contains(flag) && help.contains(&format!("[env: {env}=")), "{flag} / {env} missing:\n{help}");
    }
}

#[test]
fn a_policy_file_with_environment_origins_is_applied() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("partners.toml");
    std::fs::write(
        &policy,
        "[[allow]]\norigins_env = \"ALLOWED_ORIGINS\"\n\n  [[allow.resource]]\n  path = \"/cors/*\"\n  methods = [\"GET\"]\n",
    )
    .expect("write policy");
    let Started { mut child, api_port, .. } = start_in(dir.path(), |cmd| {
        cmd.env("F1_POLICY", &policy).env("ALLOWED_ORIGINS", "https://partner.example,https://b.example:443");
    });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let tls = crate::helpers::connector_trusting(&dir.path().join("certs/ca.pem"));
    let ask = |origin: &'static str| {
        let tls = tls.clone();
        runtime.block_on(async move { crate::helpers::get_over_tls(&tls, api_port, "/cors/results", origin).await })
    };
    let partner = ask("https://partner.example");
    let second = ask("https://b.example");
    let page = ask("http://localhost:3000");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(partner.header("access-control-allow-origin"), Some("https://partner.example"));
    assert_eq!(second.header("access-control-allow-origin"), Some("https://b.example"));
    assert!(page.access_control().is_empty(), "this policy names only the partners");
}

#[test]
fn a_broken_policy_file_stops_startup_with_file_line_and_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("broken.toml");
    std::fs::write(
        &policy,
        "[[allow]]\norigins = [\"*\"]\n\n  [[allow.resource]]\n  path = \"/x/*\"\n  credentials = true\n",
    )
    .expect("write policy");
    let certs = dir.path().join("certs");
    let (page, api) = (free_port().to_string(), free_port().to_string());
    let start_with = |policy: &std::path::Path| {
        let certs = certs.to_str().expect("utf-8 path");
        let policy = policy.to_str().expect("utf-8 path");
        run_to_end(&["--page-port", &page, "--api-port", &api, "--certs-dir", certs, "--policy", policy])
    };
    let (code, stderr) = start_with(&policy);
    assert_eq!(code, 1, "{stderr}");
    let expected = format!(
        "error: invalid CORS policy: {}:1: allow block 1: origins '*' cannot be combined with credentials",
        policy.display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    let (code, stderr) = start_with(&dir.path().join("missing.toml"));
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot read the policy file") && stderr.contains("--policy"), "{stderr}");
}

#[test]
fn cookie_and_authorization_values_never_reach_the_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Started { child, page_port, api_port, .. } = start_in(dir.path(), |cmd| {
        cmd.env("RUST_LOG", "trace").stderr(Stdio::piped());
    });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let tls = crate::helpers::connector_trusting(&dir.path().join("certs/ca.pem"));
    let origin = format!("http://localhost:{page_port}");
    let login = runtime.block_on(crate::helpers::send_over_tls(
        &tls,
        api_port,
        crate::helpers::Req::post("/api/v1/users/session", "text/plain", "").origin(&origin),
    ));
    let session = login.header("set-cookie").and_then(|c| c.split(';').next()).expect("a session cookie").to_owned();
    let secret_value = session.split('=').nth(1).expect("a value").to_owned();
    for req in [
        crate::helpers::Req::get("/api/v1/users/me").origin(&origin).header("cookie", &session),
        crate::helpers::Req::get("/api/v1/admin/standings").header("authorization", "Basic U0VDUkVUQVVUSA=="),
    ] {
        runtime.block_on(crate::helpers::send_over_tls(&tls, api_port, req));
    }
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let out = child.wait_with_output().expect("exits");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("/api/v1/users/me"), "the requests were logged: {log}");
    for secret in [secret_value.as_str(), "U0VDUkVUQVVUSA"] {
        assert!(!log.contains(secret), "{secret} reached the log");
    }
}

#[test]
fn a_reader_that_stops_reading_stdout_does_not_stop_the_app() {
    let certs = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(BIN)
        .args(["--page-port", "0", "--api-port", "0", "--other-port", "0"])
        .arg("--certs-dir")
        .arg(certs.path())
        .arg("--data-dir")
        .arg(certs.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    // Read one line and hang up, like `| head -1`.
    let stdout = child.stdout.take().expect("stdout");
    let first = BufReader::new(stdout).lines().next().and_then(Result::ok).unwrap_or_default();
    assert!(first.starts_with("page origin:"), "{first}");
    let page_port: u16 = first.rsplit(':').next().and_then(|p| p.parse().ok()).expect("the page port");
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().expect("wait").is_none(), "the app died when its reader left");
    assert!(std::net::TcpStream::connect(("127.0.0.1", page_port)).is_ok(), "still serving");
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let exit = child.wait().expect("exits");
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn unreadable_or_split_cors_fields_are_refused_and_the_log_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Started { child, page_port, api_port, .. } = start_in(dir.path(), |cmd| {
        cmd.env("RUST_LOG", "info").stderr(Stdio::piped());
    });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let tls = crate::helpers::connector_trusting(&dir.path().join("certs/ca.pem"));
    let origin = format!("http://localhost:{page_port}");
    let preflight =
        |path: &str| crate::helpers::Req::options(path).origin(&origin).header("access-control-request-method", "GET");
    // The admin resource allows Authorization and Content-Type; the second field asks for more.
    let split = preflight("/api/v1/admin/standings")
        .header("access-control-request-headers", "authorization")
        .header("access-control-request-headers", "x-evil");
    let twice = preflight("/cors/results").origin("http://evil.example");
    for req in [split, twice] {
        let reply = runtime.block_on(crate::helpers::send_over_tls(&tls, api_port, req));
        assert_eq!(reply.status, 204);
        assert!(reply.access_control().is_empty(), "{:?}", reply.access_control());
    }
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let out = child.wait_with_output().expect("exits");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("refused:header") && log.contains("refused:malformed"), "{log}");
}
