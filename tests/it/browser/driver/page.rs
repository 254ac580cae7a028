//! A tab, the same to the tests in both browsers: navigate, evaluate,
//! click, wait for a condition or a console line, read what the page
//! logged and requested. Only navigation, evaluation, screenshots and
//! closing go through the protocol; everything else is built on them.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;
use tokio::time::{Instant, sleep};

use super::connection::Connection;
use super::state::{Cookie, NetworkEntry, Recorded, lock};
use super::{COMMAND_TIMEOUT, chromium, firefox};

const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The protocol's handle on the tab.
pub enum Tab {
    Chromium(chromium::Tab),
    Firefox(firefox::Tab),
}

/// A browser tab. Everything it logs and requests is recorded from its
/// opening on and can be read at any time with [`Page::console`] and
/// [`Page::network_log`].
pub struct Page {
    conn: Arc<Connection>,
    recorded: Recorded,
    tab: Tab,
}

impl Page {
    pub fn new(conn: Arc<Connection>, recorded: Recorded, tab: Tab) -> Page {
        Page { conn, recorded, tab }
    }

    /// The key the connection routes this tab's events by.
    fn key(&self) -> &str {
        match &self.tab {
            Tab::Chromium(tab) => &tab.session_id,
            Tab::Firefox(tab) => &tab.context,
        }
    }

    /// Navigates to `url` and waits (up to 15 s) until the new document fired `load`.
    ///
    /// Fails with the browser's error text (e.g. `net::ERR_CERT_AUTHORITY_INVALID`)
    /// when the navigation itself fails. HTTP error statuses are not failures;
    /// check them with [`Page::network_log`].
    pub async fn goto(&self, url: &str) -> Result<(), String> {
        let done = match &self.tab {
            Tab::Chromium(tab) => tab.goto(&self.conn, &self.recorded, url).await,
            Tab::Firefox(tab) => tab.goto(&self.conn, url).await,
        };
        done.map_err(|e| format!("goto {url}: {e}\n{}", self.diagnostics()))
    }

    /// Evaluates a JavaScript expression in the page and returns its value as JSON.
    ///
    /// Promises are awaited. `undefined` and values JSON cannot represent (DOM nodes,
    /// functions) become `null`; `NaN`, `Infinity`, `-0` and BigInts become strings.
    /// A thrown exception or rejected promise becomes `Err` with its description.
    pub async fn eval(&self, expression: &str) -> Result<Value, String> {
        match self.evaluate(expression, COMMAND_TIMEOUT).await? {
            Ok(value) => Ok(value),
            Err(exception) => Err(format!("eval `{expression}` threw: {exception}")),
        }
    }

    /// Makes this the tab in front, as the one a learner is looking at. Firefox
    /// throttles a background tab's timers to one a second; Chromium does not.
    pub async fn bring_to_front(&self) -> Result<(), String> {
        match &self.tab {
            Tab::Chromium(tab) => tab.bring_to_front(&self.conn).await,
            Tab::Firefox(tab) => tab.bring_to_front(&self.conn).await,
        }
    }

    /// Brings the tab to front (a learner clicks in the tab they look at) and
    /// clicks the first element matching `css_selector` (via `element.click()`).
    ///
    /// Fails if nothing matches or the selector is invalid.
    pub async fn click(&self, css_selector: &str) -> Result<(), String> {
        self.bring_to_front().await?;
        let selector = Value::String(css_selector.to_string()).to_string();
        let js = format!(
            "(() => {{ const el = document.querySelector({selector}); \
             if (!el) throw new Error('no element matches ' + {selector}); \
             el.click(); return true; }})()"
        );
        match self.evaluate(&js, COMMAND_TIMEOUT).await? {
            Ok(_) => Ok(()),
            Err(exception) => Err(format!("click `{css_selector}`: {exception}")),
        }
    }

    /// Polls the JavaScript expression `js_bool_expr` every 50 ms until it is truthy.
    ///
    /// The expression may return a promise. Exceptions count as "not yet" (the element
    /// may not exist yet). On timeout the error contains the expression, its last
    /// exception, the page's console messages and its failed requests.
    pub async fn wait_for(&self, js_bool_expr: &str, timeout: Duration) -> Result<(), String> {
        let js = format!("(async () => Boolean(await ({js_bool_expr}\n)))()");
        let deadline = Instant::now() + timeout;
        let mut last_problem = String::new();
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                break;
            }
            match self.evaluate(&js, remaining.min(COMMAND_TIMEOUT)).await {
                Ok(Ok(Value::Bool(true))) => return Ok(()),
                Ok(Ok(_)) => last_problem.clear(),
                Ok(Err(exception)) => last_problem = format!("\nlast exception: {exception}"),
                Err(e) if self.conn.is_closed() => return Err(format!("wait_for: {e}")),
                // e.g. no execution context while a navigation commits.
                Err(e) => last_problem = format!("\nlast error: {e}"),
            }
            sleep(POLL_INTERVAL.min(deadline.saturating_duration_since(Instant::now()))).await;
        }
        Err(format!(
            "wait_for: `{js_bool_expr}` was not truthy within {timeout:?}{last_problem}\n{}",
            self.diagnostics()
        ))
    }

    /// Waits until a console message containing `needle` is recorded and returns it.
    ///
    /// Useful for CORS errors: browsers log them slightly after `fetch` rejects.
    pub async fn wait_for_console(&self, needle: &str, timeout: Duration) -> Result<String, String> {
        let mut line = None;
        self.recorded
            .wait(timeout, |s| {
                line = s.console.iter().find(|l| l.contains(needle)).cloned();
                line.is_some()
            })
            .await;
        line.ok_or_else(|| {
            format!(
                "wait_for_console: no console message containing {needle:?} within {timeout:?}\n{}",
                self.diagnostics()
            )
        })
    }

    /// Everything the page logged so far, oldest first, one string per message:
    /// - `[console.<method>] <text>` from `console.log()` & co.,
    /// - `[log.<level>] <text>` for the browser's own messages. CORS failures
    ///   arrive here: Chromium's `Access to fetch at '...' from origin '...' has
    ///   been blocked by CORS policy: ...`, Firefox's `Cross-Origin Request
    ///   Blocked: ... (Reason: ...)` (Firefox's uncaught exceptions too),
    /// - Chromium only: `[exception] <description>` for uncaught exceptions and
    ///   `[issue.<code>] <details as JSON>` for DevTools issues (a CSP violation),
    ///   but `[issue.CorsIssue] <corsError> <url>` for a CORS issue.
    pub fn console(&self) -> Vec<String> {
        lock(&self.recorded.state).console.clone()
    }

    /// Every request the page (and its frames, in Firefox) made so far, oldest first.
    pub fn network_log(&self) -> Vec<NetworkEntry> {
        lock(&self.recorded.state).network.clone()
    }

    /// The cookies the browser stored that this tab's context holds, values left out.
    pub async fn cookies(&self) -> Result<Vec<Cookie>, String> {
        let cookies = match &self.tab {
            Tab::Chromium(tab) => tab.cookies(&self.conn, tab.context.as_deref()).await?,
            Tab::Firefox(tab) => tab.cookies(&self.conn).await?,
        };
        Ok(cookies.iter().map(Cookie::of).collect())
    }

    /// Makes the viewport `width` × `height` CSS pixels, as on a screen of that size.
    pub async fn set_viewport(&self, width: u32, height: u32) -> Result<(), String> {
        match &self.tab {
            Tab::Chromium(tab) => tab.set_viewport(&self.conn, width, height).await,
            Tab::Firefox(tab) => tab.set_viewport(&self.conn, width, height).await,
        }
    }

    /// Saves a PNG screenshot of the visible viewport to `path`.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> Result<(), String> {
        let path = path.as_ref();
        let data = match &self.tab {
            Tab::Chromium(tab) => tab.screenshot(&self.conn).await?,
            Tab::Firefox(tab) => tab.screenshot(&self.conn).await?,
        };
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("screenshot: invalid base64: {e}"))?;
        tokio::fs::write(path, png).await.map_err(|e| format!("writing screenshot {}: {e}", path.display()))
    }

    /// Closes the tab. Dropping a `Page` only stops recording its events.
    pub async fn close(self) -> Result<(), String> {
        match &self.tab {
            Tab::Chromium(tab) => tab.close(&self.conn).await,
            Tab::Firefox(tab) => tab.close(&self.conn).await,
        }
    }

    async fn evaluate(&self, js: &str, limit: Duration) -> Result<Result<Value, String>, String> {
        match &self.tab {
            Tab::Chromium(tab) => tab.evaluate(&self.conn, js, limit).await,
            Tab::Firefox(tab) => tab.evaluate(&self.conn, js, limit).await,
        }
    }

    /// Console messages and failed requests, formatted for error messages.
    fn diagnostics(&self) -> String {
        let state = lock(&self.recorded.state);
        let mut out = format!("page console ({} messages):", state.console.len());
        for line in &state.console {
            out.push_str("\n  ");
            out.push_str(line);
        }
        let failed: Vec<_> = state.network.iter().filter(|e| e.error_text.is_some()).collect();
        if !failed.is_empty() {
            out.push_str("\nfailed requests:");
            for e in failed {
                out.push_str(&format!("\n  {} {}: {}", e.method, e.url, e.error_text.as_deref().unwrap_or_default()));
                if let Some(cors) = &e.cors_error {
                    out.push_str(&format!(" (CORS: {cors})"));
                }
            }
        }
        if self.conn.is_closed() {
            out.push_str(&format!("\n{}", self.conn.closed_message()));
        }
        out
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        // Stop routing events to this page; the tab itself stays open until the browser
        // closes (closing needs an async round trip, see `Page::close`).
        self.conn.remove_page(self.key());
    }
}
