//! What only a browser can decide, decided by real headless browsers,
//! Chromium and Firefox: each technique refreshes without a reload, and the
//! same-origin policy and CORS block exactly what they should. Each browser
//! trusts the app's generated CA through its own NSS database, as a
//! learner's would. Every test runs once per browser (`<test>::chromium`,
//! `<test>::firefox`); where the browsers truly differ, the test says how.

mod cors_page;
pub mod driver;
mod editor;
mod hardening;
mod inspector;
mod other_site;
mod playground;
mod playground_model;
mod playground_presets;
mod scenarios;
mod techniques;
mod trust;

use std::time::Duration;

pub use driver::Kind;
use driver::{Browser, LaunchOptions, Page};

use crate::helpers::TestApp;

/// Generous: a shared 2-core CI machine runs a browser and the app at once.
pub const WAIT: Duration = Duration::from_secs(15);

/// Declares, for each named `async fn name(kind: Kind)` of the file, a module
/// `name` with two tests, `chromium` and `firefox`, that run it in that browser.
macro_rules! in_both_browsers {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn chromium() {
                super::$name($crate::browser::Kind::Chromium).await
            }

            #[tokio::test]
            async fn firefox() {
                super::$name($crate::browser::Kind::Firefox).await
            }
        }
    )*};
}
pub(crate) use in_both_browsers;

/// A browser for one test, holding a share of [`crate::helpers::CPU`] so
/// that no CPU-hungry test (a release build) starves its timing checks.
pub struct TestBrowser {
    browser: Browser,
    _share: std::sync::RwLockReadGuard<'static, ()>,
}

impl std::ops::Deref for TestBrowser {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}

/// A `kind` browser that trusts `app`'s CA, or None (with a printed notice)
/// where it is not installed and CI is not set.
// The share is held for the whole test on purpose: each test runs on its own
// current-thread runtime, so nothing else waits on this thread.
#[allow(clippy::await_holding_lock)]
pub async fn browser_for(kind: Kind, app: &TestApp) -> Option<TestBrowser> {
    let share = crate::helpers::CPU.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    let ca = app.running.ca_cert().cloned();
    let browser = Browser::launch(kind, LaunchOptions { trust_ca_pem: ca, ..LaunchOptions::default() })
        .await
        .unwrap_or_else(|e| panic!("{kind:?} starts: {e}"))?;
    Some(TestBrowser { browser, _share: share })
}

/// The words every CORS error of `kind` starts its console line with.
pub fn cors_blocked(kind: Kind) -> &'static str {
    match kind {
        Kind::Chromium => "blocked by CORS policy",
        Kind::Firefox => "Cross-Origin Request Blocked",
    }
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
