//! One way to start the real app for a test, and a small HTTP client that
//! speaks to both origins for real: plain HTTP to the page origin, TLS with
//! full certificate verification (trusting only the app's generated CA) to
//! the API origin.

use std::path::Path;
use std::sync::Arc;

use axum::http::{HeaderMap, Method, Request};
use f1_race_results::app::{Application, Running};
use f1_race_results::config::Config;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// Tests with timing checks (browser tests) take a read share; a test that
/// keeps the CPU busy for long (building the release binary) takes it
/// whole, so the two never run at the same time on a 2-core machine.
pub static CPU: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// The app running in this process on free ports, with its own certs dir.
pub struct TestApp {
    pub running: Running,
    pub certs: TempDir,
    pub tls: TlsConnector,
}

/// A response, fully read.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
    /// The body's bytes as they arrived (compressed ones included).
    pub raw: Bytes,
}

impl Reply {
    /// The single value of a header, or None.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Names of every `Access-Control-*` response header.
    pub fn access_control(&self) -> Vec<String> {
        self.headers.keys().map(|k| k.as_str().to_owned()).filter(|k| k.starts_with("access-control-")).collect()
    }
}

impl TestApp {
    /// Starts the app with the test configuration.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the app after `adjust` changes the test configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let certs = tempfile::tempdir().expect("temp dir");
        Self::spawn_in(certs, adjust).await
    }

    /// Starts the app using an existing certs dir (to test reuse).
    pub async fn spawn_in(certs: TempDir, adjust: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::for_tests(certs.path());
        adjust(&mut config);
        let app = Application::build(config).await.expect("the app builds");
        let running = app.start().await.expect("the app starts");
        let ca = running.ca_cert().expect("generated certificates").clone();
        Self { running, certs, tls: connector_trusting(&ca) }
    }

    /// Sends a request to the page origin (HTTP).
    pub async fn page(&self, req: Req) -> Reply {
        let stream = TcpStream::connect(("127.0.0.1", self.running.page_port())).await.expect("connect to page origin");
        send(stream, req, self.running.page_port()).await
    }

    /// Sends a request to the other site (HTTP), if it runs.
    pub async fn other(&self, req: Req) -> Reply {
        let port = self.running.other_port().expect("the other site runs");
        let stream = TcpStream::connect(("127.0.0.1", port)).await.expect("connect to the other site");
        send(stream, req, port).await
    }

    /// Sends a request to the API origin over verified TLS as `localhost`.
    pub async fn api(&self, req: Req) -> Reply {
        self.api_with(&self.tls, req).await.expect("TLS handshake with the API origin")
    }

    /// Sends a request to the API origin with a given TLS client.
    pub async fn api_with(&self, tls: &TlsConnector, req: Req) -> std::io::Result<Reply> {
        let port = self.running.api_port();
        let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
        let name = ServerName::try_from("localhost").expect("valid name");
        let stream = tls.connect(name, tcp).await?;
        Ok(send(stream, req, port).await)
    }

    /// Stops the app and hands back its certs dir.
    pub async fn stop(self) -> TempDir {
        self.running.stop().await;
        self.certs
    }
}

/// A TLS client that trusts only the CA in `ca_pem` (no "accept invalid").
pub fn connector_trusting(ca_pem: &Path) -> TlsConnector {
    TlsConnector::from(client_config_trusting(ca_pem).expect("a readable CA certificate"))
}

/// The tests' one TLS client configuration: rustls with ring, verifying
/// against the CA certificate(s) in `ca_pem` only, offering HTTP/1.1.
/// `tls.rs` drives it in memory; everything else through [`connector_trusting`].
pub fn client_config_trusting(ca_pem: &Path) -> Result<Arc<rustls::ClientConfig>, Box<dyn std::error::Error>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_pem)? {
        roots.add(cert?)?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A request to build.
#[derive(Debug, Clone)]
pub struct Req {
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    pub fn get(path: &str) -> Self {
        Self { method: Method::GET, path: path.to_owned(), headers: Vec::new(), body: Vec::new() }
    }

    pub fn post(path: &str, content_type: &str, body: &str) -> Self {
        Self { method: Method::POST, body: body.as_bytes().to_vec(), ..Self::get(path) }
            .header("content-type", content_type)
    }

    pub fn options(path: &str) -> Self {
        Self { method: Method::OPTIONS, ..Self::get(path) }
    }

    /// Changes the method (keeping headers and body).
    pub fn method(mut self, method: &str) -> Self {
        self.method = Method::from_bytes(method.as_bytes()).expect("a valid method");
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn origin(self, origin: &str) -> Self {
        self.header("origin", origin)
    }
}

async fn send<S>(stream: S, req: Req, port: u16) -> Reply
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("HTTP handshake");
    tokio::spawn(conn);
    let response = sender.send_request(req.into_request(port)).await.expect("a response");
    Reply::read(response).await
}

impl Req {
    /// The hyper request, with `Host: localhost:PORT` unless one was given.
    pub fn into_request(self, port: u16) -> Request<Full<Bytes>> {
        let mut builder = Request::builder().method(self.method).uri(&self.path);
        if !self.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
            builder = builder.header("host", format!("localhost:{port}"));
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder.body(Full::new(Bytes::from(self.body))).expect("valid request")
    }
}

impl Reply {
    /// Reads a whole response.
    pub async fn read(response: hyper::Response<hyper::body::Incoming>) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.expect("a body").to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&body).into_owned(), raw: body }
    }
}

/// One GET with an Origin to a process's API port (for tests of the binary).
pub async fn get_over_tls(tls: &TlsConnector, port: u16, path: &str, origin: &str) -> Reply {
    send_over_tls(tls, port, Req::get(path).origin(origin)).await
}

/// One request to a process's API port (for tests of the binary).
pub async fn send_over_tls(tls: &TlsConnector, port: u16, req: Req) -> Reply {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    let name = ServerName::try_from("localhost").expect("valid name");
    let stream = tls.connect(name, tcp).await.expect("TLS handshake");
    send(stream, req, port).await
}
