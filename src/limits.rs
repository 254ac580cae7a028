//! What either listener accepts from a client before any handler runs: the
//! size of a request head, how long a client may take to send it, which
//! protocol it may speak, and how many connections it may hold. Both origins
//! get the same limits from [`Application::start`](crate::app::Application::start)
//! through [`crate::serve`].
//!
//! What a client sees when it goes over a limit (tested in `tests/it/limits.rs`):
//! - more than [`MAX_HEADERS`] header fields, or a request head over
//!   [`MAX_HEAD_BYTES`]: `431 Request Header Fields Too Large`, written by
//!   hyper itself, then the connection is closed gracefully: after
//!   [`LINGER_TIME`] of reading and discarding (up to [`LINGER_BYTES`]), so
//!   a client still sending past the limit reads the 431, over TLS too.
//! - a URI is part of the head, so a long one gets the same 431 (hyper's
//!   own 414 is for URIs over 64 KiB, which cannot fit); a malformed
//!   request: `400`, or a closed connection when nothing sensible can be said.
//! - a body over [`crate::MAX_BODY_BYTES`]: `413`, from the routers (then
//!   the same lingering close, so the 413 arrives while the body is still
//!   being sent).
//! - a head not complete within [`HEADER_READ_TIMEOUT`] (a slowloris, or a
//!   keep-alive connection left idle): the connection is closed, no answer.
//! - no answer within [`REQUEST_TIMEOUT`] of the head, which in practice
//!   means a body trickled too slowly: `408 Request Timeout`. (This layer
//!   sits outside the access log, so such a request leaves no log line.)
//! - no TLS handshake within [`TLS_HANDSHAKE_TIMEOUT`]: closed.
//! - more than `lab::events::MAX_STREAMS_PER_CLIENT` event streams: 429.
//! - a response it does not read (pipelined requests for a big page, say)
//!   for [`WRITE_STALL_TIMEOUT`]: the connection is closed.
//! - more than [`MAX_CONNECTIONS_PER_PEER`] open connections from one
//!   address, or [`MAX_CONNECTIONS`] from everyone: the new connection is
//!   closed at once, unanswered (an event stream counts here too).

use std::time::Duration;

use axum::http::StatusCode;
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

/// How long a TLS client has to finish its handshake; a client that sends
/// garbage instead is dropped at once.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a write may wait for the client to read before the connection
/// is closed (`serve::write_deadline`). A browser reads as fast as the LAN
/// delivers; a client that pipelines requests for a big page and never
/// reads would otherwise hold a connection, and megabytes of kernel send
/// buffer, forever. Progress (any byte taken) restarts the clock.
pub const WRITE_STALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections one peer address may hold open at once, both origins
/// together (`serve::conn_limit`). A browser opens 6 to 10 per origin and an
/// event stream per `/lab` tab; a class of ~30 learners may share one NAT
/// address (~30 x 20 at their busiest), and idle keep-alive connections
/// close after [`HEADER_READ_TIMEOUT`]. Half of [`MAX_CONNECTIONS`]: one
/// address, however busy, leaves the other half to everyone else. (The
/// soak run holds 258 from 127.0.0.1; the bench 32 by default.)
pub const MAX_CONNECTIONS_PER_PEER: usize = 512;
const _: () = assert!(MAX_CONNECTIONS_PER_PEER * 2 <= MAX_CONNECTIONS);

/// Connections everyone together may hold open at once. Each costs a file
/// descriptor, a task and hyper's buffers (about [`MAX_HEAD_BYTES`] for
/// reading); 1024 is also the usual soft limit on open files. Beyond it, and
/// beyond the per-peer cap, a connection is closed at once, unanswered,
/// and one warning line (at most every 10 s) says so.
pub const MAX_CONNECTIONS: usize = 1024;

/// How long a connection lingers after its last response (`serve::linger`):
/// our side is shut (TLS close_notify, FIN) and input is read and discarded
/// for this long, or until the client closes, so a client still sending when
/// it was refused reads the refusal instead of a reset.
pub const LINGER_TIME: Duration = Duration::from_secs(2);

/// The most input a lingering connection reads and discards.
pub const LINGER_BYTES: usize = 64 * 1024;

/// hyper's HTTP/1.1 server with the limits above, for both listeners
/// (`crate::serve`).
///
/// HTTP/1.1 only: the server is hyper's http1 builder alone, so a client
/// sending the HTTP/2 preface (prior knowledge, with or without TLS,
/// whatever ALPN said) is refused, never served where none of these apply.
/// Pipelined requests are served one at a time: hyper reads the next head
/// only once the previous response is written, so the requests waiting
/// behind a response nobody reads stay unread bytes (at most
/// [`MAX_HEAD_BYTES`] in hyper's buffer, the rest in the kernel's), and
/// [`WRITE_STALL_TIMEOUT`] ends the connection they wait on.
pub fn http1() -> hyper::server::conn::http1::Builder {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .max_headers(MAX_HEADERS)
        .max_buf_size(MAX_HEAD_BYTES)
        // The timeout needs a timer; without one hyper silently has none.
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    builder
}

/// [`REQUEST_TIMEOUT`] on every request, as a layer of an origin's stack.
pub fn deadline() -> TimeoutLayer {
    TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT)
}
