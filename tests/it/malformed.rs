//! Requests that are not HTTP, or barely: each gets a 4xx or a closed
//! connection, no task panics, and the server goes on serving.

use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::helpers::{Req, TestApp};
use crate::wire::{Conn, RawReply, Side, panics_here, raw, raw_then_eof, read_until_closed, watch_panics};

/// What to send, and whether HTTP allows a server to accept it (then any
/// status below 500 will do).
fn malformed() -> Vec<(&'static str, Vec<u8>)> {
    let chunked = |path: &str, body: &str| {
        format!(
            "PUT {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{body}"
        )
        .into_bytes()
    };
    vec![
        ("a TLS record on a plain port", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage".to_vec()),
        ("garbage request line", b"GARBAGE\r\n\r\n".to_vec()),
        ("a method alone", b"GET\r\n\r\n".to_vec()),
        ("HTTP/0.9", b"GET /\r\n\r\n".to_vec()),
        ("an unknown version", b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n".to_vec()),
        ("a space in the URI", b"GET /a b HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec()),
        ("a NUL in the URI", b"GET /a\x00b HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec()),
        ("a non-ASCII method", b"G\xffT / HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec()),
        ("a space in a header name", b"GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: 1\r\n\r\n".to_vec()),
        ("an empty header name", b"GET / HTTP/1.1\r\nHost: localhost\r\n: nameless\r\n\r\n".to_vec()),
        ("a NUL in a header name", b"GET / HTTP/1.1\r\nHost: localhost\r\nX\x00Y: 1\r\n\r\n".to_vec()),
        ("a header without a colon", b"GET / HTTP/1.1\r\nHost: localhost\r\nNoColon\r\n\r\n".to_vec()),
        ("a folded header", b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A: 1\r\n folded\r\n\r\n".to_vec()),
        ("a bare CR", b"GET / HTTP/1.1\rHost: localhost\r\r".to_vec()),
        ("a bare LF", b"GET / HTTP/1.1\nHost: localhost\n\n".to_vec()),
        ("a huge URI", format!("GET /{} HTTP/1.1\r\nHost: localhost\r\n\r\n", "a".repeat(70_000)).into_bytes()),
        ("chunk size not hex", chunked("/api/v1/users/favourite", "zz\r\n{}\r\n0\r\n\r\n")),
        ("chunk size overflowing", chunked("/api/v1/users/favourite", "ffffffffffffffffffff\r\nx\r\n0\r\n\r\n")),
        ("chunk shorter than its size", chunked("/api/v1/users/favourite", "10\r\n{}\r\n")),
        ("chunk without CRLF", chunked("/api/v1/users/favourite", "2\r\n{}XX0\r\n\r\n")),
        (
            "two different Content-Lengths",
            b"POST /lab/scenario HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab".to_vec(),
        ),
        ("a negative Content-Length", b"POST /lab/scenario HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n".to_vec()),
        (
            "Content-Length and chunked together",
            b"POST /lab/scenario HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\nzzzz"
                .to_vec(),
        ),
        ("an unknown transfer coding", b"POST /lab/scenario HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\nx".to_vec()),
        ("a head cut short", b"GET / HTT".to_vec()),
        ("only newlines", b"\r\n\r\n\r\n\r\n".to_vec()),
        ("random bytes", (0u8..=255).cycle().skip(7).step_by(13).take(600).collect()),
    ]
}

/// Cases HTTP/1.1 lets a server accept (RFC 9112: a bare LF may end a line;
/// a folded header may be unfolded): a normal answer is fine for those.
const MAY_BE_ACCEPTED: &[&str] = &["a bare LF", "a folded header"];

/// Sends the bytes; on the page origin also ends the sending side, so the
/// server knows nothing more is coming.
async fn send(app: &TestApp, side: Side, bytes: &[u8]) -> RawReply {
    match side {
        Side::Page => {
            // The way of sending itself works: a valid request gets its answer.
            let valid = format!("GET / HTTP/1.1\r\nHost: localhost:{}\r\n\r\n", app.running.page_port());
            let valid = raw_then_eof(app, side, valid.as_bytes(), WAIT).await;
            assert_eq!(valid.status(), Some(200), "{}", valid.text);
            raw_then_eof(app, side, bytes, WAIT).await
        }
        Side::Api => raw(app, side, bytes, WAIT).await,
    }
}

const WAIT: Duration = Duration::from_secs(2);

#[tokio::test]
async fn malformed_requests_get_a_4xx_or_a_close_and_the_server_goes_on() {
    watch_panics();
    let app = TestApp::spawn().await;
    let mut answers = Vec::new();
    for side in [Side::Page, Side::Api] {
        for (what, bytes) in malformed() {
            let reply = send(&app, side, &bytes).await;
            let statuses = reply.statuses();
            // Over TLS the client cannot end its side without ending the
            // session, so there a request still waiting for its end may
            // stay open (the header read timeout closes it, see `limits`).
            let waiting = side == Side::Api && statuses.is_empty();
            assert!(reply.closed || waiting || MAY_BE_ACCEPTED.contains(&what), "{side:?} {what}: stays open");
            let fine = statuses.iter().all(|s| (400..500).contains(s))
                || (MAY_BE_ACCEPTED.contains(&what) && statuses.iter().all(|s| *s < 500));
            assert!(fine, "{side:?} {what}: {:.300}", reply.text);
            answers.push(format!("{side:?} {what}: {statuses:?}{}", if reply.closed { ", closed" } else { "" }));
            let after = Conn::new(&app, side).send(Req::get("/")).await;
            assert_eq!(after.status, 200, "{side:?}: not served after {what}");
        }
    }
    assert_eq!(panics_here(), 0, "a server task panicked");
    // What each one got, for whoever reads the test output.
    println!("{}", answers.join("\n"));
}

#[tokio::test]
async fn the_panic_watcher_sees_a_task_panic() {
    watch_panics();
    let before = panics_here();
    let task = tokio::spawn(async { panic!("a deliberate panic, to test the watcher") });
    assert!(task.await.is_err());
    assert_eq!(panics_here(), before + 1);
}

#[tokio::test]
async fn tls_garbage_is_dropped_at_once_and_disturbs_no_one() {
    let app = TestApp::spawn().await;
    let port = app.running.api_port();
    let mut garbage = Vec::new();
    for i in 0..20u8 {
        let mut tcp = TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
        let bytes: &[u8] = match i % 4 {
            0 => b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
            1 => b"\x16\x03\x01\x00\x05hello",
            2 => b"\x16\x03\x01\xff\xff",
            _ => &[i; 300],
        };
        tcp.write_all(bytes).await.expect("send");
        garbage.push(tcp);
    }
    let started = Instant::now();
    for _ in 0..10 {
        let reply = Conn::new(&app, Side::Api).send(Req::get("/cors/results")).await;
        assert_eq!(reply.status, 200);
    }
    assert!(started.elapsed() < Duration::from_secs(2), "ten requests took {:?}", started.elapsed());
    for (i, tcp) in garbage.iter_mut().enumerate() {
        // A TLS alert at most, then the close; never an HTTP answer.
        let reply = read_until_closed(tcp, Duration::from_secs(2)).await;
        let waits_for_more = i % 4 == 2; // a record announcing 65535 bytes
        assert!(reply.closed || waits_for_more, "garbage client {i} still connected");
        assert!(!reply.text.contains("HTTP/1.1"), "garbage client {i} got {:?}", reply.text);
    }
}
