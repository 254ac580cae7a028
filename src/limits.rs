//! What either listener accepts from a client before any handler runs: the
//! size of a request head, how long a client may take to send it, and which
//! protocol it may speak. Both origins get the same limits from
//! [`Application::start`](crate::app::Application::start).
//!
//! What a client sees when it goes over a limit (tested in `tests/it/limits.rs`):
//! - more than [`MAX_HEADERS`] header fields, or a request head over
//!   [`MAX_HEAD_BYTES`]: `431 Request Header Fields Too Large`, written by
//!   hyper itself, then the connection is closed. (A client still sending
//!   past the limit may see the close as a reset before it reads the 431:
//!   the server stops reading at the limit, and a socket closed with unread
//!   bytes is reset by the kernel.)
//! - a URI is part of the head, so a long one gets the same 431 (hyper's
//!   own 414 is for URIs over 64 KiB, which cannot fit); a malformed
//!   request: `400`, or a closed connection when nothing sensible can be said.
//! - a body over [`crate::MAX_BODY_BYTES`]: `413`, from the routers.
//! - a head not complete within [`HEADER_READ_TIMEOUT`] (a slowloris, or a
//!   keep-alive connection left idle): the connection is closed, no answer.
//! - no answer within [`REQUEST_TIMEOUT`] of the head, which in practice
//!   means a body trickled too slowly: `408 Request Timeout`. (This layer
//!   sits outside the access log, so such a request leaves no log line.)
//! - no TLS handshake within [`TLS_HANDSHAKE_TIMEOUT`]: closed.
//! - more than `lab::events::MAX_STREAMS_PER_CLIENT` event streams: 429.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum_server::Server;
use axum_server::tls_rustls::RustlsAcceptor;
use hyper_util::rt::TokioTimer;
use tower_http::timeout::TimeoutLayer;

/// Most header fields one request may carry. A browser sends about twenty;
/// hyper's default is 100. Each one costs a slot parsed on every request.
pub const MAX_HEADERS: usize = 64;

/// The largest request head (request line and headers) hyper buffers, in
/// bytes; the same 16 KiB Node.js allows. It also bounds hyper's read
/// buffer per connection. hyper refuses values under 8 KiB (it panics).
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
const _: () = assert!(MAX_HEAD_BYTES >= 8 * 1024, "hyper's minimum buffer size");

/// How long a client has to send a whole request head once the server waits
/// for one, which includes a keep-alive connection waiting for its next
/// request. On loopback or a LAN a head takes microseconds; a client that
/// trickles bytes to hold a connection open (slowloris) is dropped after
/// this, and meanwhile costs one idle task, not a thread.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a request may take from its parsed head to its answer. Every
/// handler answers at once (an event stream answers at once too, then
/// streams), so only a client sending its body slowly ever reaches this;
/// the header timeout above does not cover bodies.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a TLS client has to finish its handshake (axum-server's default
/// is 10 s); a client that sends garbage instead is dropped at once.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// Applies the limits to a plain HTTP server (the page origin).
///
/// HTTP/1.1 only: hyper-util's automatic builder would otherwise also
/// serve HTTP/2 to a client sending its preface (prior knowledge, with or
/// without TLS, whatever ALPN said), where none of the limits above apply.
pub fn http<Acc>(server: Server<SocketAddr, Acc>) -> Server<SocketAddr, Acc> {
    let mut server = server.http1_only();
    server
        .http_builder()
        .http1()
        .max_headers(MAX_HEADERS)
        .max_buf_size(MAX_HEAD_BYTES)
        // The timeout needs a timer; without one hyper silently has none.
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    server
}

/// Applies the limits to the HTTPS server (the API origin).
pub fn https(server: Server<SocketAddr, RustlsAcceptor>) -> Server<SocketAddr, RustlsAcceptor> {
    http(server.map(|acceptor| acceptor.handshake_timeout(TLS_HANDSHAKE_TIMEOUT)))
}

/// Puts [`REQUEST_TIMEOUT`] on every route of a router.
pub fn deadline(router: Router) -> Router {
    router.layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
}
