//! Hostile origins against every setup meant to be correct: none may be
//! admitted, on simple requests or preflights, on the three kinds of CORS
//! resource (plain, credentialed, admin). The deliberately dangerous
//! scenarios run through the same check, which must catch them: proof that
//! the check can tell a hole from a wall.

mod list;

use std::time::Duration;

use crate::helpers::{Reply, Req, TestApp};
use crate::wire::{Conn, Side, raw};
use list::Hostile;

/// The scenarios whose every expectation is "works as intended".
const CORRECT: &[&str] = &[
    "default",
    "expose-missing",
    "long-max-age",
    "no-max-age",
    "methods-get-only",
    "missing-allowed-header",
    "credentials-flag-missing",
    "no-preflight-handler",
];

/// Each resource with a preflight its own page would send.
const RESOURCES: &[(&str, &str, &str)] = &[
    ("/cors/results", "POST", "content-type"),
    ("/api/v1/users/me", "PUT", "content-type"),
    ("/api/v1/admin/standings", "GET", "authorization"),
];

/// A request of one kind to one resource, carrying these Origin headers.
fn requests(origins: &[&str]) -> Vec<(String, Req)> {
    let mut out = Vec::new();
    for (path, method, headers) in RESOURCES {
        let with_origins = |mut req: Req| {
            for origin in origins {
                req = req.header("origin", origin);
            }
            req
        };
        out.push((format!("GET {path}"), with_origins(Req::get(path))));
        let preflight = Req::options(path)
            .header("access-control-request-method", method)
            .header("access-control-request-headers", headers);
        out.push((format!("preflight {path}"), with_origins(preflight)));
    }
    out
}

/// What a refused origin must not get: any `Access-Control-*` header.
fn admitted(reply: &Reply) -> Option<String> {
    let found = reply.access_control();
    (!found.is_empty()).then(|| {
        let shown: Vec<String> = found.iter().map(|n| format!("{n}: {}", reply.header(n).unwrap_or("?"))).collect();
        shown.join("; ")
    })
}

/// Runs every hostile origin against the setup in force; returns what got in.
async fn holes(app: &TestApp, hostile: &[Hostile]) -> Vec<String> {
    let mut conn = Conn::new(app, Side::Api);
    let mut holes = Vec::new();
    for origin in hostile {
        for (what, req) in requests(&[origin.value.as_str()]) {
            let reply = conn.send(req).await;
            if let Some(headers) = admitted(&reply) {
                holes.push(format!("{} ({:.60}) on {what}: {headers}", origin.what, origin.value));
            }
        }
    }
    holes
}

#[tokio::test]
async fn no_correct_setup_admits_a_hostile_origin() {
    let app = TestApp::spawn().await;
    let (page_port, api_port) = (app.running.page_port(), app.running.api_port());
    let hostile = list::origins(page_port, api_port);
    assert!(hostile.len() >= 40, "{} origins", hostile.len());
    let page = format!("http://localhost:{page_port}");
    for scenario in CORRECT {
        app.running.state().lab.apply(scenario).expect("a known scenario");
        let mut holes = holes(&app, &hostile).await;
        holes.extend(two_origin_headers(&app, &page).await);
        holes.extend(raw_bytes(&app, page_port).await);
        holes.extend(padding_is_not_echoed(&app, page_port).await);
        assert!(holes.is_empty(), "{scenario} admits:\n{}", holes.join("\n"));
        // And the page itself still gets in: the wall has a door.
        let reply = Conn::new(&app, Side::Api).send(Req::get("/cors/results").origin(&page)).await;
        assert_eq!(reply.header("access-control-allow-origin"), Some(page.as_str()), "{scenario}");
    }
}

/// Two `Origin` headers: a browser never sends that, and no policy reads either one.
async fn two_origin_headers(app: &TestApp, page: &str) -> Vec<String> {
    let mut conn = Conn::new(app, Side::Api);
    let mut holes = Vec::new();
    for pair in [[page, "http://evil.test"], ["http://evil.test", page], [page, page]] {
        for (what, req) in requests(&pair) {
            if let Some(headers) = admitted(&conn.send(req).await) {
                holes.push(format!("two Origin headers {pair:?} on {what}: {headers}"));
            }
        }
    }
    holes
}

/// Bytes that are not visible ASCII, written raw over TLS.
async fn raw_bytes(app: &TestApp, page_port: u16) -> Vec<String> {
    let api = app.running.api_port();
    let mut holes = Vec::new();
    for (what, origin) in list::raw_origins(page_port) {
        for (path, _, _) in RESOURCES {
            let head = format!("GET {path} HTTP/1.1\r\nHost: localhost:{api}\r\nConnection: close\r\nOrigin: ");
            let request = [head.as_bytes(), &origin, b"\r\n\r\n"].concat();
            let reply = raw(app, Side::Api, &request, Duration::from_secs(5)).await;
            assert!(reply.closed, "{what}: the server keeps the connection open after Connection: close");
            let status = reply.status().unwrap_or(0);
            // The handler's answer (the origin refused), or 400 for a header value HTTP forbids.
            assert!((200..500).contains(&status), "{what} on {path}: {}", reply.text);
            for name in ["access-control-allow-origin", "access-control-allow-credentials"] {
                if let Some(value) = reply.header(name) {
                    holes.push(format!("{what} on GET {path}: {name}: {value}"));
                }
            }
        }
    }
    holes
}

/// Leading and trailing whitespace is not part of a field value: the answer
/// names the page origin exactly, or nothing, and never echoes the padding.
async fn padding_is_not_echoed(app: &TestApp, page_port: u16) -> Vec<String> {
    let page = format!("http://localhost:{page_port}");
    let mut conn = Conn::new(app, Side::Api);
    let mut holes = Vec::new();
    for padded in list::padded(page_port) {
        for (what, req) in requests(&[padded.as_str()]) {
            let reply = conn.send(req).await;
            if let Some(value) = reply.header("access-control-allow-origin").filter(|v| *v != page) {
                holes.push(format!("{padded:?} on {what}: access-control-allow-origin: {value:?}"));
            }
        }
    }
    holes
}

#[tokio::test]
async fn the_dangerous_scenarios_are_caught_by_the_same_check() {
    let app = TestApp::spawn().await;
    let (page_port, api_port) = (app.running.page_port(), app.running.api_port());
    let hostile = list::origins(page_port, api_port);
    let expected = [
        ("reflect-any-origin", "another site"),
        ("unanchored-pattern", "page origin as a subdomain"),
        ("unanchored-pattern", "prefixed host"),
        ("null-origin-allowed", "opaque origin"),
    ];
    for (scenario, what) in expected {
        app.running.state().lab.apply(scenario).expect("a known scenario");
        let holes = holes(&app, &hostile).await;
        assert!(
            holes.iter().any(|h| h.starts_with(&format!("{what} ("))),
            "{scenario} should admit {what}: {holes:#?}"
        );
    }
    // The worst of them, spelled out: the attacker's site, with cookies.
    app.running.state().lab.apply("reflect-any-origin").expect("known");
    let reply = Conn::new(&app, Side::Api).send(Req::get("/api/v1/users/me").origin("https://evil.test")).await;
    assert_eq!(reply.header("access-control-allow-origin"), Some("https://evil.test"));
    assert_eq!(reply.header("access-control-allow-credentials"), Some("true"));
}
