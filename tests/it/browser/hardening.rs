//! The page origin's headers as Chromium and Firefox enforce them: another site cannot
//! frame the lab, and every page still works under the Content-Security-
//! Policy without a single violation.

use f1_race_results::access_log::Listener;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::driver::Page;
use super::{Kind, in_both_browsers};
use super::{WAIT, browser_for, open, text};
use crate::helpers::TestApp;

in_both_browsers!(another_site_cannot_frame_the_lab, every_page_works_under_the_csp_without_a_violation,);

/// A third origin (`http://127.0.0.1:<port>`, another site than
/// `localhost`) whose only page frames `target`. Serves until dropped.
async fn framing_site(target: String) -> (u16, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let port = listener.local_addr().expect("bound").port();
    let body = format!("<!doctype html><title>Another site</title><iframe id=\"victim\" src=\"{target}\"></iframe>");
    let task = tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let mut head = [0u8; 4096];
            let _ = tcp.read(&mut head).await;
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tcp.write_all(reply.as_bytes()).await;
        }
    });
    (port, task)
}

async fn another_site_cannot_frame_the_lab(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    let (port, site) = framing_site(format!("{}/lab", app.running.page_url())).await;
    let page = browser.new_page().await.expect("a tab");
    page.goto(&format!("http://127.0.0.1:{port}/")).await.expect("the other site opens");

    // The browser says so in the framing page's console and fails the frame's load.
    let refused = page.wait_for_console("frame-ancestors 'none'", WAIT).await.expect("the browser refuses the frame");
    let load = page.network_log().into_iter().find(|e| e.url.ends_with("/lab")).expect("the frame's request");
    match kind {
        Kind::Chromium => {
            assert!(refused.contains("violates the following Content Security Policy directive"), "{refused}");
            assert_eq!(load.error_text.as_deref(), Some("net::ERR_BLOCKED_BY_RESPONSE"), "{load:?}");
        }
        Kind::Firefox => {
            let words =
                "Content-Security-Policy: The page’s settings blocked the loading of a resource (frame-ancestors)";
            assert!(refused.contains(words), "{refused}");
            assert!(
                refused.contains("because it violates the following directive: “frame-ancestors 'none'”"),
                "{refused}"
            );
            // No response status: Firefox fails the load once it has read the headers.
            assert_eq!(load.error_text.as_deref(), Some("NS_ERROR_CSP_FRAME_ANCESTOR_VIOLATION"), "{load:?}");
        }
    }
    // The lab's document reached the browser, which then refused to show it:
    // nothing it would load (its stylesheet, scripts, event stream) was asked for.
    let exchanges = &app.running.state().exchanges;
    let lab = exchanges.matching(Listener::Page, "/lab");
    assert!(lab.iter().any(|e| e.sec_fetch()[2] == Some("iframe")), "the frame asked for /lab: {lab:?}");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    for path in ["/static/", "/events"] {
        assert!(exchanges.matching(Listener::Page, path).is_empty(), "the framed lab loaded {path}");
    }
    site.abort();
}

/// Clicks `button` and waits until the technique's outcome is `expected`.
async fn click_until(page: &Page, button: &str, expected: &str) {
    const OUTCOME: &str = "document.getElementById('outcome').dataset.outcome";
    page.eval(&format!("{OUTCOME} = 'idle'")).await.expect("reset");
    page.click(&format!("#{button}")).await.expect("the button exists");
    page.wait_for(&format!("['ok', 'blocked', 'error'].includes({OUTCOME})"), WAIT).await.expect("an outcome");
    let sentence = text(page, "document.getElementById('outcome').textContent").await;
    assert_eq!(text(page, OUTCOME).await, expected, "#{button}: {sentence}\n{:#?}", page.console());
}

/// The page's stylesheet applied (the CSP lets `/static/css/app.css` in).
async fn styled(page: &Page) -> bool {
    let rules = "[...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)";
    page.eval(rules).await.expect("eval").as_u64().unwrap_or(0) > 0
}

async fn every_page_works_under_the_csp_without_a_violation(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else {
        return;
    };
    // Each page is checked and closed before the next opens: every open
    // page holds an event stream, and both browsers allow six connections per
    // host, which the lab's form would otherwise wait for.
    let lab = open(&browser, &app, "/lab").await;
    lab.click("#apply-expose-missing").await.expect("the lab's form");
    // The form posted (form-action 'self'), then the browser follows the
    // redirect back to /lab; evaluating in the page only once it is back.
    let deadline = tokio::time::Instant::now() + WAIT;
    let back = || lab.network_log().iter().any(|e| e.url.contains("/lab?done=applied") && e.status == Some(200));
    while !(back() && app.running.state().lab.current().scenario == "expose-missing") {
        assert!(tokio::time::Instant::now() < deadline, "the lab's form did not post: {:#?}", lab.network_log());
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let switched = "document.getElementById('in-force').dataset.scenario === 'expose-missing'";
    lab.wait_for(switched, WAIT).await.expect("the lab page shows the new scenario");
    let banner = "document.getElementById('scenario-banner').dataset.scenario === 'expose-missing'";
    lab.wait_for(banner, WAIT).await.expect("the banner's event stream (connect-src 'self')");
    no_violation("/lab", lab).await;

    let home = open(&browser, &app, "/").await;
    let reachable = "document.getElementById('api-check').dataset.state === 'reachable'";
    home.wait_for(reachable, WAIT).await.expect("the home page reaches the API origin (connect-src)");
    no_violation("/", home).await;

    for (path, buttons) in [
        ("/iframe", &[("refresh", "ok")][..]),
        ("/ajax", &[("refresh", "ok"), ("refresh-cross-origin", "blocked")][..]),
        ("/jsonp", &[("refresh", "ok")][..]),
        ("/cors", &[("refresh", "ok"), ("cors-json-post", "ok"), ("cors-null-origin", "blocked")][..]),
    ] {
        let page = open(&browser, &app, path).await;
        for (button, expected) in buttons {
            click_until(&page, button, expected).await;
        }
        // The inspector explained what went over the wire.
        let explained = "document.querySelectorAll('#exchanges li.inspected .verdict').length > 0";
        page.wait_for(explained, WAIT).await.unwrap_or_else(|e| panic!("{path}: no inspector entry: {e}"));
        no_violation(path, page).await;
    }
    // The sandboxed frame's own script ran: its fetch went out with Origin: null.
    let me = app.running.state().exchanges.matching(Listener::Api, "/api/v1/users/me");
    assert!(me.iter().any(|e| e.origin() == Some("null")), "no Origin: null request: {me:?}");
}

/// Asserts the page's stylesheet applied and nothing it did violated its
/// CSP (Chromium logs a violation and raises a DevTools issue, Firefox logs
/// `Content-Security-Policy: The page’s settings blocked ...`), then closes it.
async fn no_violation(path: &str, page: Page) {
    assert!(styled(&page).await, "{path}: the stylesheet did not apply");
    let violations: Vec<_> = page
        .console()
        .into_iter()
        // Chromium's console and DevTools issue, Firefox's console.
        .filter(|l| {
            ["Content Security Policy", "ContentSecurityPolicy", "Content-Security-Policy"]
                .iter()
                .any(|w| l.contains(w))
        })
        .collect();
    assert!(violations.is_empty(), "{path}: CSP violations: {violations:#?}");
    page.close().await.expect("the tab closes");
}
