//! The accept loop of one listener, and the life of each connection it
//! takes: a slot under the caps, the TLS handshake (API origin), hyper's
//! HTTP/1.1 with the limits of [`crate::limits`], graceful shutdown, and a
//! lingering close.
//!
//! Stopping: when `stop` turns `true` the loop stops accepting, each
//! connection finishes its response in flight (hyper's graceful shutdown;
//! event streams end on the same signal), and whatever is still open after
//! the grace period is dropped.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use std::convert::Infallible;

use axum::extract::ConnectInfo;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use rustls::ServerConfig;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::conn_limit::{ConnLimit, Slot};
use super::linger::{self, Transport};
use super::write_deadline::WriteDeadline;
use super::{Tuning, stopped};
use crate::limits::{self, TLS_HANDSHAKE_TIMEOUT};

/// How long the loop pauses after a failed accept (out of file
/// descriptors, typically), so it does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// One bound listener, ready to serve an origin's service stack.
pub struct Listener<S> {
    listener: TcpListener,
    shared: Arc<Shared<S>>,
}

/// What an origin's service stack must be to be served: cloned (cheaply:
/// `Arc`s, no allocation) for each request, as hyper needs an owned future.
pub trait Stack:
    tower::Service<Request<Incoming>, Response = Response<Self::Body>, Error = Infallible, Future: Send + 'static>
    + Clone
    + Send
    + Sync
    + 'static
{
    /// The answers' body.
    type Body: http_body::Body<Data = bytes::Bytes, Error: Into<axum::BoxError>> + Send + 'static;
}

impl<S, B> Stack for S
where
    S: tower::Service<Request<Incoming>, Response = Response<B>, Error = Infallible, Future: Send + 'static>
        + Clone
        + Send
        + Sync
        + 'static,
    B: http_body::Body<Data = bytes::Bytes, Error: Into<axum::BoxError>> + Send + 'static,
{
    type Body = B;
}

/// What every connection of a listener reads.
struct Shared<S> {
    service: S,
    tls: Option<TlsAcceptor>,
    http: hyper::server::conn::http1::Builder,
    limit: ConnLimit,
    tuning: Tuning,
}

impl<S> Listener<S> {
    /// Takes a bound, non-blocking std listener (the app binds early to
    /// report port errors as sentences); `tls` makes it HTTPS. Every
    /// listener given the same `limit` counts against the same caps.
    pub fn new(
        listener: std::net::TcpListener,
        tls: Option<Arc<ServerConfig>>,
        service: S,
        limit: ConnLimit,
        tuning: Tuning,
    ) -> io::Result<Self> {
        let listener = TcpListener::from_std(listener)?;
        let shared = Shared { service, tls: tls.map(TlsAcceptor::from), http: limits::http1(), limit, tuning };
        Ok(Self { listener, shared: Arc::new(shared) })
    }

    /// Serves until `stop` turns `true`, then gives open connections
    /// `grace` to finish and drops the rest.
    pub async fn serve(self, mut stop: watch::Receiver<bool>, grace: Duration)
    where
        S: Stack,
    {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                () = stopped(&mut stop) => break,
                accepted = self.listener.accept() => match accepted {
                    Ok((tcp, peer)) => {
                        // Over a cap: dropped at once, before any byte is read.
                        if let Ok(slot) = self.shared.limit.acquire(peer.ip()) {
                            connections.spawn(connection(tcp, peer, slot, Arc::clone(&self.shared), stop.clone()));
                        }
                    }
                    Err(e) => {
                        tracing::debug!("accept failed: {e}");
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                },
                // Finished connections are reaped as they go.
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
        drop(self.listener);
        let drained = async { while connections.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, drained).await.is_err() {
            connections.abort_all();
        }
    }
}

/// One connection, from accept to close; `_slot` frees its place under the
/// caps when the task ends, however it ends.
async fn connection<S: Stack>(
    tcp: TcpStream,
    peer: SocketAddr,
    _slot: Slot,
    shared: Arc<Shared<S>>,
    stop: watch::Receiver<bool>,
) {
    let tcp = WriteDeadline::new(tcp, shared.tuning.write_stall);
    match &shared.tls {
        None => http(tcp, peer, &shared, stop).await,
        Some(acceptor) => match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
            Ok(Ok(tls)) => http(tls, peer, &shared, stop).await,
            Ok(Err(e)) => tracing::debug!(%peer, "TLS handshake failed: {e}"),
            Err(_) => tracing::debug!(%peer, "no TLS handshake within {TLS_HANDSHAKE_TIMEOUT:?}"),
        },
    }
}

/// Serves HTTP/1.1 on `io` until either side ends it, then closes it gracefully.
async fn http<T: Transport, S: Stack>(
    mut io: T,
    peer: SocketAddr,
    shared: &Shared<S>,
    mut stop: watch::Receiver<bool>,
) {
    let service = shared.service.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        // What `into_make_service_with_connect_info` did: handlers may ask
        // for the peer (the event streams' per-address cap does).
        request.extensions_mut().insert(ConnectInfo(peer));
        service.clone().oneshot(request)
    });
    {
        let conn = shared.http.serve_connection(TokioIo::new(&mut io), service);
        tokio::pin!(conn);
        let mut watch = stop.clone();
        let served = tokio::select! {
            served = conn.as_mut() => served,
            () = stopped(&mut watch) => {
                conn.as_mut().graceful_shutdown();
                conn.as_mut().await
            }
        };
        match served {
            // A head not sent in time got no answer: nothing to linger for.
            Err(e) if e.is_timeout() => return,
            Err(e) => tracing::debug!(%peer, "connection ended: {e}"),
            Ok(()) => {}
        }
    }
    linger::close(&mut io, &mut stop).await;
}
