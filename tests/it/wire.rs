//! Below the friendly client of `helpers`: a keep-alive connection for many
//! requests in a row, and raw bytes for requests no HTTP client would send
//! (non-UTF-8 headers, garbage, a head trickled byte by byte).

use std::sync::{Mutex, Once, PoisonError};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Reply, Req, TestApp};

/// Which of the app's two origins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// HTTP.
    Page,
    /// HTTPS, verified.
    Api,
}

impl Side {
    pub fn port(self, app: &TestApp) -> u16 {
        match self {
            Self::Page => app.running.page_port(),
            Self::Api => app.running.api_port(),
        }
    }
}

/// Something to read and write bytes on, plain or TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

/// Opens a TCP connection to `side`, with TLS on the API side.
pub async fn connect(app: &TestApp, side: Side) -> std::io::Result<Box<dyn Io>> {
    let tcp = TcpStream::connect(("127.0.0.1", side.port(app))).await?;
    tcp.set_nodelay(true)?;
    Ok(match side {
        Side::Page => Box::new(tcp),
        Side::Api => {
            let name = ServerName::try_from("localhost").expect("valid name");
            Box::new(app.tls.connect(name, tcp).await?)
        }
    })
}

/// One keep-alive connection, reopened if the server closed it.
pub struct Conn<'a> {
    app: &'a TestApp,
    side: Side,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl<'a> Conn<'a> {
    pub fn new(app: &'a TestApp, side: Side) -> Self {
        Self { app, side, sender: None }
    }

    pub async fn send(&mut self, req: Req) -> Reply {
        let reusable = match &mut self.sender {
            Some(s) => s.ready().await.is_ok(),
            None => false,
        };
        let mut sender = match self.sender.take() {
            Some(s) if reusable => s,
            _ => {
                let io = connect(self.app, self.side).await.expect("connect");
                let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await.expect("handshake");
                tokio::spawn(conn);
                sender
            }
        };
        let response = sender.send_request(req.into_request(self.side.port(self.app))).await.expect("a response");
        let reply = Reply::read(response).await;
        self.sender = Some(sender);
        reply
    }
}

/// What came back for raw bytes.
#[derive(Debug)]
pub struct RawReply {
    /// Everything the server sent, lossily decoded.
    pub text: String,
    /// Whether the server closed (or reset) the connection within the wait.
    pub closed: bool,
}

impl RawReply {
    /// The status of the first response, if any.
    pub fn status(&self) -> Option<u16> {
        let line = self.text.lines().next()?;
        line.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
    }

    /// Every response's status, in order (pipelined requests).
    pub fn statuses(&self) -> Vec<u16> {
        self.text.match_indices("HTTP/1.1 ").filter_map(|(i, _)| self.text.get(i + 9..i + 12)?.parse().ok()).collect()
    }

    /// The value of a response header of the first response (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        let head = self.text.split("\r\n\r\n").next()?;
        head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Sends `bytes` and reads until the server closes or `wait` passes.
pub async fn raw(app: &TestApp, side: Side, bytes: &[u8], wait: Duration) -> RawReply {
    let mut io = connect(app, side).await.expect("connect");
    // The server may close before taking everything (that is the point of
    // some tests): a failed write is not a failure here.
    let _ = io.write_all(bytes).await;
    let _ = io.flush().await;
    read_until_closed(&mut io, wait).await
}

/// Sends `bytes`, ends the sending side (as a client that has nothing more
/// to say), and reads until the server closes or `wait` passes.
pub async fn raw_then_eof(app: &TestApp, side: Side, bytes: &[u8], wait: Duration) -> RawReply {
    let mut io = connect(app, side).await.expect("connect");
    let _ = io.write_all(bytes).await;
    let _ = io.shutdown().await;
    read_until_closed(&mut io, wait).await
}

/// Reads until EOF, a reset, or `wait`.
pub async fn read_until_closed<S: AsyncRead + Unpin + ?Sized>(io: &mut S, wait: Duration) -> RawReply {
    let mut received = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    let mut buf = [0u8; 4096];
    let closed = loop {
        match tokio::time::timeout_at(deadline, io.read(&mut buf)).await {
            Err(_) => break false,
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
        }
    };
    RawReply { text: String::from_utf8_lossy(&received).into_owned(), closed }
}

static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static WATCH: Once = Once::new();

/// Starts recording the thread of every panic (once per process; the usual
/// message is still printed).
pub fn watch_panics() {
    WATCH.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current().name().unwrap_or("unnamed").to_owned();
            PANICS.lock().unwrap_or_else(PoisonError::into_inner).push(thread);
            previous(info);
        }));
    });
}

/// Panics on this thread since [`watch_panics`]. A `#[tokio::test]` runs the
/// app's tasks on its own thread (a current-thread runtime), so this counts
/// panics of the server's connection tasks too.
pub fn panics_here() -> usize {
    let me = std::thread::current().name().unwrap_or("unnamed").to_owned();
    PANICS.lock().unwrap_or_else(PoisonError::into_inner).iter().filter(|t| **t == me).count()
}
