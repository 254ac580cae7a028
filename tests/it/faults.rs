//! The real binary when things go wrong: SIGTERM in the middle of heavy
//! traffic, a certificate file cut in half.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_rustls::TlsConnector;

use crate::helpers::{connector_trusting, get_over_tls};

const BIN: &str = env!("CARGO_BIN_EXE_f1-race-results");

/// The binary on the ports it got (0: the kernel's free ones, read back from
/// its ready lines), once it printed both.
struct Proc {
    child: Child,
    page: u16,
    api: u16,
}

async fn start(certs: &Path, log: &str, stderr: Stdio) -> Proc {
    let mut child = Command::new(BIN)
        .args(["--page-port", "0", "--api-port", "0", "--other-port", "0"])
        .arg("--certs-dir")
        .arg(certs)
        .arg("--data-dir")
        .arg(certs.join("data"))
        .env("RUST_LOG", log)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut ports = [0u16; 2];
    for port in &mut ports {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
        let Ok(Ok(Some(line))) = line else { panic!("no ready line: {line:?}") };
        *port = line.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("no port in {line:?}"));
    }
    Proc { child, page: ports[0], api: ports[1] }
}

impl Proc {
    /// Sends SIGTERM; returns how long the process took to exit, and its code.
    async fn terminate(mut self) -> (Duration, Option<i32>) {
        let pid = self.child.id().expect("still running").to_string();
        let started = Instant::now();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill");
        assert!(sent.success());
        let status = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
        let code = status.ok().and_then(Result::ok).and_then(|s| s.code());
        (started.elapsed(), code)
    }
}

/// Requests on one keep-alive connection until it fails; counts answers.
async fn hammer<S>(stream: S, port: u16, path: &'static str, answered: Arc<AtomicUsize>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await else { return };
    tokio::spawn(conn);
    loop {
        let req = hyper::Request::get(path)
            .header("host", format!("localhost:{port}"))
            .header("origin", "http://evil.test")
            .body(Full::new(Bytes::new()))
            .expect("a request");
        let Ok(res) = sender.send_request(req).await else { return };
        if res.into_body().collect().await.is_err() {
            return;
        }
        answered.fetch_add(1, Ordering::Relaxed);
    }
}

async fn open_events(port: u16) -> Option<TcpStream> {
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    tcp.write_all(format!("GET /events HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n").as_bytes()).await.ok()?;
    Some(tcp)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_exits_within_a_second() {
    let certs = tempfile::tempdir().expect("temp dir");
    let proc = start(certs.path(), "warn", Stdio::null()).await;
    let tls = connector_trusting(&certs.path().join("ca.pem"));
    let answered = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for i in 0..300 {
        let answered = Arc::clone(&answered);
        let (page, api, tls) = (proc.page, proc.api, tls.clone());
        clients.push(tokio::spawn(async move {
            if i % 4 == 0 {
                let Ok(tcp) = TcpStream::connect(("127.0.0.1", api)).await else { return };
                let Ok(stream) = tls_connect(&tls, tcp).await else { return };
                hammer(stream, api, "/cors/results", answered).await;
            } else if let Ok(tcp) = TcpStream::connect(("127.0.0.1", page)).await {
                hammer(tcp, page, "/ajax/results", answered).await;
            }
        }));
    }
    let mut streams = Vec::new();
    for _ in 0..20 {
        streams.push(open_events(proc.page).await.expect("an event stream"));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while answered.load(Ordering::Relaxed) < 2000 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = answered.load(Ordering::Relaxed);
    assert!(before >= 2000, "only {before} answers: the load never got going");
    let (took, code) = proc.terminate().await;
    assert!(took < Duration::from_secs(1), "exit took {took:?} after SIGTERM");
    assert_eq!(code, Some(0), "exit code");
    for client in clients {
        tokio::time::timeout(Duration::from_secs(2), client).await.expect("clients see the end").expect("no panic");
    }
}

async fn tls_connect(
    tls: &TlsConnector,
    tcp: TcpStream,
) -> std::io::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    tls.connect(ServerName::try_from("localhost").expect("valid name"), tcp).await
}

#[tokio::test]
async fn a_truncated_certificate_is_replaced_with_one_log_line() {
    let certs = tempfile::tempdir().expect("temp dir");
    let first = start(certs.path(), "info", Stdio::null()).await;
    assert_eq!(first.terminate().await.1, Some(0));
    let cert = certs.path().join("cert.pem");
    let text = std::fs::read(&cert).expect("cert.pem written");
    std::fs::write(&cert, &text[..text.len() / 2]).expect("truncate");

    let mut second = start(certs.path(), "info", Stdio::piped()).await;
    let stderr = second.child.stderr.take().expect("stderr");
    let log = tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        let mut all = Vec::new();
        while let Ok(Some(line)) = lines.next_line().await {
            all.push(line);
        }
        all
    });
    let tls = connector_trusting(&certs.path().join("ca.pem"));
    let reply = get_over_tls(&tls, second.api, "/cors/results", &format!("http://localhost:{}", second.page)).await;
    assert_eq!(reply.status, 200, "the API serves with the new certificate");
    assert_eq!(second.terminate().await.1, Some(0));
    let log = log.await.expect("the log");
    let about: Vec<&String> = log.iter().filter(|l| l.contains("certificate")).collect();
    let regenerated: Vec<&&String> = about.iter().filter(|l| l.contains("regenerating the API certificate")).collect();
    assert_eq!(regenerated.len(), 1, "{log:#?}");
    assert!(regenerated[0].contains("cert.pem"), "{}", regenerated[0]);
    assert!(!log.iter().any(|l| l.contains("ERROR") || l.contains("panicked")), "{log:#?}");
    assert_ne!(std::fs::read(&cert).expect("cert.pem"), text[..text.len() / 2], "replaced");
}
