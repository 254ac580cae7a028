//! The soak run's clients: keep-alive requests, the lab switcher, event
//! streams from many loopback addresses, and the counters they share.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_rustls::TlsConnector;

/// The two setups the lab switches between.
pub(super) const SCENARIOS: [&str; 2] = ["default", "wildcard-with-credentials"];

/// Shared counters of a run.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) requests: AtomicU64,
    pub(super) switches: AtomicU64,
    pub(super) events: AtomicU64,
    pub(super) mixed: AtomicU64,
    pub(super) errors: Mutex<Vec<String>>,
    pub(super) latencies: Mutex<Vec<u32>>,
}

impl Tally {
    pub(super) fn error(&self, what: String) {
        let mut errors = self.errors.lock().unwrap_or_else(PoisonError::into_inner);
        if errors.len() < 20 {
            errors.push(what);
        }
    }
}

/// The CORS headers of an answer, sorted: what identifies a setup.
pub(super) type Combination = Vec<(String, String)>;

pub(super) fn combination(headers: &hyper::HeaderMap) -> Combination {
    let mut out: Combination = headers
        .iter()
        .filter(|(n, _)| n.as_str().starts_with("access-control-") || n.as_str() == "vary")
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    out.sort();
    out
}

pub(super) struct Client {
    pub(super) sender: SendRequest<Full<Bytes>>,
    pub(super) port: u16,
}

impl Client {
    pub(super) async fn tls(tls: &TlsConnector, port: u16) -> std::io::Result<Self> {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
        tcp.set_nodelay(true)?;
        let stream = tls.connect(ServerName::try_from("localhost").expect("name"), tcp).await?;
        Self::over(stream, port).await
    }

    pub(super) async fn plain(port: u16) -> std::io::Result<Self> {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
        tcp.set_nodelay(true)?;
        Self::over(tcp, port).await
    }

    pub(super) async fn over<S>(stream: S, port: u16) -> std::io::Result<Self>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(std::io::Error::other)?;
        tokio::spawn(conn);
        Ok(Self { sender, port })
    }

    pub(super) async fn send(
        &mut self,
        req: hyper::http::request::Builder,
        body: &str,
    ) -> Result<(u16, Combination, String), String> {
        let req = req.header("host", format!("localhost:{}", self.port)).body(Full::new(Bytes::from(body.to_owned())));
        // A keep-alive connection takes a moment to be ready for the next request.
        self.sender.ready().await.map_err(|e| format!("not ready: {e}"))?;
        let res = self.sender.send_request(req.map_err(|e| e.to_string())?).await.map_err(|e| e.to_string())?;
        let (status, cors) = (res.status().as_u16(), combination(res.headers()));
        let body = res.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok((status, cors, String::from_utf8_lossy(&body).into_owned()))
    }
}

pub(super) fn get(origin: &str) -> hyper::http::request::Builder {
    hyper::Request::get("/cors/results").header("origin", origin)
}

pub(super) fn preflight(origin: &str) -> hyper::http::request::Builder {
    hyper::Request::options("/cors/results")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
}

/// Switches the lab as its own page would.
pub(super) struct Switcher {
    pub(super) client: Client,
    pub(super) csrf: String,
    pub(super) origin: String,
}

impl Switcher {
    pub(super) async fn new(page: u16) -> Self {
        let mut client = Client::plain(page).await.expect("page origin");
        let (status, _, html) = client.send(hyper::Request::get("/lab"), "").await.expect("/lab");
        assert_eq!(status, 200);
        let csrf = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the lab shows its CSRF token to loopback")
            .to_owned();
        Self { client, csrf, origin: format!("http://localhost:{page}") }
    }

    pub(super) async fn apply(&mut self, name: &str) -> Result<(), String> {
        let req = hyper::Request::post("/lab/scenario")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.origin)
            .header("sec-fetch-site", "same-origin");
        let (status, _, body) = self.client.send(req, &format!("csrf={}&name={name}", self.csrf)).await?;
        if status == 303 { Ok(()) } else { Err(format!("switch answered {status}: {body:.100}")) }
    }
}

pub(super) fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// An event stream from a given loopback address; counts `scenario` events
/// until the stream ends. Returns whether it was still open at `stop`.
pub(super) async fn stream(
    from: Ipv4Addr,
    to: SocketAddr,
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
) -> Result<bool, String> {
    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket.bind(SocketAddr::new(from.into(), 0)).map_err(|e| format!("bind {from}: {e}"))?;
    let mut tcp = socket.connect(to).await.map_err(|e| e.to_string())?;
    tcp.write_all(format!("GET /events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n", to.port()).as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 8192];
    loop {
        let n = tcp.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            return Ok(stop.load(Ordering::Relaxed));
        }
        let text = String::from_utf8_lossy(&buf[..n]);
        if text.starts_with("HTTP/1.1 429") {
            return Err("429".to_owned());
        }
        tally.events.fetch_add(text.matches("event: scenario").count() as u64, Ordering::Relaxed);
    }
}

/// Switches the lab `rate` times a second until `deadline`, alternating
/// the two scenarios, over [`SWITCHERS`] connections.
pub(super) async fn switch_until(page: u16, rate: u64, deadline: Instant, tally: Arc<Tally>) {
    let period = Duration::from_micros(1_000_000 * SWITCHERS / rate.max(1));
    let mut tasks = Vec::new();
    for j in 0..SWITCHERS {
        let tally = Arc::clone(&tally);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(period * j as u32 / SWITCHERS as u32).await;
            let mut switcher = Switcher::new(page).await;
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let mut k = j as usize;
            while Instant::now() < deadline {
                ticks.tick().await;
                k += 1;
                match switcher.apply(SCENARIOS[k % 2]).await {
                    Ok(()) => {
                        tally.switches.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => {
                        tally.error(e);
                        switcher = Switcher::new(page).await;
                    }
                }
            }
        }));
    }
    for task in tasks {
        if task.await.is_err() {
            tally.error("a switcher panicked".to_owned());
        }
    }
}

/// Connections the switches are spread over.
pub(super) const SWITCHERS: u64 = 5;
