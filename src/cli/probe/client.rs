//! `probe`'s way to the server: the URL read by `cli::http::target`, TLS
//! trusting what `check` trusts (`cli::http::roots`: the system's roots,
//! the app's CA, `--cacert`; nothing checked with `--insecure`), and one
//! HTTP/1.1 exchange per request (`cli::http::client`), never following a
//! redirect. It only reads the status and headers of an answer.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue};

use crate::cli::http::client::{self, Wire};
use crate::cli::http::roots;
use crate::cli::http::target::Target;

/// How long one request may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A client for one URL.
#[derive(Clone)]
pub struct Client {
    target: Target,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl Client {
    /// A client for `url`, trusting the system's roots, the app's CA and
    /// `cacert` (or anything with `insecure`); the reason in a sentence
    /// when it cannot be made.
    pub fn new(url: &str, cacert: Option<&Path>, insecure: bool) -> Result<Self, String> {
        let target = Target::parse(url)?;
        let tls = if target.tls { Some(Arc::new(roots::client_config(cacert, insecure)?)) } else { None };
        Ok(Self { target, tls })
    }

    /// Sends `method` with `headers`; the answer's status and headers (a
    /// header whose value is not visible ASCII is left out: it can match
    /// no origin).
    pub async fn send(&self, method: &str, headers: &[(&str, &str)]) -> Result<(u16, HeaderMap), String> {
        let wire = Wire {
            method: method.to_owned(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            body: Vec::new(),
        };
        let answer = client::send(self.tls.as_ref(), &self.target, &wire, TIMEOUT).await?;
        let mut map = HeaderMap::new();
        for (name, value) in &answer.headers {
            if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
                map.append(name, value);
            }
        }
        Ok((answer.status, map))
    }
}
