//! What the page origin puts on the wire: gzip for browsers that accept it,
//! and a reload answered `304` (src/pages/delivery.rs).

use std::io::Read as _;

use crate::helpers::{Reply, Req, TestApp};

const GZIP: (&str, &str) = ("accept-encoding", "gzip, deflate, br, zstd");

/// Bytes on the wire for a whole response: status line and headers as
/// hyper received them (approximated by their text), plus the body.
fn wire_size(reply: &Reply) -> usize {
    let head: usize = reply.headers.iter().map(|(n, v)| n.as_str().len() + v.as_bytes().len() + 4).sum();
    head + 20 + reply.raw.len()
}

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut out).expect("valid gzip");
    out
}

/// The `/cors` page and everything it loads from the page origin.
async fn cors_page_and_assets(app: &TestApp, reload: Option<&[(String, String)]>) -> Vec<(String, Reply)> {
    let mut paths = vec!["/cors".to_owned()];
    let page = app.page(Req::get("/cors").header(GZIP.0, GZIP.1)).await;
    let html = gunzip(&page.raw);
    for piece in html.split('"') {
        // What the page loads (versioned URLs), not the link to read a script.
        if piece.starts_with("/static/") && piece.contains("?v=") {
            paths.push(piece.to_owned());
        }
    }
    assert!(paths.len() >= 4, "the page loads its CSS and scripts: {paths:?}");
    let mut replies = Vec::new();
    for path in paths {
        let mut req = Req::get(&path).header(GZIP.0, GZIP.1);
        if let Some((_, tag)) = reload.and_then(|tags| tags.iter().find(|(p, _)| *p == path)) {
            req = req.header("if-none-match", tag);
        }
        replies.push((path, app.page(req).await));
    }
    replies
}

#[tokio::test]
async fn the_cors_page_is_small_on_first_load_and_a_reload_costs_a_few_hundred_bytes() {
    let app = TestApp::spawn_with(|c| c.lap_seconds = std::time::Duration::from_secs(3600)).await;
    let first = cors_page_and_assets(&app, None).await;
    let mut total = 0;
    let mut tags = Vec::new();
    for (path, reply) in &first {
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-encoding"), Some("gzip"), "{path} is compressed");
        assert_eq!(reply.header("vary"), Some("Accept-Encoding"), "{path}");
        let tag = reply.header("etag").unwrap_or_else(|| panic!("{path} has an ETag"));
        tags.push((path.clone(), tag.to_owned()));
        total += wire_size(reply);
    }
    assert!(total <= 30 * 1024, "first load of /cors is {total} bytes, over 30 KB");

    // The scripts and the stylesheet come from versioned URLs, sent as
    // immutable: a browser's reload does not ask for them again.
    for (path, reply) in first.iter().skip(1) {
        assert!(path.contains("?v="), "{path} is versioned");
        assert_eq!(reply.header("cache-control"), Some("public, max-age=31536000, immutable"), "{path}");
    }
    // The page itself is asked again, and unchanged it costs a 304.
    let again = cors_page_and_assets(&app, Some(&tags)).await;
    for (path, reply) in &again {
        assert_eq!(reply.status, 304, "{path} revalidates");
        assert!(reply.raw.is_empty(), "{path}: no body with a 304");
    }
    let reload = wire_size(&again[0].1);
    assert!(reload <= 700, "a reload of /cors is {reload} bytes");
    app.stop().await;
}

#[tokio::test]
async fn without_gzip_the_bytes_are_plain_and_tagged_differently() {
    let app = TestApp::spawn_with(|c| c.lap_seconds = std::time::Duration::from_secs(3600)).await;
    let plain = app.page(Req::get("/static/js/cors.js")).await;
    assert_eq!(plain.header("cache-control"), Some("no-cache"), "the bare URL is revalidated");
    let gz = app.page(Req::get("/static/js/cors.js").header(GZIP.0, GZIP.1)).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain.body.contains("fetch("), "the script itself");
    assert_eq!(gunzip(&gz.raw), plain.body, "the same file, compressed");
    assert_ne!(plain.header("etag"), gz.header("etag"), "one tag per representation");
    let refused = app.page(Req::get("/static/js/cors.js").header("accept-encoding", "gzip;q=0")).await;
    assert_eq!(refused.header("content-encoding"), None, "q=0 refuses gzip");
    app.stop().await;
}

#[tokio::test]
async fn the_lab_is_never_revalidated_and_event_streams_pass_untouched() {
    let app = TestApp::spawn().await;
    let lab = app.page(Req::get("/lab").header(GZIP.0, GZIP.1)).await;
    assert_eq!(lab.status, 200);
    assert_eq!(lab.header("cache-control"), Some("no-store"));
    assert_eq!(lab.header("etag"), None, "no-store: nothing to revalidate");
    let page = app.page(Req::get("/cors").header(GZIP.0, GZIP.1)).await;
    let tag = page.header("etag").expect("tagged").to_owned();
    let changed = app.page(Req::get("/cors").header(GZIP.0, GZIP.1).header("if-none-match", "\"stale\"")).await;
    assert_eq!(changed.status, 200, "another tag gets the page");
    let post = app.page(Req::post("/inspect/verdict", "application/json", "{}").header("if-none-match", &tag)).await;
    assert_ne!(post.status, 304, "only GET and HEAD revalidate");
    app.stop().await;
}
