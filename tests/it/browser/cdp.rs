//! A small Chrome DevTools Protocol (CDP) client for browser integration tests.
//!
//! It launches a real headless Chromium, talks to it over the DevTools websocket and
//! offers just what the tests need: open a page, navigate, evaluate JavaScript, click,
//! wait for a condition, and read what the page printed to its console (including the
//! CORS errors Chromium reports there) and which requests it made.
//!
//! Design notes:
//! - One websocket to the *browser* endpoint. Pages are reached through "flattened"
//!   sessions (`Target.attachToTarget {flatten: true}`): every command and event carries
//!   a `sessionId`, so a single reader task can route everything.
//! - The reader task completes command waiters (by `id`) and hands events to the page
//!   that owns the session. Page state (console lines, network log, load events) is
//!   updated right there, so nothing is lost between a test's calls.
//! - Every wait has a timeout and every error is a `String` with enough context to
//!   explain a failing test without re-running it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncRead, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, timeout, timeout_at};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Reply = Result<Value, String>;
type EventHandler = Arc<dyn Fn(&str, &Value) + Send + Sync>;

/// Chromium cold start on a loaded 2-core CI runner can take several seconds.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(20);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Upper bound for any single protocol command (an `eval` awaiting a promise included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
const NAVIGATION_TIMEOUT: Duration = Duration::from_secs(15);
const CERTUTIL_TIMEOUT: Duration = Duration::from_secs(20);
/// How long `close` lets Chromium shut down cleanly before killing it.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long `Drop` blocks to reap a killed Chromium (SIGKILL is near-instant).
const REAP_TIMEOUT: Duration = Duration::from_secs(5);
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// Stderr lines kept for error messages (Chromium is chatty: dbus noise etc.).
const STDERR_TAIL_LINES: usize = 40;
/// Nickname of the test CA in the NSS database.
const CA_NICKNAME: &str = "f1-race-results-test-ca";

/// Options for [`Browser::launch`].
#[derive(Debug, Clone, Default)]
pub struct LaunchOptions {
    /// PEM file of a CA certificate Chromium should trust for TLS server certificates.
    /// Installed into a fresh NSS database (`$HOME/.pki/nssdb`) in the browser's private
    /// temporary home, so the system trust store is never touched. Needs `certutil`
    /// (Debian package `libnss3-tools`).
    pub trust_ca_pem: Option<PathBuf>,
}

/// One request the page made, from `Network.requestWillBeSent`, completed by
/// `Network.responseReceived` and `Network.loadingFailed` events with the same request id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkEntry {
    /// CDP request id; redirects reuse it, so one id may appear in several entries.
    pub request_id: String,
    /// HTTP method, e.g. `GET` or `OPTIONS`.
    pub method: String,
    /// Full request URL.
    pub url: String,
    /// CDP resource type, e.g. `Document`, `Fetch`, `Preflight`, if reported.
    pub resource_type: Option<String>,
    /// HTTP status of the response, if one was received.
    pub status: Option<u16>,
    /// `errorText` of `Network.loadingFailed`, e.g. `net::ERR_FAILED`.
    pub error_text: Option<String>,
    /// `corsErrorStatus.corsError` of `Network.loadingFailed`, e.g.
    /// `MissingAllowOriginHeader`, followed by ` (<failedParameter>)` when Chromium names one.
    pub cors_error: Option<String>,
}

/// A running headless Chromium, driven over the DevTools protocol.
///
/// Prefer [`Browser::close`] at the end of a test (clean shutdown, reports errors).
/// Dropping it instead kills Chromium and reaps the process, then removes the
/// temporary home and profile directory, so a panicking test leaves nothing behind.
pub struct Browser {
    conn: Arc<Connection>,
    reader: JoinHandle<()>,
    stderr_drain: JoinHandle<()>,
    // Field order matters for Drop: the process must be dead before its profile
    // directory is deleted, and fields drop in declaration order.
    process: ProcessGuard,
    home: Option<tempfile::TempDir>,
}

impl Browser {
    /// Starts a headless Chromium with a throw-away profile and connects to it.
    ///
    /// The binary is `$CHROMIUM` if set, else the first of `chromium`,
    /// `chromium-browser`, `google-chrome` on `PATH`. If no browser (or, with
    /// [`LaunchOptions::trust_ca_pem`], no `certutil`) is installed, returns `Ok(None)`
    /// after printing a `SKIP browser test: ...` line to stderr, so local `cargo test`
    /// works without a browser; when the `CI` environment variable is non-empty it
    /// returns an error instead, so CI can never silently skip browser tests.
    pub async fn launch(opts: LaunchOptions) -> Result<Option<Browser>, String> {
        let Some(binary) = find_chromium()? else {
            return unavailable("Chromium", "chromium");
        };
        let home = tempfile::Builder::new()
            .prefix("cdp-chromium-")
            .tempdir()
            .map_err(|e| format!("creating a temporary home for Chromium: {e}"))?;

        if let Some(pem) = &opts.trust_ca_pem {
            let Some(certutil) = which("certutil") else {
                return unavailable("certutil", "libnss3-tools");
            };
            trust_ca(&certutil, home.path(), pem).await?;
        }

        let profile = home.path().join("profile");
        let child = Command::new(&binary)
            .args([
                "--headless",
                // Running as root in containers needs this; tests only load our own pages.
                "--no-sandbox",
                "--disable-gpu",
                // Keep every request on TCP so test servers see exactly what the page sends.
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // /dev/shm is tiny in many containers; Chromium crashes when it runs out.
                "--disable-dev-shm-usage",
                // Deterministic viewport for screenshots.
                "--window-size=1280,800",
                // Port 0: Chromium picks a free port and prints it, so parallel tests never clash.
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            // Chromium reads the NSS trust store from $HOME/.pki/nssdb; a private HOME also
            // keeps it away from the developer's real profile and caches.
            .env("HOME", home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        let mut process = ProcessGuard { child: Some(child) };
        let stderr = process.child.as_mut().and_then(|c| c.stderr.take()).ok_or("Chromium's stderr pipe is missing")?;

        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let mut stderr = BufReader::new(stderr);
        let ws_url = match timeout(LAUNCH_TIMEOUT, devtools_url(&mut stderr, &tail)).await {
            Ok(Some(url)) => url,
            Ok(None) => {
                return Err(format!(
                    "Chromium ({}) exited before printing its DevTools URL{}{}",
                    binary.display(),
                    process.exit_status(),
                    tail_text(&tail)
                ));
            }
            Err(_) => {
                return Err(format!(
                    "Chromium ({}) did not print \"DevTools listening on ws://...\" within {LAUNCH_TIMEOUT:?}{}",
                    binary.display(),
                    tail_text(&tail)
                ));
            }
        };
        // Chromium blocks once the stderr pipe buffer is full, so keep reading it forever.
        let stderr_drain = tokio::spawn(drain_lines(stderr, tail.clone()));

        let connected = timeout(CONNECT_TIMEOUT, tokio_tungstenite::connect_async(&ws_url)).await;
        let ws = match connected {
            Ok(Ok((ws, _response))) => ws,
            Ok(Err(e)) => {
                stderr_drain.abort();
                return Err(format!("connecting to {ws_url}: {e}{}", tail_text(&tail)));
            }
            Err(_) => {
                stderr_drain.abort();
                return Err(format!(
                    "connecting to {ws_url}: no answer within {CONNECT_TIMEOUT:?}{}",
                    tail_text(&tail)
                ));
            }
        };
        let (sink, stream) = ws.split();
        let conn = Arc::new(Connection {
            sink: tokio::sync::Mutex::new(sink),
            next_id: AtomicU64::new(1),
            pending: Mutex::new(Some(HashMap::new())),
            sessions: Mutex::new(HashMap::new()),
            stderr_tail: tail,
        });
        let reader = tokio::spawn(read_loop(stream, conn.clone()));
        Ok(Some(Browser { conn, reader, stderr_drain, process, home: Some(home) }))
    }

    /// Opens a new tab and attaches to it.
    ///
    /// The page starts on `about:blank` with the `Page`, `Runtime`, `Log` and `Network`
    /// domains enabled, so console output and requests are recorded from the first
    /// navigation on.
    pub async fn new_page(&self) -> Result<Page, String> {
        Page::open(self.conn.clone(), None).await
    }

    /// Opens a tab in a fresh browser context (like a new incognito window):
    /// its own cookies and its own preflight cache, so a test can observe
    /// a preflight that an earlier request would otherwise have cached.
    pub async fn new_isolated_page(&self) -> Result<Page, String> {
        let context = self.conn.call(None, "Target.createBrowserContext", json!({}), COMMAND_TIMEOUT).await?;
        let context_id = str_field(&context, "browserContextId", "Target.createBrowserContext")?;
        Page::open(self.conn.clone(), Some(context_id)).await
    }

    /// Process id of the Chromium browser process, for diagnostics; `None` once it exited.
    pub fn pid(&self) -> Option<u32> {
        self.process.child.as_ref().and_then(Child::id)
    }

    /// Shuts Chromium down cleanly (`Browser.close`), kills it if it does not exit in
    /// time, reaps it, and deletes the temporary home and profile directory.
    pub async fn close(mut self) -> Result<(), String> {
        // A clean shutdown lets Chromium stop its helper processes itself. The reply may
        // never come because Chromium closes the socket while exiting, so ignore it.
        let _ = self.conn.call(None, "Browser.close", json!({}), Duration::from_secs(5)).await;
        let mut result = Ok(());
        if let Some(mut child) = self.process.child.take()
            && !matches!(timeout(CLOSE_TIMEOUT, child.wait()).await, Ok(Ok(_)))
        {
            let _ = child.start_kill();
            match timeout(REAP_TIMEOUT, child.wait()).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => result = Err(format!("waiting for Chromium to exit: {e}")),
                Err(_) => result = Err(format!("Chromium did not exit within {REAP_TIMEOUT:?} after SIGKILL")),
            }
        }
        self.reader.abort();
        self.stderr_drain.abort();
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
        self.stderr_drain.abort();
        self.conn.mark_closed();
        // `process` (kill + reap) then `home` (remove dir) are dropped after this, in order.
    }
}

/// Kills and reaps Chromium when dropped.
///
/// `kill_on_drop` alone only sends SIGKILL; reaping would be left to tokio's background
/// orphan handling, which does not run once the test's runtime shuts down, and the
/// container's init may not reap either. So wait for the exit here, briefly blocking.
struct ProcessGuard {
    child: Option<Child>,
}

impl ProcessGuard {
    /// `" (exit status: ...)"` if the process already exited, for error messages.
    fn exit_status(&mut self) -> String {
        match self.child.as_mut().map(Child::try_wait) {
            Some(Ok(Some(status))) => format!(" ({status})"),
            _ => String::new(),
        }
    }
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        let _ = child.start_kill();
        let deadline = std::time::Instant::now() + REAP_TIMEOUT;
        while std::time::Instant::now() < deadline {
            match child.try_wait() {
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                // Exited and reaped, or not our child any more: nothing left to do.
                _ => return,
            }
        }
    }
}

/// A browser tab, attached through a flattened CDP session.
///
/// Everything the tab logs and requests is recorded from [`Browser::new_page`] on and
/// can be read at any time with [`Page::console`] and [`Page::network_log`].
pub struct Page {
    conn: Arc<Connection>,
    session_id: String,
    target_id: String,
    state: Arc<Mutex<PageState>>,
    /// Bumped after every recorded event, so waits sleep until something changed.
    changed: watch::Receiver<u64>,
}

#[derive(Default)]
struct PageState {
    console: Vec<String>,
    network: Vec<NetworkEntry>,
    /// Loader ids whose document fired its `load` lifecycle event.
    loaded: HashSet<String>,
}

impl Page {
    async fn open(conn: Arc<Connection>, context_id: Option<String>) -> Result<Page, String> {
        let mut params = json!({"url": "about:blank"});
        if let Some(id) = context_id {
            params["browserContextId"] = json!(id);
        }
        let target = conn.call(None, "Target.createTarget", params, COMMAND_TIMEOUT).await?;
        let target_id = str_field(&target, "targetId", "Target.createTarget")?;
        let attached = conn
            .call(None, "Target.attachToTarget", json!({"targetId": target_id, "flatten": true}), COMMAND_TIMEOUT)
            .await?;
        let session_id = str_field(&attached, "sessionId", "Target.attachToTarget")?;

        let state = Arc::new(Mutex::new(PageState::default()));
        let (changed_tx, changed) = watch::channel(0u64);
        let handler_state = state.clone();
        let handler: EventHandler = Arc::new(move |method, params| {
            if record_event(&mut lock(&handler_state), method, params) {
                changed_tx.send_modify(|n| *n = n.wrapping_add(1));
            }
        });
        // Subscribe before enabling domains: enabling replays earlier console messages.
        lock(&conn.sessions).insert(session_id.clone(), handler);

        let page = Page { conn, session_id, target_id, state, changed };
        for (method, params) in [
            ("Page.enable", json!({})),
            // Lifecycle events carry the loader id, which ties a `load` to our navigation;
            // a bare `Page.loadEventFired` could belong to an earlier document.
            ("Page.setLifecycleEventsEnabled", json!({"enabled": true})),
            ("Runtime.enable", json!({})),
            // The Log domain is where Chromium reports CORS and other network errors.
            ("Log.enable", json!({})),
            ("Network.enable", json!({})),
            // Issues (e.g. a Content-Security-Policy violation), as the DevTools Issues panel lists them.
            ("Audits.enable", json!({})),
        ] {
            page.call(method, params).await?;
        }
        Ok(page)
    }

    /// Navigates to `url` and waits (up to 15 s) until the new document fired `load`.
    ///
    /// Fails with Chromium's error text (e.g. `net::ERR_CERT_AUTHORITY_INVALID`,
    /// `net::ERR_CONNECTION_REFUSED`) when the navigation itself fails. HTTP error
    /// statuses are not failures; check them with [`Page::network_log`].
    pub async fn goto(&self, url: &str) -> Result<(), String> {
        let nav = self.call("Page.navigate", json!({"url": url})).await?;
        if let Some(error) = nav["errorText"].as_str().filter(|e| !e.is_empty()) {
            return Err(format!("goto {url}: navigation failed: {error}"));
        }
        // Same-document navigations (only the #fragment changes) have no loader id and
        // no load event: they are complete once Page.navigate returns.
        let Some(loader_id) = nav["loaderId"].as_str() else {
            return Ok(());
        };
        let loaded = self.wait_state(NAVIGATION_TIMEOUT, |s| s.loaded.contains(loader_id)).await;
        if loaded {
            Ok(())
        } else {
            Err(format!(
                "goto {url}: the page did not finish loading within {NAVIGATION_TIMEOUT:?}\n{}",
                self.diagnostics()
            ))
        }
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

    /// Clicks the first element matching `css_selector` (via `element.click()`).
    ///
    /// Fails if nothing matches or the selector is invalid.
    pub async fn click(&self, css_selector: &str) -> Result<(), String> {
        let selector = js_string(css_selector);
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
                // e.g. "Cannot find default execution context" while a navigation commits.
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
    /// Useful for CORS errors: Chromium logs them slightly after `fetch` rejects.
    pub async fn wait_for_console(&self, needle: &str, timeout: Duration) -> Result<String, String> {
        let mut line = None;
        self.wait_state(timeout, |s| {
            line = s.console.iter().find(|l| l.contains(needle)).cloned();
            line.is_some()
        })
        .await;
        if let Some(line) = line {
            return Ok(line);
        }
        Err(format!(
            "wait_for_console: no console message containing {needle:?} within {timeout:?}\n{}",
            self.diagnostics()
        ))
    }

    /// Everything the page logged so far, oldest first, one string per message:
    /// - `[console.<type>] <args joined by spaces>` from `console.log()` & co.,
    /// - `[exception] <description>` for uncaught exceptions,
    /// - `[log.<level>] <text>` for browser messages from the `Log` domain. CORS
    ///   failures arrive here, e.g. `[log.error] Access to fetch at 'http://...' from
    ///   origin 'http://...' has been blocked by CORS policy: ...`.
    /// - `[issue.<code>] <details as JSON>` for DevTools issues (`Audits` domain),
    ///   e.g. `[issue.ContentSecurityPolicyIssue] {"contentSecurityPolicyIssueDetails":...}`.
    pub fn console(&self) -> Vec<String> {
        lock(&self.state).console.clone()
    }

    /// Every request the page made so far, oldest first.
    pub fn network_log(&self) -> Vec<NetworkEntry> {
        lock(&self.state).network.clone()
    }

    /// Saves a PNG screenshot of the visible viewport to `path`.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> Result<(), String> {
        let path = path.as_ref();
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"})).await?;
        let data = str_field(&shot, "data", "Page.captureScreenshot")?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("Page.captureScreenshot: invalid base64: {e}"))?;
        tokio::fs::write(path, png).await.map_err(|e| format!("writing screenshot {}: {e}", path.display()))
    }

    /// Closes the tab. Dropping a `Page` only stops recording its events.
    pub async fn close(self) -> Result<(), String> {
        self.conn
            .call(None, "Target.closeTarget", json!({"targetId": self.target_id}), COMMAND_TIMEOUT)
            .await
            .map(|_| ())
    }

    /// Sends a command to this page's session.
    async fn call(&self, method: &str, params: Value) -> Reply {
        self.conn.call(Some(&self.session_id), method, params, COMMAND_TIMEOUT).await
    }

    /// `Runtime.evaluate`; the outer `Err` is a protocol/transport failure, the inner
    /// `Err` is the description of an exception thrown by the page's JavaScript.
    async fn evaluate(&self, expression: &str, timeout: Duration) -> Result<Result<Value, String>, String> {
        let params = json!({
            "expression": expression,
            "awaitPromise": true,
            "returnByValue": true,
            // Lets clicks open popups, play media etc. like a real user's click would.
            "userGesture": true,
        });
        let reply = self.conn.call(Some(&self.session_id), "Runtime.evaluate", params, timeout).await?;
        if let Some(details) = reply.get("exceptionDetails") {
            return Ok(Err(exception_text(details)));
        }
        Ok(Ok(remote_value(&reply["result"])))
    }

    /// Waits until `done` holds for the page state, re-checking after every event.
    /// Returns false on timeout or when the connection to Chromium is gone.
    async fn wait_state(&self, timeout: Duration, mut done: impl FnMut(&PageState) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut changed = self.changed.clone();
        loop {
            // Mark the current version seen *before* checking, so an event landing
            // between the check and the wait still wakes us.
            changed.borrow_and_update();
            if done(&lock(&self.state)) {
                return true;
            }
            match timeout_at(deadline, changed.changed()).await {
                Ok(Ok(())) => {}
                // Timed out, or the sender was dropped because the connection closed.
                Ok(Err(_)) | Err(_) => return done(&lock(&self.state)),
            }
        }
    }

    /// Console messages and failed requests, formatted for error messages.
    fn diagnostics(&self) -> String {
        let state = lock(&self.state);
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
        lock(&self.conn.sessions).remove(&self.session_id);
    }
}

/// The shared websocket connection to the browser endpoint.
struct Connection {
    sink: tokio::sync::Mutex<SplitSink<Ws, Message>>,
    next_id: AtomicU64,
    /// Waiters for command replies by id; `None` once the socket is gone, so late
    /// callers fail at once instead of waiting for their timeout.
    pending: Mutex<Option<HashMap<u64, oneshot::Sender<Reply>>>>,
    /// Event handlers by session id.
    sessions: Mutex<HashMap<String, EventHandler>>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
}

impl Connection {
    /// Sends one command and waits for its reply. `session` is `None` for browser-level
    /// commands (`Target.*`, `Browser.*`).
    async fn call(&self, session: Option<&str>, method: &str, params: Value, limit: Duration) -> Reply {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (reply_tx, reply_rx) = oneshot::channel();
        match lock(&self.pending).as_mut() {
            Some(pending) => pending.insert(id, reply_tx),
            None => return Err(format!("{method}: {}", self.closed_message())),
        };
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let deadline = Instant::now() + limit;
        let send = async {
            let mut sink = self.sink.lock().await;
            sink.send(Message::Text(message.to_string().into())).await
        };
        match timeout_at(deadline, send).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                self.forget(id);
                return Err(format!("{method}: sending to Chromium failed: {e}"));
            }
            Err(_) => {
                self.forget(id);
                return Err(format!("{method}: could not send within {limit:?}"));
            }
        }
        match timeout_at(deadline, reply_rx).await {
            Ok(Ok(reply)) => reply.map_err(|e| format!("{method}: {e}")),
            Ok(Err(_)) => Err(format!("{method}: {}", self.closed_message())),
            Err(_) => {
                self.forget(id);
                Err(format!("{method}: no reply from Chromium within {limit:?}"))
            }
        }
    }

    fn forget(&self, id: u64) {
        if let Some(pending) = lock(&self.pending).as_mut() {
            pending.remove(&id);
        }
    }

    /// Fails all outstanding and future commands and ends all page waits. Called when
    /// the socket ends and when the `Browser` goes away (which stops the reader task,
    /// so pages outliving their browser would otherwise wait for their timeouts).
    fn mark_closed(&self) {
        let waiters = lock(&self.pending).take();
        let closed = self.closed_message();
        for (_, waiter) in waiters.into_iter().flatten() {
            let _ = waiter.send(Err(closed.clone()));
        }
        // Dropping the handlers drops the pages' watch senders, which wakes their waits.
        lock(&self.sessions).clear();
    }

    fn is_closed(&self) -> bool {
        lock(&self.pending).is_none()
    }

    fn closed_message(&self) -> String {
        format!("the connection to Chromium is closed (did it crash?){}", tail_text(&self.stderr_tail))
    }
}

/// Routes every incoming message: replies to their waiters, events to their session.
async fn read_loop(mut stream: SplitStream<Ws>, conn: Arc<Connection>) {
    while let Some(message) = stream.next().await {
        let text = match message {
            Ok(Message::Text(text)) => text,
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => continue,
        };
        let Ok(message) = serde_json::from_str::<Value>(text.as_str()) else {
            continue;
        };
        if let Some(id) = message.get("id").and_then(Value::as_u64) {
            let waiter = lock(&conn.pending).as_mut().and_then(|p| p.remove(&id));
            if let Some(waiter) = waiter {
                let _ = waiter.send(reply_of(&message));
            }
        } else if let (Some(method), Some(session)) = (message["method"].as_str(), message["sessionId"].as_str()) {
            // Clone the handler out so the sessions lock is not held while it runs.
            let handler = lock(&conn.sessions).get(session).cloned();
            if let Some(handler) = handler {
                handler(method, &message["params"]);
            }
        }
    }
    conn.mark_closed();
}

fn reply_of(message: &Value) -> Reply {
    match message.get("error") {
        Some(error) => Err(format!(
            "Chromium error {}: {}{}",
            error["code"],
            error["message"].as_str().unwrap_or("(no message)"),
            error["data"].as_str().map(|d| format!(" ({d})")).unwrap_or_default()
        )),
        None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
    }
}

/// Applies one event to the page state; returns whether anything was recorded.
fn record_event(state: &mut PageState, method: &str, params: &Value) -> bool {
    match method {
        "Runtime.consoleAPICalled" => {
            let args: Vec<String> =
                params["args"].as_array().map(|args| args.iter().map(remote_object_text).collect()).unwrap_or_default();
            let kind = params["type"].as_str().unwrap_or("log");
            state.console.push(format!("[console.{kind}] {}", args.join(" ")));
        }
        "Runtime.exceptionThrown" => {
            let text = exception_text(&params["exceptionDetails"]);
            state.console.push(format!("[exception] {text}"));
        }
        "Log.entryAdded" => {
            let entry = &params["entry"];
            let level = entry["level"].as_str().unwrap_or("info");
            let text = entry["text"].as_str().unwrap_or_default();
            state.console.push(format!("[log.{level}] {text}"));
        }
        "Audits.issueAdded" => {
            let issue = &params["issue"];
            let code = issue["code"].as_str().unwrap_or("unknown");
            let details: String = issue["details"].to_string().chars().take(400).collect();
            state.console.push(format!("[issue.{code}] {details}"));
        }
        "Network.requestWillBeSent" => {
            let request = &params["request"];
            state.network.push(NetworkEntry {
                request_id: params["requestId"].as_str().unwrap_or_default().to_string(),
                method: request["method"].as_str().unwrap_or_default().to_string(),
                url: request["url"].as_str().unwrap_or_default().to_string(),
                resource_type: params["type"].as_str().map(str::to_string),
                ..NetworkEntry::default()
            });
        }
        "Network.responseReceived" => {
            let status = params["response"]["status"].as_u64().and_then(|s| u16::try_from(s).ok());
            network_entry(state, params).status = status;
        }
        "Network.loadingFailed" => {
            let cors = &params["corsErrorStatus"];
            let cors_error = cors["corsError"].as_str().map(|error| {
                match cors["failedParameter"].as_str().filter(|p| !p.is_empty()) {
                    Some(parameter) => format!("{error} ({parameter})"),
                    None => error.to_string(),
                }
            });
            let error_text = params["errorText"].as_str().map(str::to_string);
            let entry = network_entry(state, params);
            entry.error_text = error_text;
            entry.cors_error = cors_error;
        }
        "Page.lifecycleEvent" if params["name"] == "load" => {
            if let Some(loader_id) = params["loaderId"].as_str() {
                state.loaded.insert(loader_id.to_string());
            }
        }
        _ => return false,
    }
    true
}

/// The latest entry for the event's request id (redirects reuse ids), created if
/// the request was never announced so no failure is lost.
fn network_entry<'a>(state: &'a mut PageState, params: &Value) -> &'a mut NetworkEntry {
    let request_id = params["requestId"].as_str().unwrap_or_default();
    let index = match state.network.iter().rposition(|e| e.request_id == request_id) {
        Some(index) => index,
        None => {
            state.network.push(NetworkEntry { request_id: request_id.to_string(), ..NetworkEntry::default() });
            state.network.len() - 1
        }
    };
    &mut state.network[index]
}

/// How `console.log` would roughly print a `Runtime.RemoteObject` argument.
fn remote_object_text(object: &Value) -> String {
    match &object["value"] {
        Value::String(s) => s.clone(),
        Value::Null if object.get("value").is_none() => object["unserializableValue"]
            .as_str()
            .or(object["description"].as_str())
            .or(object["type"].as_str())
            .unwrap_or_default()
            .to_string(),
        value => value.to_string(),
    }
}

/// The value of a `Runtime.RemoteObject` fetched with `returnByValue`.
fn remote_value(object: &Value) -> Value {
    if let Some(value) = object.get("value") {
        return value.clone();
    }
    match object["unserializableValue"].as_str() {
        Some(special) => Value::String(special.to_string()),
        None => Value::Null,
    }
}

/// Best description of a `Runtime.ExceptionDetails`: the error's `description`
/// (message and stack), a thrown primitive's value, or Chromium's summary text.
fn exception_text(details: &Value) -> String {
    let exception = &details["exception"];
    if let Some(description) = exception["description"].as_str() {
        return description.to_string();
    }
    if exception.get("value").is_some_and(|v| !v.is_null()) {
        return remote_object_text(exception);
    }
    details["text"].as_str().unwrap_or("unknown exception").to_string()
}

/// A JavaScript string literal for `text` (JSON strings are valid JavaScript).
fn js_string(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}

fn str_field(value: &Value, field: &str, method: &str) -> Result<String, String> {
    value[field].as_str().map(str::to_string).ok_or_else(|| format!("{method}: reply has no {field}: {value}"))
}

/// Locks a mutex, ignoring poisoning: the data is plain logs and maps that stay
/// consistent, and one panicking test thread must not cascade into others.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The skip-or-fail decision when a required tool is not installed.
fn unavailable(tool: &str, package: &str) -> Result<Option<Browser>, String> {
    if std::env::var_os("CI").is_some_and(|ci| !ci.is_empty()) {
        Err(format!("{tool} is required when CI is set: apt-get install {package}"))
    } else {
        eprintln!("SKIP browser test: {tool} not found (apt-get install chromium libnss3-tools)");
        Ok(None)
    }
}

/// `$CHROMIUM`, else the first known browser name on `PATH`. A `$CHROMIUM` that
/// points nowhere is a configuration error, never a skip.
fn find_chromium() -> Result<Option<PathBuf>, String> {
    if let Some(configured) = std::env::var_os("CHROMIUM").filter(|v| !v.is_empty()) {
        let path = PathBuf::from(&configured);
        let found = if path.components().count() > 1 {
            is_executable(&path).then_some(path)
        } else {
            which(&path.to_string_lossy())
        };
        return found
            .map(Some)
            .ok_or_else(|| format!("CHROMIUM={} is not an executable file", configured.to_string_lossy()));
    }
    Ok(["chromium", "chromium-browser", "google-chrome"].into_iter().find_map(which))
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    let Ok(metadata) = path.metadata() else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        metadata.is_file() && metadata.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        metadata.is_file()
    }
}

/// Creates an NSS database in `home/.pki/nssdb` (where Chromium on Linux looks) and
/// marks the CA in `pem` as trusted for issuing TLS server certificates (`C,,`).
async fn trust_ca(certutil: &Path, home: &Path, pem: &Path) -> Result<(), String> {
    if !pem.is_file() {
        return Err(format!("trust_ca_pem {} is not a file", pem.display()));
    }
    let db = home.join(".pki").join("nssdb");
    tokio::fs::create_dir_all(&db).await.map_err(|e| format!("creating {}: {e}", db.display()))?;
    let db = format!("sql:{}", db.display());
    run_certutil(certutil, home, &["-d", &db, "-N", "--empty-password"]).await?;
    let pem = pem.to_string_lossy();
    run_certutil(certutil, home, &["-d", &db, "-A", "-t", "C,,", "-n", CA_NICKNAME, "-i", &pem]).await
}

async fn run_certutil(certutil: &Path, home: &Path, args: &[&str]) -> Result<(), String> {
    let command = format!("{} {}", certutil.display(), args.join(" "));
    let output = Command::new(certutil).args(args).env("HOME", home).stdin(Stdio::null()).kill_on_drop(true).output();
    match timeout(CERTUTIL_TIMEOUT, output).await {
        Ok(Ok(output)) if output.status.success() => Ok(()),
        Ok(Ok(output)) => Err(format!(
            "`{command}` failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim(),
            String::from_utf8_lossy(&output.stdout).trim()
        )),
        Ok(Err(e)) => Err(format!("running `{command}`: {e}")),
        Err(_) => Err(format!("`{command}` did not finish within {CERTUTIL_TIMEOUT:?}")),
    }
}

/// Reads Chromium's stderr until the DevTools websocket URL appears; `None` on EOF.
async fn devtools_url<R: AsyncRead + Unpin>(
    stderr: &mut BufReader<R>,
    tail: &Mutex<VecDeque<String>>,
) -> Option<String> {
    const MARKER: &str = "DevTools listening on ";
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match stderr.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&buf).trim_end().to_string();
        push_tail(tail, line.clone());
        if let Some(start) = line.find(MARKER) {
            let url = line[start + MARKER.len()..].trim();
            if url.starts_with("ws://") {
                return Some(url.to_string());
            }
        }
    }
}

/// Keeps reading stderr so Chromium never blocks on a full pipe; remembers the tail.
async fn drain_lines<R: AsyncRead + Unpin>(mut stderr: BufReader<R>, tail: Arc<Mutex<VecDeque<String>>>) {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match stderr.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => push_tail(&tail, String::from_utf8_lossy(&buf).trim_end().to_string()),
        }
    }
}

fn push_tail(tail: &Mutex<VecDeque<String>>, line: String) {
    let mut tail = lock(tail);
    if tail.len() == STDERR_TAIL_LINES {
        tail.pop_front();
    }
    tail.push_back(line);
}

fn tail_text(tail: &Mutex<VecDeque<String>>) -> String {
    let tail = lock(tail);
    if tail.is_empty() {
        return String::new();
    }
    let lines: Vec<&str> = tail.iter().map(String::as_str).collect();
    format!("\nlast Chromium stderr lines:\n  {}", lines.join("\n  "))
}
