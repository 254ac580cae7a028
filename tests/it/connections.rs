//! Connection-level limits of both origins (`src/serve/`, `src/limits.rs`):
//! a client that never reads its answers is cut off, one address cannot
//! take every connection, nor can everyone together go past the total, and
//! a refusal sent while the client is still sending arrives, over TLS too.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use f1_race_results::app::Application;
use f1_race_results::config::Config;
use f1_race_results::limits::{MAX_CONNECTIONS_PER_PEER, MAX_HEAD_BYTES, WRITE_STALL_TIMEOUT};
use f1_race_results::serve::{Caps, Tuning};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{Req, TestApp, connector_trusting};
use crate::wire::{Conn, Io, RawReply, Side, connect, read_until_closed};

const SIDES: [Side; 2] = [Side::Page, Side::Api];

/// A loopback address other than 127.0.0.1: the server sees another peer.
fn peer(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

/// The app with other connection limits than the documented ones.
async fn spawn_tuned(tuning: Tuning) -> TestApp {
    let certs = tempfile::tempdir().expect("temp dir");
    let mut app = Application::build(Config::for_tests(certs.path())).await.expect("the app builds");
    app.tune_connections(tuning);
    let running = app.start().await.expect("the app starts");
    let ca = running.ca_cert().expect("generated certificates").clone();
    TestApp { running, certs, tls: connector_trusting(&ca) }
}

/// A TCP connection to `side` from the local address `from`.
async fn tcp_from(app: &TestApp, side: Side, from: IpAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.bind(SocketAddr::new(from, 0)).expect("bind a loopback address");
    socket.connect(SocketAddr::new(peer(1), side.port(app))).await.expect("connect")
}

/// `side` from `from`, with TLS on the API side.
async fn connect_from(app: &TestApp, side: Side, from: IpAddr) -> std::io::Result<Box<dyn Io>> {
    let tcp = tcp_from(app, side, from).await;
    Ok(match side {
        Side::Page => Box::new(tcp),
        Side::Api => Box::new(app.tls.connect(ServerName::try_from("localhost").expect("name"), tcp).await?),
    })
}

/// One `GET /` on `io` with `Connection: close`; its status, if any came back.
async fn get_status<S: AsyncRead + AsyncWrite + Unpin + ?Sized>(io: &mut S, port: u16) -> Option<u16> {
    let request = format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n");
    let _ = io.write_all(request.as_bytes()).await;
    let _ = io.flush().await;
    read_until_closed(io, Duration::from_secs(5)).await.status()
}

/// Whether a fresh connection from `from` to `side` is served.
async fn served_from(app: &TestApp, side: Side, from: IpAddr) -> bool {
    match connect_from(app, side, from).await {
        Ok(mut io) => get_status(&mut io, side.port(app)).await == Some(200),
        Err(_) => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_disconnected_after_the_write_deadline() {
    let app = TestApp::spawn().await;
    let reader = async |side: Side| {
        // Tens of megabytes of answers: far more than socket buffers hold.
        let one = Conn::new(&app, side).send(Req::get("/")).await;
        assert_eq!(one.status, 200);
        let count = (64 << 20) / one.body.len().max(1);
        let request = format!("GET / HTTP/1.1\r\nHost: localhost:{}\r\n\r\n", side.port(&app)).repeat(count);
        let io = connect(&app, side).await.expect("connect");
        let (mut rx, mut tx) = tokio::io::split(io);
        // The server takes requests only as it answers them: the writes
        // wait too, so they go on beside the waiting.
        let writer = tokio::spawn(async move {
            let _ = tokio::time::timeout(WRITE_STALL_TIMEOUT * 2, tx.write_all(request.as_bytes())).await;
            tx
        });
        tokio::time::sleep(WRITE_STALL_TIMEOUT + Duration::from_secs(2)).await;
        let started = Instant::now();
        // What the kernel buffered still arrives first: megabytes, which a
        // busy 2-core machine may take seconds to read.
        let reply = read_until_closed(&mut rx, Duration::from_secs(10)).await;
        assert!(reply.closed, "{side:?}: still open {WRITE_STALL_TIMEOUT:?} after the last write progress");
        let answered = reply.statuses().len();
        assert!(answered < count, "{side:?}: all {count} answers arrived: it was never cut off");
        assert!(started.elapsed() < Duration::from_secs(8), "{side:?}: closed only after reading resumed");
        drop(writer.await);
    };
    let others = async {
        for round in 0..20 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let side = SIDES[round % 2];
            assert_eq!(
                Conn::new(&app, side).send(Req::get("/")).await.status,
                200,
                "{side:?}: a learner waited meanwhile"
            );
        }
    };
    tokio::join!(reader(Side::Page), reader(Side::Api), others);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_address_does_not_starve_another() {
    let app = TestApp::spawn().await;
    let flooder = peer(2);
    // The cap counts both origins together: fill it with both.
    let mut held = Vec::new();
    for i in 0..MAX_CONNECTIONS_PER_PEER {
        held.push(tcp_from(&app, if i % 2 == 0 { Side::Page } else { Side::Api }, flooder).await);
    }
    // Accepted in order: the last one answered means all were taken.
    // Free one slot. The server notices the close only after it has
    // accepted the backlog, so the freed slot is reusable soon, not at once.
    let last = held.pop().expect("held");
    drop(last);
    let deadline = Instant::now() + Duration::from_secs(5);
    let last = loop {
        let mut io = tcp_from(&app, Side::Page, flooder).await;
        if get_status(&mut io, Side::Page.port(&app)).await == Some(200) {
            break io;
        }
        assert!(Instant::now() < deadline, "the last connection under the cap is never served");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Closed after its answer (once we close too: the server lingers until
    // then); take its slot again, idle.
    drop(last);
    tokio::time::sleep(Duration::from_millis(200)).await;
    held.push(tcp_from(&app, Side::Page, flooder).await);
    tokio::time::sleep(Duration::from_millis(200)).await;

    for side in SIDES {
        let started = Instant::now();
        let mut over = tcp_from(&app, side, flooder).await;
        let reply = read_until_closed(&mut over, Duration::from_secs(3)).await;
        assert!(reply.closed && reply.text.is_empty(), "{side:?}: one over the cap was kept: {:.100}", reply.text);
        assert!(started.elapsed() < Duration::from_secs(1), "{side:?}: closed only after {:?}", started.elapsed());
        assert!(served_from(&app, side, peer(1)).await, "{side:?}: 127.0.0.1 starved by 127.0.0.2");
    }
    // A closed connection gives its slot back.
    held.pop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(served_from(&app, Side::Page, flooder).await, "a freed slot is not reusable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_total_cap_holds_across_addresses() {
    let total = 6;
    let app = spawn_tuned(Tuning { caps: Caps { per_peer: 4, total }, ..Tuning::default() }).await;
    let mut held = Vec::new();
    for i in 0..total {
        held.push(tcp_from(&app, SIDES[i % 2], peer(2 + (i % 3) as u8)).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for from in [peer(1), peer(9)] {
        let mut over = tcp_from(&app, Side::Page, from).await;
        let reply = read_until_closed(&mut over, Duration::from_secs(3)).await;
        assert!(reply.closed && reply.text.is_empty(), "{from}: served past the total cap: {:.100}", reply.text);
    }
    held.pop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(served_from(&app, Side::Page, peer(9)).await, "a freed slot is not reusable");
}

/// Sends `bytes` as a client with a slow uplink would (a few KiB at a
/// time, so the server answers while it is still sending), then reads the
/// answer; like curl, it gives up without reading if sending fails.
async fn send_slowly_then_read(app: &TestApp, side: Side, bytes: &[u8]) -> Result<RawReply, String> {
    let mut io = connect(app, side).await.map_err(|e| format!("connect: {e}"))?;
    for chunk in bytes.chunks(4096) {
        io.write_all(chunk).await.map_err(|e| format!("sending failed: {e}"))?;
        io.flush().await.map_err(|e| format!("sending failed: {e}"))?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(read_until_closed(&mut io, Duration::from_secs(5)).await)
}

#[tokio::test]
async fn a_refusal_sent_while_the_client_is_still_sending_arrives_on_both_origins() {
    let app = TestApp::spawn().await;
    for side in SIDES {
        // A 50 KB cookie: the server stops reading at MAX_HEAD_BYTES and answers.
        let value = "a".repeat(50_000);
        assert!(value.len() > 3 * MAX_HEAD_BYTES);
        let port = side.port(&app);
        let head = format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nCookie: c={value}\r\n\r\n");
        let reply = send_slowly_then_read(&app, side, head.as_bytes()).await;
        let reply = reply.unwrap_or_else(|e| panic!("{side:?}, a 50 KB head: {e}"));
        assert_eq!(reply.status(), Some(431), "{side:?}: {:.200}", reply.text);
        assert!(reply.closed, "{side:?}: closed after the 431");

        // A 50 KB body announced up front: refused before it is read.
        let path = if side == Side::Page { "/lab/scenario" } else { "/cors/results" };
        let body = "x".repeat(50_000);
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let reply = send_slowly_then_read(&app, side, request.as_bytes()).await;
        let reply = reply.unwrap_or_else(|e| panic!("{side:?}, a 50 KB body: {e}"));
        assert_eq!(reply.status(), Some(413), "{side:?}: {:.200}", reply.text);
    }
}
