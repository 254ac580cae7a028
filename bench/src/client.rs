//! Connecting to a server under test: plain TCP, or TLS that trusts only
//! the app's generated CA (real verification of `localhost`, no shortcut),
//! then one HTTP/1.1 keep-alive connection over it.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// The largest response body read; ours are a few kilobytes.
const MAX_BODY: usize = 1 << 20;

/// Where requests go.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) addr: SocketAddr,
    /// `Some` for HTTPS.
    pub(crate) tls: Option<TlsConnector>,
    /// The `Host` header, e.g. `localhost:3001`.
    pub(crate) host: String,
}

impl Target {
    pub(crate) fn http(port: u16) -> Self {
        Self { addr: SocketAddr::from(([127, 0, 0, 1], port)), tls: None, host: format!("localhost:{port}") }
    }

    pub(crate) fn https(port: u16, tls: &TlsConnector) -> Self {
        Self { tls: Some(tls.clone()), ..Self::http(port) }
    }

    pub(crate) fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "HTTPS" } else { "HTTP" }
    }
}

/// One request, sent again and again.
#[derive(Clone, Debug)]
pub(crate) struct Probe {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl Probe {
    fn request(&self, host: &str) -> Result<Request<Empty<Bytes>>, String> {
        let mut builder =
            Request::builder().method(self.method.clone()).uri(self.path.as_str()).header(hyper::header::HOST, host);
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder.body(Empty::new()).map_err(|e| format!("cannot build the request: {e}"))
    }
}

/// A TLS client that trusts only the CA in `ca_pem`.
pub(crate) fn connector_trusting(ca_pem: &Path) -> Result<TlsConnector, String> {
    let mut roots = rustls::RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(ca_pem).map_err(|e| format!("cannot read {}: {e}", ca_pem.display()))?;
    for cert in certs {
        let cert = cert.map_err(|e| format!("{} is not PEM: {e}", ca_pem.display()))?;
        roots.add(cert).map_err(|e| format!("{} is not a usable CA: {e}", ca_pem.display()))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS client: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// An open HTTP/1.1 connection; dropping it closes the socket.
pub(crate) struct Connection {
    sender: SendRequest<Empty<Bytes>>,
    driver: tokio::task::JoinHandle<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// A response, fully read.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Connection {
    /// TCP (and TLS) connect and the HTTP/1.1 handshake.
    pub(crate) async fn open(target: &Target) -> io::Result<Self> {
        Self::open_from(target, None).await
    }

    /// Opens a connection from a given local address (an IPv4 target only).
    pub(crate) async fn open_from(target: &Target, from: Option<std::net::Ipv4Addr>) -> io::Result<Self> {
        let tcp = match from {
            Some(ip) if target.addr.is_ipv4() => {
                let socket = tokio::net::TcpSocket::new_v4()?;
                socket.bind(std::net::SocketAddr::new(ip.into(), 0))?;
                socket.connect(target.addr).await?
            }
            _ => TcpStream::connect(target.addr).await?,
        };
        tcp.set_nodelay(true)?;
        match &target.tls {
            None => Self::over(tcp).await,
            Some(tls) => {
                let name = ServerName::try_from("localhost").map_err(io::Error::other)?;
                Self::over(tls.connect(name, tcp).await?).await
            }
        }
    }

    async fn over<S>(stream: S) -> io::Result<Self>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (sender, conn) = http1::handshake(TokioIo::new(stream)).await.map_err(io::Error::other)?;
        let driver = tokio::spawn(async move {
            // Ends when the peer closes or the sender is dropped.
            let _ = conn.await;
        });
        Ok(Self { sender, driver })
    }

    /// Sends one request and returns the response as it starts, its body
    /// still to be read (a stream, for SSE).
    pub(crate) async fn start(&mut self, probe: &Probe, host: &str) -> Result<Response<Incoming>, String> {
        let request = probe.request(host)?;
        self.sender.ready().await.map_err(|e| e.to_string())?;
        self.sender.send_request(request).await.map_err(|e| e.to_string())
    }

    /// Sends one request and reads the whole response.
    pub(crate) async fn send(&mut self, probe: &Probe, host: &str) -> Result<Reply, String> {
        let (parts, body) = self.start(probe, host).await?.into_parts();
        let body = Limited::new(body, MAX_BODY).collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok(Reply { status: parts.status, headers: parts.headers, body })
    }
}

/// One request on a fresh connection (checks and fetching the fragment).
pub(crate) async fn fetch_once(target: &Target, probe: &Probe) -> Result<Reply, String> {
    let mut conn = Connection::open(target).await.map_err(|e| format!("cannot connect to {}: {e}", target.addr))?;
    conn.send(probe, &target.host).await
}
