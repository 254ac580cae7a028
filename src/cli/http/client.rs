//! The HTTP/1.1 client: one connection per request (as a fresh browser
//! profile would open), over TLS when the URL says `https`, never
//! following a redirect. Errors are one sentence for the terminal.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::target::Target;

/// One request as it goes on the wire (the client adds `Host`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wire {
    /// The method on the wire.
    pub(crate) method: String,
    /// Header lines in order, secrets included: only the client reads these.
    pub(crate) headers: Vec<(String, String)>,
    /// The body.
    pub(crate) body: Vec<u8>,
}

/// What the server answered: status and header lines in order (values
/// decoded lossily: the diagnosis reads text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    /// The status code.
    pub(crate) status: u16,
    /// Header lines, names lower-case.
    pub(crate) headers: Vec<(String, String)>,
}

impl Answer {
    /// The answer as the diagnosis reads it.
    pub(crate) fn as_pair(&self) -> (u16, &[(String, String)]) {
        (self.status, &self.headers)
    }
}

/// Sends `wire` to `target`, within `timeout`.
pub(crate) async fn send(
    tls: Option<&Arc<rustls::ClientConfig>>,
    target: &Target,
    wire: &Wire,
    timeout: Duration,
) -> Result<Answer, String> {
    let at = format!("{}:{}", target.host, target.port);
    match tokio::time::timeout(timeout, exchange(tls, target, wire, &at)).await {
        Ok(answer) => answer,
        Err(_) => Err(format!("no answer from {at} within {} s (--timeout)", timeout.as_secs_f64())),
    }
}

async fn exchange(
    tls: Option<&Arc<rustls::ClientConfig>>,
    target: &Target,
    wire: &Wire,
    at: &str,
) -> Result<Answer, String> {
    let tcp = TcpStream::connect((target.bare_host(), target.port)).await.map_err(|e| connect_error(at, &e))?;
    match tls {
        None => over(tcp, target, wire, at).await,
        Some(config) => {
            let name = ServerName::try_from(target.bare_host().to_owned())
                .map_err(|_| "the URL's host is not a name TLS can check".to_owned())?;
            let stream = TlsConnector::from(config.clone()).connect(name, tcp).await.map_err(|e| tls_error(at, &e))?;
            over(stream, target, wire, at).await
        }
    }
}

/// One request and the head of its answer over an open stream.
async fn over<S>(stream: S, target: &Target, wire: &Wire, at: &str) -> Result<Answer, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let broken = |e: hyper::Error| format!("{at} did not answer with HTTP/1.1 ({e})");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(broken)?;
    // The connection ends with the task once the answer's head is read.
    let driver = tokio::spawn(conn);
    let mut request = http::Request::builder().method(wire.method.as_str()).uri(target.path.as_str());
    request = request.header(http::header::HOST, target.host_header());
    for (name, value) in &wire.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Full::new(Bytes::from(wire.body.clone())))
        .map_err(|_| "the request cannot be built from these arguments".to_owned())?;
    let response = sender.send_request(request).await.map_err(broken)?;
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect();
    driver.abort();
    Ok(Answer { status: response.status().as_u16(), headers })
}

fn connect_error(at: &str, err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => {
            format!("cannot connect to {at}: connection refused (is the server running?)")
        }
        _ => format!("cannot connect to {at}: {err}"),
    }
}

fn tls_error(at: &str, err: &io::Error) -> String {
    use rustls::CertificateError as C;
    let Some(rustls_error) = err.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) else {
        return format!("the TLS handshake with {at} failed: {err} (is it an HTTPS server?)");
    };
    let untrusted = |why: &str| {
        format!(
            "the certificate of {at} is not trusted ({why}): pass --cacert FILE with the CA that issued it, \
             or --insecure to skip the check"
        )
    };
    match rustls_error {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => untrusted("issued by a CA this machine does not trust"),
        rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            format!("the certificate of {at} is not valid for that host name: use the name it was issued for")
        }
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            format!("the certificate of {at} has expired")
        }
        rustls::Error::InvalidCertificate(why) => untrusted(&format!("{why:?}")),
        other => format!("the TLS handshake with {at} failed: {other}"),
    }
}
