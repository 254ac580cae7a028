//! What either origin does with requests too big, too many, too slow, or
//! not HTTP/1.1 at all (see `src/limits.rs`).

use std::time::{Duration, Instant};

use f1_race_results::MAX_BODY_BYTES;
use f1_race_results::limits::{
    HEADER_READ_TIMEOUT, MAX_HEAD_BYTES, MAX_HEADERS, REQUEST_TIMEOUT, TLS_HANDSHAKE_TIMEOUT,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::helpers::{Req, TestApp};
use crate::wire::{Conn, RawReply, Side, connect, raw, read_until_closed};

const SIDES: [Side; 2] = [Side::Page, Side::Api];

#[tokio::test]
async fn too_many_headers_get_431_on_both_origins() {
    let app = TestApp::spawn().await;
    for side in SIDES {
        let mut conn = Conn::new(&app, side);
        let with = |n: usize| (0..n).fold(Req::get("/"), |req, i| req.header(&format!("x-h{i}"), "1"));
        // Host is one more header: MAX_HEADERS - 1 extra ones is the most.
        assert_eq!(conn.send(with(MAX_HEADERS - 1)).await.status, 200, "{side:?}: at the limit");
        let reply = conn.send(with(MAX_HEADERS)).await;
        assert_eq!(reply.status, 431, "{side:?}: one over the limit");
        assert_eq!(conn.send(Req::get("/")).await.status, 200, "{side:?}: served again");
    }
}

#[tokio::test]
async fn an_oversized_head_gets_431_on_both_origins() {
    let app = TestApp::spawn().await;
    for side in SIDES {
        let mut conn = Conn::new(&app, side);
        // A big cookie is the usual way to get there.
        let fits = Req::get("/").header("cookie", &format!("c={}", "a".repeat(MAX_HEAD_BYTES - 1024)));
        assert_eq!(conn.send(fits).await.status, 200, "{side:?}: under the limit");
        // Exactly as big as the buffer: the head cannot be complete in it.
        let value = "a".repeat(MAX_HEAD_BYTES);
        let head = format!("GET / HTTP/1.1\r\nHost: localhost\r\nCookie: c={value}\r\n\r\n");
        let reply = raw(&app, side, head.as_bytes(), Duration::from_secs(5)).await;
        assert!(reply.closed, "{side:?}: the connection is closed");
        assert_eq!(reply.status(), Some(431), "{side:?}: {:.200}", reply.text);
        // A URI is part of the head: the same limit, the same answer.
        let uri = format!("GET /{} HTTP/1.1\r\nHost: localhost\r\n\r\n", "u".repeat(MAX_HEAD_BYTES));
        let reply = raw(&app, side, uri.as_bytes(), Duration::from_secs(5)).await;
        assert_eq!(reply.status(), Some(431), "{side:?}: {:.200}", reply.text);
    }
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_on_both_origins() {
    let app = TestApp::spawn().await;
    let big = "d=".to_owned() + &"x".repeat(MAX_BODY_BYTES);
    let form = "application/x-www-form-urlencoded";
    let page = app.page(Req::post("/lab/scenario", form, &big)).await;
    assert_eq!(page.status, 413, "page, with Content-Length: {}", page.body);
    let api = app.api(Req::post("/cors/results", form, &big)).await;
    assert_eq!(api.status, 413, "API, with Content-Length: {}", api.body);
    let json = format!("{{\"driver\":\"HAM\",\"pad\":\"{}\"}}", "x".repeat(MAX_BODY_BYTES));
    let put = app.api(Req::post("/api/v1/users/favourite", "application/json", &json).method("PUT")).await;
    assert_eq!(put.status, 413, "API PUT, with Content-Length: {}", put.body);

    // Without Content-Length the size is only known while reading.
    for (side, path, method, content_type) in
        [(Side::Page, "/lab/scenario", "POST", form), (Side::Api, "/api/v1/users/favourite", "PUT", "application/json")]
    {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost:{}\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            side.port(&app)
        )
        .into_bytes();
        for _ in 0..3 {
            request.extend_from_slice(
                format!("{:x}\r\n{}\r\n", MAX_BODY_BYTES / 2, "x".repeat(MAX_BODY_BYTES / 2)).as_bytes(),
            );
        }
        request.extend_from_slice(b"0\r\n\r\n");
        let reply = raw(&app, side, &request, Duration::from_secs(5)).await;
        assert_eq!(reply.status(), Some(413), "{side:?} chunked: {:.300}", reply.text);
    }
    // A body under the limit still works.
    let put =
        app.api(Req::post("/api/v1/users/favourite", "application/json", "{\"driver\":\"HAM\"}").method("PUT")).await;
    assert_eq!(put.status, 200, "{}", put.body);
}

#[tokio::test]
async fn http2_prior_knowledge_is_not_served() {
    let app = TestApp::spawn().await;
    for side in SIDES {
        let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";
        let reply = raw(&app, side, preface, Duration::from_secs(5)).await;
        assert!(reply.closed, "{side:?}");
        // An HTTP/2 server would answer with a SETTINGS frame (type 4).
        assert!(reply.text.is_empty() || reply.text.starts_with("HTTP/1.1 4"), "{side:?}: {:?}", reply.text);
    }
}

/// Sends a request head one byte at a time, `every` apart, until the server
/// closes; returns how long it stayed open.
async fn trickle(app: &TestApp, side: Side, every: Duration) -> Duration {
    let started = Instant::now();
    let mut io = connect(app, side).await.expect("connect");
    let head = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".iter().chain(std::iter::repeat(&b'z'));
    for byte in head {
        if io.write_all(&[*byte]).await.is_err() || io.flush().await.is_err() {
            break;
        }
        tokio::time::sleep(every).await;
        if started.elapsed() > HEADER_READ_TIMEOUT * 3 {
            break;
        }
    }
    started.elapsed()
}

/// Sends a complete head announcing a body, then the body one byte at a
/// time; returns the answer and how long it took.
async fn trickle_body(app: &TestApp, side: Side, head: &str, every: Duration) -> (RawReply, Duration) {
    let started = Instant::now();
    let mut io = connect(app, side).await.expect("connect");
    io.write_all(head.as_bytes()).await.expect("the head");
    loop {
        let answered = read_until_closed(&mut io, every).await;
        if !answered.text.is_empty() || answered.closed || started.elapsed() > REQUEST_TIMEOUT * 3 {
            return (answered, started.elapsed());
        }
        if io.write_all(b"x").await.is_err() {
            let answer = read_until_closed(&mut io, every).await;
            return (answer, started.elapsed());
        }
    }
}

#[tokio::test]
async fn slow_or_silent_clients_are_dropped_without_starving_others() {
    let app = TestApp::spawn().await;
    let margin = Duration::from_secs(3);
    let slow = async {
        let (page, api) = tokio::join!(
            trickle(&app, Side::Page, Duration::from_millis(300)),
            trickle(&app, Side::Api, Duration::from_millis(300))
        );
        for (side, open) in [("page", page), ("API", api)] {
            assert!(open >= HEADER_READ_TIMEOUT - Duration::from_secs(1), "{side}: dropped too early ({open:?})");
            assert!(open <= HEADER_READ_TIMEOUT + margin, "{side}: still open after {open:?}");
        }
    };
    // A TLS client that never says hello.
    let silent = async {
        let started = Instant::now();
        let mut tcp = TcpStream::connect(("127.0.0.1", app.running.api_port())).await.expect("connect");
        let reply = read_until_closed(&mut tcp, TLS_HANDSHAKE_TIMEOUT + margin).await;
        assert!(reply.closed, "a silent TLS client is still connected after {:?}", started.elapsed());
        assert!(started.elapsed() >= TLS_HANDSHAKE_TIMEOUT - Duration::from_secs(1));
    };
    let others = async {
        let mut slowest = Duration::ZERO;
        for round in 0..40 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let side = if round % 2 == 0 { Side::Page } else { Side::Api };
            let started = Instant::now();
            let reply = Conn::new(&app, side).send(Req::get("/cors/results")).await;
            assert_eq!(reply.status, if side == Side::Page { 404 } else { 200 });
            slowest = slowest.max(started.elapsed());
        }
        assert!(slowest < Duration::from_secs(1), "a normal request took {slowest:?} meanwhile");
    };
    let slow_bodies = async {
        let (page_port, api_port) = (app.running.page_port(), app.running.api_port());
        let lab = &format!(
            "POST /lab/scenario HTTP/1.1\r\nHost: localhost:{page_port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
        );
        let put = &format!(
            "PUT /api/v1/users/favourite HTTP/1.1\r\nHost: localhost:{api_port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        );
        let every = Duration::from_millis(300);
        let ((page, page_took), (api, api_took)) =
            tokio::join!(trickle_body(&app, Side::Page, lab, every), trickle_body(&app, Side::Api, put, every));
        for (side, reply, took) in [("page", page, page_took), ("API", api, api_took)] {
            assert_eq!(reply.status(), Some(408), "{side}: {:.200}", reply.text);
            assert!(took >= REQUEST_TIMEOUT - Duration::from_secs(1), "{side}: answered too early ({took:?})");
            assert!(took <= REQUEST_TIMEOUT + margin, "{side}: answered after {took:?}");
        }
    };
    tokio::join!(slow, silent, slow_bodies, others);
}
