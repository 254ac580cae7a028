//! What only a browser can decide, decided by real headless Chromium: each
//! technique refreshes without a reload, and the same-origin policy and
//! CORS block exactly what they should. The browser trusts the app's
//! generated CA through its own NSS database, as a learner's would.

// The driver offers more than these tests use yet.
#![allow(dead_code)]

pub mod cdp;
mod cors_page;
mod inspector;
mod scenarios;
mod techniques;

use std::time::Duration;

use cdp::{Browser, LaunchOptions, Page};

use crate::helpers::TestApp;

/// Generous: a shared 2-core CI machine runs Chromium and the app at once.
pub const WAIT: Duration = Duration::from_secs(15);

/// A browser that trusts `app`'s CA, or None (with a printed notice) where
/// Chromium is not installed and CI is not set.
pub async fn browser_for(app: &TestApp) -> Option<Browser> {
    let ca = app.running.ca_cert().cloned();
    Browser::launch(LaunchOptions { trust_ca_pem: ca }).await.expect("Chromium starts")
}

/// Opens `path` of the page origin, as a learner would (http://localhost:PORT).
pub async fn open(browser: &Browser, app: &TestApp, path: &str) -> Page {
    let page = browser.new_page().await.expect("a tab");
    let url = format!("{}{path}", app.running.page_url());
    page.goto(&url).await.unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    page
}

/// Reads a string from the page.
pub async fn text(page: &Page, js: &str) -> String {
    match page.eval(js).await.unwrap_or_else(|e| panic!("{js}: {e}")) {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}
