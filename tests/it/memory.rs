//! Memory that must not grow with traffic: the binary itself, measured from
//! outside (`VmRSS`), so no other test's allocations are counted.

use std::process::Child;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

use crate::binary::{Started, start_in};
use crate::helpers::connector_trusting;

fn rss_kib(child: &Child) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).expect("/proc status");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("a VmRSS line");
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("a number of KiB")
}

/// Kills the child when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

// A request's header values are slices of its connection's read buffer. The
// exchange record keeps the last 2,000 responses' headers; if one of them
// shared the request's bytes (an allowed Origin sent back by sharing the
// request's own value), each record would pin a whole read buffer: about
// 16 KiB per request here, 24 MiB over this test. Found by the benchmark
// (34 MiB after load against 12 MiB for --no-cors); this holds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_exchanges_do_not_pin_the_requests_read_buffers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Started { child, page_port, api_port, .. } = start_in(dir.path(), |_| {});
    let app = Running(child);
    let page = format!("http://localhost:{page_port}");

    let tls = connector_trusting(&dir.path().join("certs/ca.pem"));
    let tcp = TcpStream::connect(("127.0.0.1", api_port)).await.expect("connect");
    let stream = tls.connect(ServerName::try_from("localhost").expect("name"), tcp).await.expect("TLS");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.expect("handshake");
    tokio::spawn(conn);
    let filler = "a".repeat(9_000);
    let mut send = async |n: usize| {
        for _ in 0..n {
            let req = hyper::Request::get("/cors/results")
                .header("host", format!("localhost:{api_port}"))
                .header("origin", &page)
                .header("x-filler", &filler)
                .body(Empty::<Bytes>::new())
                .expect("a request");
            sender.ready().await.expect("connection open");
            let res = sender.send_request(req).await.expect("a response");
            assert_eq!(res.status(), 200);
            let allowed = res.headers().get("access-control-allow-origin").map(|v| v.as_bytes().to_vec());
            assert_eq!(allowed.as_deref(), Some(page.as_bytes()), "the origin must be allowed");
            res.into_body().collect().await.expect("a body");
        }
    };
    send(200).await;
    let before = rss_kib(&app.0);
    send(1_500).await;
    let grown = rss_kib(&app.0).saturating_sub(before);
    assert!(
        grown < 10 * 1024,
        "1,500 requests grew the server by {grown} KiB: recorded exchanges are holding on to request buffers"
    );
}
