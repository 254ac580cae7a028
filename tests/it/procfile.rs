//! The Procfile under real foreman and honcho: both start the app from this
//! checkout, keep it on its own ports although they export PORT, and stop it
//! with their SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A cold `cargo run --release` may have to build first.
const STARTUP_LIMIT: Duration = Duration::from_secs(600);

fn found(tool: &str) -> bool {
    let present =
        Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success());
    if !present {
        assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "{tool} is required when CI is set");
        eprintln!("SKIP Procfile test: {tool} not found (apt-get install ruby-foreman / pip install honcho)");
    }
    present
}

fn run_procfile(tool: &str) {
    if !found(tool) {
        return;
    }
    // `cargo run --release` may build first: keep timing-sensitive tests out of the way.
    let _whole_cpu = crate::helpers::CPU.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    let certs = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(tool)
        .arg("start")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PORT", "5000")
        // Port 0: the kernel picks free ports, read back from the ready lines.
        .env("F1_PAGE_PORT", "0")
        .env("F1_API_PORT", "0")
        .env("F1_OTHER_PORT", "0")
        .env("F1_CERTS_DIR", certs.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the process manager starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + STARTUP_LIMIT;
    let mut seen = Vec::new();
    let ready = loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line.contains("API origin: https://localhost:") => break true,
            Ok(line) => seen.push(line),
            Err(_) => break false,
        }
    };
    let page_port = seen.iter().find_map(|l| {
        l.split_once("page origin: http://localhost:").and_then(|(_, port)| port.trim().parse::<u16>().ok())
    });
    let page_line_seen = page_port.is_some_and(|p| p != 5000);
    let reachable = page_port.is_some_and(|p| std::net::TcpStream::connect(("127.0.0.1", p)).is_ok());

    let stop = Instant::now();
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let exited = loop {
        if child.try_wait().ok().flatten().is_some() {
            break true;
        }
        if stop.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            break false;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(ready, "{tool} never printed the ready lines:\n{}", seen.join("\n"));
    assert!(page_line_seen, "{tool}: expected the page origin on its own port (not PORT) in:\n{}", seen.join("\n"));
    assert!(reachable, "{tool}: nothing listens on the page port");
    assert!(exited, "{tool} did not stop on SIGTERM");
    let after = page_port.map(|p| std::net::TcpStream::connect(("127.0.0.1", p)));
    assert!(after.is_some_and(|a| a.is_err()), "{tool}: the app kept running after its manager stopped");
}

#[test]
fn foreman_starts_and_stops_the_app() {
    run_procfile("foreman");
}

#[test]
fn honcho_starts_and_stops_the_app() {
    run_procfile("honcho");
}
