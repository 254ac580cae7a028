//! The real stacks, started on a free port with an export as their
//! configuration: rackup + thin with Rack::Cors, nginx as a non-daemon with
//! a prefix of its own, and node with Express and cors. Each is stopped
//! when its handle drops.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use tempfile::TempDir;
use tokio::net::TcpStream;

use crate::helpers::{Reply, Req};

/// A stack serving an export.
pub struct Stack {
    child: Child,
    pub port: u16,
    dir: TempDir,
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `tool` is installed; without it, SKIP (or fail under CI).
pub fn found(tool: &str, package: &str) -> bool {
    let present =
        Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success());
    if !present {
        assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "{tool} is required when CI is set");
        eprintln!("SKIP export test: {tool} not found (apt-get install {package})");
    }
    present
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Rack::Cors: `rackup -s thin` on the exported config.ru.
pub fn rack(config_ru: &str) -> Stack {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("config.ru"), config_ru).expect("config.ru written");
    let port = free_port();
    let child = Command::new("rackup")
        .args(["-s", "thin", "-o", "127.0.0.1", "-p", &port.to_string(), "config.ru"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log(dir.path())))
        .spawn()
        .expect("rackup starts");
    ready(Stack { child, port, dir })
}

/// nginx in the foreground, with the export inside `http { }`.
pub fn nginx(snippet: &str) -> Stack {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let d = dir.path().display();
    let server = snippet.replace("listen 8080;", &format!("listen 127.0.0.1:{port};"));
    assert_ne!(server, snippet, "the export listens on 8080");
    let conf = format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 64; }}\nhttp {{\n    access_log off;\n    client_body_temp_path {d}/body;\n\
         {server}\n}}\n"
    );
    std::fs::write(dir.path().join("nginx.conf"), conf).expect("nginx.conf written");
    let child = Command::new("nginx")
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(dir.path().join("nginx.conf"))
        .arg("-e")
        .arg(dir.path().join("error.log"))
        .stdout(Stdio::null())
        .stderr(Stdio::from(log(dir.path())))
        .spawn()
        .expect("nginx starts");
    ready(Stack { child, port, dir })
}

/// Express: the exported module run on its own (its stand-in application).
pub fn express(module: &str) -> Stack {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("cors-policy.js"), module).expect("module written");
    let port = free_port();
    let child = Command::new("node")
        .arg("cors-policy.js")
        .current_dir(dir.path())
        .env("PORT", port.to_string())
        .env("NODE_PATH", "/usr/share/nodejs:/usr/lib/nodejs")
        .stdout(Stdio::null())
        .stderr(Stdio::from(log(dir.path())))
        .spawn()
        .expect("node starts");
    ready(Stack { child, port, dir })
}

/// A binary that prints nothing and serves on the port given as its first argument.
pub fn binary(path: &Path, args: &[&str]) -> Stack {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let child = Command::new(path)
        .arg(port.to_string())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::from(log(dir.path())))
        .spawn()
        .expect("the tower-http server starts");
    ready(Stack { child, port, dir })
}

fn log(dir: &Path) -> std::fs::File {
    std::fs::File::create(dir.join("stderr.log")).expect("log file")
}

/// Waits until the stack accepts connections; fails with its stderr if it exits first.
fn ready(mut stack: Stack) -> Stack {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", stack.port)).is_ok() {
            return stack;
        }
        let exited = stack.child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            let err = std::fs::read_to_string(stack.dir.path().join("stderr.log")).unwrap_or_default();
            let conf = std::fs::read_to_string(stack.dir.path().join("nginx.conf")).unwrap_or_default();
            panic!("the stack did not start ({exited:?}):\n{err}\n{conf}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One request over plain HTTP to a stack.
pub async fn send(port: u16, req: Req) -> Reply {
    let stream = TcpStream::connect(("127.0.0.1", port)).await.expect("connect to the stack");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("HTTP handshake");
    tokio::spawn(conn);
    let response = sender.send_request(req.into_request(port)).await.expect("a response");
    Reply::read(response).await
}
