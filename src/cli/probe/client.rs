//! The smallest HTTP(S) client `probe` needs: one HTTP/1.1 request per
//! connection (hyper's `client::conn::http1`), over tokio-rustls for
//! `https` URLs, trusting the app's own CA (`certs/ca.pem`, when it exists)
//! and any `--cacert`, or nothing at all with `--insecure`. It only reads
//! the status and headers of an answer.
//!
//! `check` (src/cli/check/) needs a browser-like client too: the two should
//! share one once both are merged.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper::http::{HeaderMap, Request, Uri};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// The app's CA, where `cargo run` puts it.
const APP_CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/certs/ca.pem");
/// How long one request may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A client for one URL.
#[derive(Clone)]
pub struct Client {
    uri: Uri,
    host: String,
    port: u16,
    tls: Option<TlsConnector>,
}

impl Client {
    /// A client for `url`, trusting the app's CA and `cacerts` (or nothing
    /// with `insecure`); the reason in a phrase when it cannot be made.
    pub fn new(url: &str, cacerts: &[PathBuf], insecure: bool) -> Result<Self, String> {
        let uri: Uri = url.parse().map_err(|_| format!("{url:?} is not a URL"))?;
        let host = uri.host().ok_or_else(|| format!("{url:?} has no host"))?.to_owned();
        let (https, default_port) = match uri.scheme_str() {
            Some("https") => (true, 443),
            Some("http") => (false, 80),
            _ => return Err(format!("{url:?} is not an http or https URL")),
        };
        let port = uri.port_u16().unwrap_or(default_port);
        let tls = if https { Some(connector(cacerts, insecure)?) } else { None };
        Ok(Self { uri, host, port, tls })
    }

    /// Sends `method` with `headers`; the answer's status and headers.
    pub async fn send(&self, method: &str, headers: &[(&str, &str)]) -> Result<(u16, HeaderMap), String> {
        tokio::time::timeout(TIMEOUT, self.exchange(method, headers))
            .await
            .map_err(|_| format!("no answer from {}:{} within {} s", self.host, self.port, TIMEOUT.as_secs()))?
    }

    async fn exchange(&self, method: &str, headers: &[(&str, &str)]) -> Result<(u16, HeaderMap), String> {
        let unreachable = |e: std::io::Error| format!("cannot connect to {}:{}: {e}", self.host, self.port);
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        let tcp = TcpStream::connect((host, self.port)).await.map_err(unreachable)?;
        let target = self.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut req = Request::builder().method(method).uri(target).header("host", self.authority());
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let req = req.body(Empty::<Bytes>::new()).map_err(|e| format!("cannot make the request: {e}"))?;
        match &self.tls {
            None => send(TokioIo::new(tcp), req).await,
            Some(tls) => {
                let name =
                    ServerName::try_from(host.to_owned()).map_err(|_| format!("{host:?} is not a server name"))?;
                let stream = tls.connect(name, tcp).await.map_err(|e| format!("TLS with {host} failed: {e}"))?;
                send(TokioIo::new(stream), req).await
            }
        }
    }

    fn authority(&self) -> String {
        self.uri.authority().map_or_else(|| self.host.clone(), |a| a.as_str().to_owned())
    }
}

async fn send<T>(io: TokioIo<T>, req: Request<Empty<Bytes>>) -> Result<(u16, HeaderMap), String>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await.map_err(|e| format!("HTTP: {e}"))?;
    let driver = tokio::spawn(conn);
    let res = sender.send_request(req).await.map_err(|e| format!("HTTP: {e}"));
    driver.abort();
    let res = res?;
    Ok((res.status().as_u16(), res.headers().clone()))
}

fn connector(cacerts: &[PathBuf], insecure: bool) -> Result<TlsConnector, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?;
    let config = if insecure {
        builder.dangerous().with_custom_certificate_verifier(Arc::new(AnyCertificate(provider))).with_no_client_auth()
    } else {
        let mut roots = rustls::RootCertStore::empty();
        let app = Path::new(APP_CA);
        if app.exists() {
            add_pem(&mut roots, app)?;
        }
        for path in cacerts {
            add_pem(&mut roots, path)?;
        }
        if roots.is_empty() {
            return Err("no CA to trust: pass --cacert FILE (or --insecure)".to_owned());
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    Ok(TlsConnector::from(Arc::new(config)))
}

fn add_pem(roots: &mut rustls::RootCertStore, path: &Path) -> Result<(), String> {
    let shown = path.display();
    let bytes = crate::fsutil::read_bounded(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(&bytes) {
        let cert = cert.map_err(|_| format!("{shown} is not a PEM certificate"))?;
        roots.add(cert).map_err(|e| format!("{shown}: {e}"))?;
        added += 1;
    }
    if added == 0 {
        return Err(format!("{shown} holds no certificate"));
    }
    Ok(())
}

/// `--insecure`: any certificate, any name (signatures still checked).
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
