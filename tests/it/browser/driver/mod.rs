//! One small driver, two browsers: headless Chromium over the DevTools
//! protocol and Firefox over WebDriver BiDi, behind one [`Browser`] and one
//! [`Page`] so a test reads the same in both.
//!
//! - `connection.rs`: the websocket, command ids and replies, event routing;
//! - `process.rs`: finding, starting, draining and reaping the browser, the CA in NSS;
//! - `chromium.rs`, `firefox.rs`: each protocol's launch, tabs and events;
//! - `state.rs`: what a page recorded, cookies; `page.rs`: the API the tests use.
//!
//! Every wait has a timeout and every error is a `String` with enough context
//! to explain a failing test without re-running it.

mod chromium;
mod connection;
mod firefox;
mod page;
mod process;
mod state;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use connection::Connection;
pub use page::Page;
use page::Tab;
use process::Process;
pub use state::NetworkEntry;

/// Upper bound for any single protocol command (an `eval` awaiting a promise included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
const NAVIGATION_TIMEOUT: Duration = Duration::from_secs(15);

/// Which browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Chromium,
    Firefox,
}

/// Options for [`Browser::launch`].
#[derive(Debug, Clone, Default)]
pub struct LaunchOptions {
    /// PEM file of a CA certificate the browser should trust for TLS server
    /// certificates, installed into the browser's own throw-away NSS database.
    /// Needs `certutil` (Debian package `libnss3-tools`).
    pub trust_ca_pem: Option<PathBuf>,
    /// Run with this `HOME` instead of a throw-away one (kept when the
    /// browser closes), trusting only what its NSS databases already hold:
    /// for testing what `f1-race-results trust` put there.
    pub home: Option<PathBuf>,
    /// Firefox's profile directory (default: `profile` in the home).
    pub firefox_profile: Option<PathBuf>,
}

/// A started browser and its connection, as a protocol module returns it.
struct Launched {
    conn: Arc<Connection>,
    reader: JoinHandle<()>,
    process: Process,
}

/// A tool the launch needs is not installed.
struct Unavailable {
    tool: &'static str,
    package: &'static str,
}

/// A running headless browser.
///
/// Prefer [`Browser::close`] at the end of a test (clean shutdown, reports errors).
/// Dropping it instead kills the browser and reaps the process, then removes the
/// temporary home and profile, so a panicking test leaves nothing behind.
pub struct Browser {
    kind: Kind,
    conn: Arc<Connection>,
    reader: JoinHandle<()>,
    // Field order matters for Drop: the process must be dead before its profile
    // directory is deleted, and fields drop in declaration order.
    process: Process,
    home: Option<tempfile::TempDir>,
}

impl Browser {
    /// Starts `kind` headless with a throw-away home and profile and connects to it.
    ///
    /// Chromium is `$CHROMIUM` or the first of `chromium`, `chromium-browser`,
    /// `google-chrome` on `PATH`; Firefox is `$FIREFOX` or `firefox-esr`, `firefox`.
    /// If the browser (or, with [`LaunchOptions::trust_ca_pem`], `certutil`) is not
    /// installed, returns `Ok(None)` after printing a `SKIP browser test: ...` line,
    /// so local `cargo test` works without it; when the `CI` environment variable
    /// is non-empty it returns an error instead, so CI never silently skips.
    pub async fn launch(kind: Kind, opts: LaunchOptions) -> Result<Option<Browser>, String> {
        let home = match &opts.home {
            Some(_) => None,
            None => Some(
                tempfile::Builder::new()
                    .prefix(match kind {
                        Kind::Chromium => "f1-chromium-",
                        Kind::Firefox => "f1-firefox-",
                    })
                    .tempdir()
                    .map_err(|e| format!("creating a temporary home for {kind:?}: {e}"))?,
            ),
        };
        let home_path = opts.home.clone().or_else(|| home.as_ref().map(|h| h.path().to_path_buf())).unwrap_or_default();
        let pem = opts.trust_ca_pem.as_deref();
        let profile = opts.firefox_profile.clone().unwrap_or_else(|| home_path.join("profile"));
        let launched = match kind {
            Kind::Chromium => chromium::launch(&home_path, pem).await?,
            Kind::Firefox => firefox::launch(&home_path, &profile, pem).await?,
        };
        match launched {
            Ok(Launched { conn, reader, process }) => Ok(Some(Browser { kind, conn, reader, process, home })),
            Err(Unavailable { tool, package }) if std::env::var_os("CI").is_some_and(|ci| !ci.is_empty()) => {
                Err(format!("{tool} is required when CI is set: apt-get install {package}"))
            }
            Err(Unavailable { tool, package }) => {
                eprintln!("SKIP browser test: {tool} not found (apt-get install {package} libnss3-tools)");
                Ok(None)
            }
        }
    }

    /// Opens a new tab on `about:blank`, recording from the start.
    pub async fn new_page(&self) -> Result<Page, String> {
        self.open(None).await
    }

    /// Opens a tab in a fresh context (like a new private window): its own
    /// cookies and its own preflight cache, so a test can observe a preflight
    /// that an earlier request would otherwise have cached.
    pub async fn new_isolated_page(&self) -> Result<Page, String> {
        let context = match self.kind {
            Kind::Chromium => chromium::new_context(&self.conn).await?,
            Kind::Firefox => firefox::new_context(&self.conn).await?,
        };
        self.open(Some(&context)).await
    }

    async fn open(&self, context: Option<&str>) -> Result<Page, String> {
        let conn = self.conn.clone();
        let (tab, recorded) = match self.kind {
            Kind::Chromium => chromium::Tab::open(&conn, context).await.map(|(t, r)| (Tab::Chromium(t), r))?,
            Kind::Firefox => firefox::Tab::open(&conn, context).await.map(|(t, r)| (Tab::Firefox(t), r))?,
        };
        Ok(Page::new(conn, recorded, tab))
    }

    /// Shuts the browser down cleanly, kills it if it does not exit in time,
    /// reaps it, and deletes the temporary home and profile.
    pub async fn close(mut self) -> Result<(), String> {
        match self.kind {
            Kind::Chromium => chromium::close_browser(&self.conn).await,
            Kind::Firefox => firefox::close_browser(&self.conn).await,
        }
        let mut result = self.process.wait_or_kill().await;
        self.reader.abort();
        self.conn.mark_closed();
        if let Some(home) = self.home.take() {
            let path = home.path().to_path_buf();
            if let Err(e) = home.close() {
                result = result.and(Err(format!("removing {}: {e}", path.display())));
            }
        }
        result
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.reader.abort();
        self.conn.mark_closed();
        // `process` (kill + reap) then `home` (remove dir) are dropped after this, in order.
    }
}
