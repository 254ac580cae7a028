//! The soak run's machinery: the binary, the clients, the switcher, the
//! memory sampler, and the figures they add up to.

use std::collections::BTreeSet;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use tokio::process::Command;
use tokio_rustls::TlsConnector;

const BIN: &str = env!("CARGO_BIN_EXE_f1-race-results");
const SCENARIOS: [&str; 2] = ["default", "wildcard-with-credentials"];
const STREAMS_PER_ADDRESS: usize = 25;

/// What to run.
pub struct Setup {
    pub seconds: u64,
    pub connections: usize,
    pub streams: usize,
    pub switches_per_second: u64,
}

/// What came out.
#[derive(Debug, Default)]
pub struct Figures {
    pub elapsed: Duration,
    pub requests: u64,
    pub switches: u64,
    pub events: u64,
    pub errors: Vec<String>,
    pub mixed: u64,
    pub intended_429: u64,
    pub panics: usize,
    pub exit_code: Option<i32>,
    pub streams_open_at_end: usize,
    pub latencies_us: Vec<u32>,
    pub rss_kib: Vec<u64>,
    pub rss_warm_kib: u64,
    pub rss_last_kib: u64,
}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lat = self.latencies_us.clone();
        lat.sort_unstable();
        let pct = |p: f64| lat.get(((lat.len() as f64 - 1.0) * p) as usize).copied().unwrap_or(0);
        let secs = self.elapsed.as_secs_f64();
        writeln!(f, "soak: {secs:.1} s")?;
        writeln!(
            f,
            "  requests: {} ({:.0}/s), switches: {}, events received: {}",
            self.requests,
            self.requests as f64 / secs,
            self.switches,
            self.events
        )?;
        writeln!(
            f,
            "  latency: p50 {} us, p99 {} us, max {} us",
            pct(0.5),
            pct(0.99),
            lat.last().copied().unwrap_or(0)
        )?;
        writeln!(
            f,
            "  errors: {:?}, mixed setups: {}, intended 429: {}, panics: {}",
            self.errors, self.mixed, self.intended_429, self.panics
        )?;
        writeln!(f, "  event streams open at the end: {}, exit code: {:?}", self.streams_open_at_end, self.exit_code)?;
        let max = self.rss_kib.iter().max().copied().unwrap_or(0);
        write!(
            f,
            "  RSS KiB: after warm-up {}, last {}, max {}, samples {:?}",
            self.rss_warm_kib, self.rss_last_kib, max, self.rss_kib
        )
    }
}

/// Shared counters of a run.
#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    switches: AtomicU64,
    events: AtomicU64,
    mixed: AtomicU64,
    errors: Mutex<Vec<String>>,
    latencies: Mutex<Vec<u32>>,
}

impl Tally {
    fn error(&self, what: String) {
        let mut errors = self.errors.lock().unwrap_or_else(PoisonError::into_inner);
        if errors.len() < 20 {
            errors.push(what);
        }
    }
}

/// The CORS headers of an answer, sorted: what identifies a setup.
type Combination = Vec<(String, String)>;

fn combination(headers: &hyper::HeaderMap) -> Combination {
    let mut out: Combination = headers
        .iter()
        .filter(|(n, _)| n.as_str().starts_with("access-control-") || n.as_str() == "vary")
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    out.sort();
    out
}

struct Client {
    sender: SendRequest<Full<Bytes>>,
    port: u16,
}

impl Client {
    async fn tls(tls: &TlsConnector, port: u16) -> std::io::Result<Self> {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
        tcp.set_nodelay(true)?;
        let stream = tls.connect(ServerName::try_from("localhost").expect("name"), tcp).await?;
        Self::over(stream, port).await
    }

    async fn plain(port: u16) -> std::io::Result<Self> {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
        tcp.set_nodelay(true)?;
        Self::over(tcp, port).await
    }

    async fn over<S>(stream: S, port: u16) -> std::io::Result<Self>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (sender, conn) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(std::io::Error::other)?;
        tokio::spawn(conn);
        Ok(Self { sender, port })
    }

    async fn send(
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

fn get(origin: &str) -> hyper::http::request::Builder {
    hyper::Request::get("/cors/results").header("origin", origin)
}

fn preflight(origin: &str) -> hyper::http::request::Builder {
    hyper::Request::options("/cors/results")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
}

/// Switches the lab as its own page would.
struct Switcher {
    client: Client,
    csrf: String,
    origin: String,
}

impl Switcher {
    async fn new(page: u16) -> Self {
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

    async fn apply(&mut self, name: &str) -> Result<(), String> {
        let req = hyper::Request::post("/lab/scenario")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.origin)
            .header("sec-fetch-site", "same-origin");
        let (status, _, body) = self.client.send(req, &format!("csrf={}&name={name}", self.csrf)).await?;
        if status == 303 { Ok(()) } else { Err(format!("switch answered {status}: {body:.100}")) }
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// An event stream from a given loopback address; counts `scenario` events
/// until the stream ends. Returns whether it was still open at `stop`.
async fn stream(from: Ipv4Addr, to: SocketAddr, tally: Arc<Tally>, stop: Arc<AtomicBool>) -> Result<bool, String> {
    let socket = TcpSocket::new_v4().map_err(|e| e.to_string())?;
    socket.bind(SocketAddr::new(from.into(), 0)).map_err(|e| format!("bind {from}: {e}"))?;
    let mut tcp = socket.connect(to).await.map_err(|e| e.to_string())?;
    tcp.write_all(b"GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n").await.map_err(|e| e.to_string())?;
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

/// Runs the whole soak.
pub async fn run(setup: &Setup) -> Figures {
    let certs = tempfile::tempdir().expect("temp dir");
    let (page, api) = (free_port(), free_port());
    let mut child = Command::new(BIN)
        .args(["--page-port", &page.to_string(), "--api-port", &api.to_string(), "--lap-seconds", "0.05"])
        .arg("--certs-dir")
        .arg(certs.path())
        .arg("--data-dir")
        .arg(certs.path().join("data"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut ready = BufReader::new(child.stdout.take().expect("stdout")).lines();
    for _ in 0..2 {
        ready.next_line().await.expect("stdout").expect("a ready line");
    }
    let pid = child.id().expect("running");
    let stderr = child.stderr.take().expect("stderr");
    let log = tokio::spawn(async move {
        let (mut lines, mut panics, mut kept) = (BufReader::new(stderr).lines(), 0, Vec::new());
        while let Ok(Some(line)) = lines.next_line().await {
            panics += usize::from(line.contains("panicked"));
            if kept.len() < 20 {
                kept.push(line);
            }
        }
        (panics, kept)
    });
    let tls = crate::helpers::connector_trusting(&certs.path().join("ca.pem"));
    let origin = format!("http://localhost:{page}");
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));

    // What each of the two setups answers, asked once each.
    let mut switcher = Switcher::new(page).await;
    let mut probe = Client::tls(&tls, api).await.expect("API origin");
    let mut expected: [BTreeSet<Combination>; 2] = Default::default();
    for name in SCENARIOS {
        switcher.apply(name).await.expect("switch");
        for (kind, req) in [(0, get(&origin)), (1, preflight(&origin))] {
            expected[kind].insert(probe.send(req, "").await.expect("probe").1);
        }
    }
    assert!(expected.iter().all(|set| set.len() == 2), "the two setups must answer differently: {expected:?}");

    // Event streams, spread over loopback addresses (the cap is per address).
    let to = SocketAddr::new(Ipv4Addr::LOCALHOST.into(), page);
    let mut streams = Vec::new();
    for i in 0..setup.streams {
        let from = Ipv4Addr::new(127, 0, 1, (1 + i / STREAMS_PER_ADDRESS) as u8);
        streams.push(tokio::spawn(stream(from, to, Arc::clone(&tally), Arc::clone(&stop))));
    }
    // The one intended refusal: one address over the per-address cap.
    let cap = f1_race_results::lab::events::MAX_STREAMS_PER_CLIENT;
    let crowded = Ipv4Addr::new(127, 0, 2, 1);
    let mut full = Vec::new();
    for _ in 0..cap {
        full.push(tokio::spawn(stream(crowded, to, Arc::clone(&tally), Arc::clone(&stop))));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let intended_429 = u64::from(stream(crowded, to, Arc::clone(&tally), Arc::clone(&stop)).await == Err("429".into()));

    let started = Instant::now();
    let deadline = started + Duration::from_secs(setup.seconds);
    let sampler = tokio::spawn(async move {
        let mut samples = Vec::new();
        while Instant::now() < deadline {
            samples.extend(rss_kib(pid));
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        samples.extend(rss_kib(pid));
        samples
    });
    let mut workers = Vec::new();
    for i in 0..setup.connections {
        let (tls, origin, tally, expected) = (tls.clone(), origin.clone(), Arc::clone(&tally), expected.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut client = Client::tls(&tls, api).await;
            let mut n = i;
            while Instant::now() < deadline {
                let Ok(c) = client.as_mut() else {
                    tally.error(format!("connect: {:?}", client.as_ref().err()));
                    client = Client::tls(&tls, api).await;
                    continue;
                };
                n += 1;
                let (kind, req, want) = if n % 2 == 0 { (0, get(&origin), 200) } else { (1, preflight(&origin), 204) };
                let sent = Instant::now();
                match c.send(req, "").await {
                    Ok((status, cors, _)) => {
                        latencies.push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                        tally.requests.fetch_add(1, Ordering::Relaxed);
                        if status != want {
                            tally.error(format!("status {status} instead of {want}"));
                        }
                        if !expected[kind].contains(&cors) {
                            tally.mixed.fetch_add(1, Ordering::Relaxed);
                            tally.error(format!("a mix: {cors:?}"));
                        }
                    }
                    Err(e) => {
                        tally.error(format!("request: {e}"));
                        client = Client::tls(&tls, api).await;
                    }
                }
            }
            tally.latencies.lock().unwrap_or_else(PoisonError::into_inner).extend(latencies);
        }));
    }
    let period = Duration::from_micros(1_000_000 / setup.switches_per_second);
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut k = 0;
    while Instant::now() < deadline {
        ticks.tick().await;
        k += 1;
        match switcher.apply(SCENARIOS[k % 2]).await {
            Ok(()) => tally.switches.fetch_add(1, Ordering::Relaxed),
            Err(e) => {
                tally.error(e);
                switcher = Switcher::new(page).await;
                0
            }
        };
    }
    for worker in workers {
        if worker.await.is_err() {
            tally.error("a client task panicked".to_owned());
        }
    }
    let elapsed = started.elapsed();
    let rss = sampler.await.unwrap_or_default();
    stop.store(true, Ordering::Relaxed);

    // Which streams are still open: each is asked to end by the shutdown.
    let still_open = streams.iter().filter(|s| !s.is_finished()).count();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = Command::new("kill").args(["-TERM", &pid.to_string()]).status().await;
    assert!(sent.is_ok_and(|s| s.success()), "kill");
    let exit = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
    let exit_code = exit.ok().and_then(Result::ok).and_then(|s| s.code());
    for s in streams.into_iter().chain(full) {
        match tokio::time::timeout(Duration::from_secs(2), s).await {
            Ok(Ok(Ok(true))) => {}
            other => tally.error(format!("an event stream ended early or failed: {other:?}")),
        }
    }
    let (panics, kept) = log.await.unwrap_or_default();
    if !kept.is_empty() {
        println!("server log (first lines):\n{}", kept.join("\n"));
    }
    let latencies_us = std::mem::take(&mut *tally.latencies.lock().unwrap_or_else(PoisonError::into_inner));
    let errors = std::mem::take(&mut *tally.errors.lock().unwrap_or_else(PoisonError::into_inner));
    Figures {
        elapsed,
        requests: tally.requests.load(Ordering::Relaxed),
        switches: tally.switches.load(Ordering::Relaxed),
        events: tally.events.load(Ordering::Relaxed),
        errors,
        mixed: tally.mixed.load(Ordering::Relaxed),
        intended_429,
        panics,
        exit_code,
        streams_open_at_end: still_open,
        latencies_us,
        rss_warm_kib: rss.get(rss.len() / 4).copied().unwrap_or(0),
        rss_last_kib: rss.last().copied().unwrap_or(0),
        rss_kib: rss,
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}
