//! The bench's ceiling: a bare axum + tower-http `CorsLayer` server that
//! serves `GET`/`POST /cors/results` over HTTPS (HTTP/1.1, the run's
//! certificate) with the app's fragment bytes and headers, from memory,
//! and logs nothing per request. The bench holds the app's CPU per request
//! to it (docs/performance.md). Prints `baseline API origin: https://localhost:PORT`
//! once it listens on a free loopback port.

mod args;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, Method, header};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tower_http::cors::{AllowOrigin, CorsLayer};

use args::Args;

/// The ready line, followed by the URL.
const READY: &str = "baseline API origin:";

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => serve(args).await,
        Err(message) => Err(message),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<(), String> {
    let body = Bytes::from(std::fs::read(&args.fragment).map_err(|e| format!("cannot read --fragment: {e}"))?);
    let acceptor = TlsAcceptor::from(Arc::new(tls(&args)?));
    let app = router(body, args.headers.into_iter().collect(), args.origins);
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| format!("cannot listen: {e}"))?;
    let port = listener.local_addr().map_err(|e| format!("cannot listen: {e}"))?.port();
    println!("{READY} https://localhost:{port}");
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            // Out of descriptors, say: the app's server also just waits.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        // Like the app's listener (axum-server sets it too).
        let _ = tcp.set_nodelay(true);
        let (acceptor, service) = (acceptor.clone(), TowerToHyperService::new(app.clone()));
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else { return };
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

/// `/cors/results` with the CorsLayer configured like the app's `/cors/*`
/// resource in policies/default.toml.
fn router(body: Bytes, headers: HeaderMap, origins: Vec<http::HeaderValue>) -> Router {
    let fragment = move || {
        let (headers, body) = (headers.clone(), body.clone());
        async move { (headers, body) }
    };
    let name = HeaderName::from_static;
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::ORIGIN, header::ACCEPT, header::CONTENT_TYPE, name("x-requested-with")])
        .expose_headers([name("x-total-count"), name("x-race-lap")])
        .max_age(Duration::from_secs(600));
    Router::new().route("/cors/results", get(fragment.clone()).post(fragment)).layer(cors)
}

/// The app's TLS settings: ring, safe default versions, ALPN http/1.1.
fn tls(args: &Args) -> Result<ServerConfig, String> {
    let chain = CertificateDer::pem_file_iter(&args.cert)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| format!("cannot read --cert: {e}"))?;
    let key = PrivateKeyDer::from_pem_file(&args.key).map_err(|e| format!("cannot read --key: {e}"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("--cert/--key refused: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
