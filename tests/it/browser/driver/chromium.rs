//! Chromium over the Chrome DevTools Protocol: launched with a throw-away
//! `--user-data-dir` and a `HOME` whose NSS database trusts the app's CA;
//! one websocket to the browser endpoint, each tab reached through a
//! "flattened" session (every command and event carries its `sessionId`).
//! Console lines come from `Runtime`, `Log` (where CORS errors arrive) and
//! `Audits` (DevTools issues such as a CSP violation or a CORS error's code),
//! the last two also from the tab's out-of-process frames (auto-attached).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::process::Command;

use super::connection::{Connection, EventHandler, Protocol, Reply};
use super::process::{self, Process};
use super::state::{PageState, Recorded, str_of};
use super::{COMMAND_TIMEOUT, Launched, NAVIGATION_TIMEOUT, Unavailable};

/// Starts Chromium with its profile and NSS database under `home`.
pub async fn launch(home: &Path, trust_ca_pem: Option<&Path>) -> Result<Result<Launched, Unavailable>, String> {
    let Some(binary) = process::find_binary("CHROMIUM", &["chromium", "chromium-browser", "google-chrome"])? else {
        return Ok(Err(Unavailable { tool: "Chromium", package: "chromium" }));
    };
    if let Some(pem) = trust_ca_pem {
        let Some(certutil) = process::which("certutil") else {
            return Ok(Err(Unavailable { tool: "certutil", package: "libnss3-tools" }));
        };
        process::trust_ca(&certutil, &home.join(".pki").join("nssdb"), pem).await?;
    }
    let mut command = Command::new(&binary);
    command
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
        .arg(format!("--user-data-dir={}", home.join("profile").display()))
        .arg("about:blank")
        // Chromium reads the NSS trust store from $HOME/.pki/nssdb; a private HOME also
        // keeps it away from the developer's real profile and caches.
        .env("HOME", home);
    let (process, url) = Process::start(command, "Chromium", "DevTools listening on ").await?;
    let protocol =
        Protocol { name: "Chromium", reply_of, route: Box::new(|_, m| m["sessionId"].as_str().map(str::to_string)) };
    let (conn, reader) = Connection::open(&url, protocol, process.stderr.clone()).await?;
    Ok(Ok(Launched { conn, reader, process }))
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

/// A fresh browser context: its own cookies and preflight cache.
pub async fn new_context(conn: &Connection) -> Result<String, String> {
    let context = conn.command("Target.createBrowserContext", json!({})).await?;
    field(&context, "browserContextId")
}

/// Asks Chromium to exit; the reply may never come as it closes the socket.
pub async fn close_browser(conn: &Connection) {
    let _ = conn.call(json!({"method": "Browser.close", "params": {}}), Duration::from_secs(5)).await;
}

/// One tab, attached through a flattened session.
pub struct Tab {
    pub session_id: String,
    target_id: String,
    /// The browser context, `None` for the default one.
    pub context: Option<String>,
}

impl Tab {
    /// Opens a tab on `about:blank` (in `context` if given) with the domains
    /// enabled whose events the page records; returns it and its recorded state.
    pub async fn open(conn: &Arc<Connection>, context: Option<&str>) -> Result<(Tab, Recorded), String> {
        let mut params = json!({"url": "about:blank"});
        if let Some(id) = context {
            params["browserContextId"] = json!(id);
        }
        let target_id = field(&conn.command("Target.createTarget", params).await?, "targetId")?;
        let attached = conn.command("Target.attachToTarget", json!({"targetId": target_id, "flatten": true})).await?;
        let tab = Tab { session_id: field(&attached, "sessionId")?, target_id, context: context.map(str::to_string) };
        let (recorded, handler) = Recorded::new(record_event);
        // Subscribe before enabling domains: enabling replays earlier console messages.
        conn.add_page(&tab.session_id, with_frames(conn, handler));
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
            // Frames in a process of their own (a sandboxed iframe is one) are targets of
            // their own: attach to them, so their console lines reach this tab's record.
            ("Target.setAutoAttach", json!({"autoAttach": true, "waitForDebuggerOnStart": false, "flatten": true})),
        ] {
            tab.call(conn, method, params, COMMAND_TIMEOUT).await?;
        }
        Ok((tab, recorded))
    }

    async fn call(&self, conn: &Connection, method: &str, params: Value, limit: Duration) -> Reply {
        conn.call(json!({"method": method, "params": params, "sessionId": self.session_id}), limit).await
    }

    /// Navigates and waits until the new document fired `load`.
    pub async fn goto(&self, conn: &Connection, recorded: &Recorded, url: &str) -> Result<(), String> {
        let nav = self.call(conn, "Page.navigate", json!({"url": url}), COMMAND_TIMEOUT).await?;
        if let Some(error) = nav["errorText"].as_str().filter(|e| !e.is_empty()) {
            return Err(format!("navigation failed: {error}"));
        }
        // Same-document navigations (only the #fragment changes) have no loader id and
        // no load event: they are complete once Page.navigate returns.
        let Some(loader_id) = nav["loaderId"].as_str() else {
            return Ok(());
        };
        if recorded.wait(NAVIGATION_TIMEOUT, |s| s.loaded.contains(loader_id)).await {
            Ok(())
        } else {
            Err(format!("the page did not finish loading within {NAVIGATION_TIMEOUT:?}"))
        }
    }

    /// `Runtime.evaluate`; the outer `Err` is a protocol/transport failure, the inner
    /// `Err` is the description of an exception thrown by the page's JavaScript.
    pub async fn evaluate(
        &self,
        conn: &Connection,
        js: &str,
        limit: Duration,
    ) -> Result<Result<Value, String>, String> {
        let params = json!({
            "expression": js,
            "awaitPromise": true,
            "returnByValue": true,
            // Lets clicks open popups, play media etc. like a real user's click would.
            "userGesture": true,
        });
        let reply = self.call(conn, "Runtime.evaluate", params, limit).await?;
        if let Some(details) = reply.get("exceptionDetails") {
            return Ok(Err(exception_text(details)));
        }
        Ok(Ok(remote_value(&reply["result"])))
    }

    pub async fn bring_to_front(&self, conn: &Connection) -> Result<(), String> {
        self.call(conn, "Page.bringToFront", json!({}), COMMAND_TIMEOUT).await.map(|_| ())
    }

    /// Every cookie of this tab's browser context (`Storage.getCookies` sees
    /// partitioned cookies too, which `Network.getCookies` may not).
    pub async fn cookies(&self, conn: &Connection, context: Option<&str>) -> Result<Vec<Value>, String> {
        let mut params = json!({});
        if let Some(id) = context {
            params["browserContextId"] = json!(id);
        }
        let reply = conn.command("Storage.getCookies", params).await?;
        Ok(reply["cookies"].as_array().cloned().unwrap_or_default())
    }

    /// Makes the viewport `width` × `height` CSS pixels (a screen of that size).
    pub async fn set_viewport(&self, conn: &Connection, width: u32, height: u32) -> Result<(), String> {
        let params = json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false});
        self.call(conn, "Emulation.setDeviceMetricsOverride", params, COMMAND_TIMEOUT).await.map(|_| ())
    }

    /// The visible viewport as base64 PNG.
    pub async fn screenshot(&self, conn: &Connection) -> Result<String, String> {
        let shot = self.call(conn, "Page.captureScreenshot", json!({"format": "png"}), COMMAND_TIMEOUT).await?;
        field(&shot, "data")
    }

    pub async fn close(&self, conn: &Connection) -> Result<(), String> {
        conn.command("Target.closeTarget", json!({"targetId": self.target_id})).await.map(|_| ())
    }
}

/// `handler`, also for the frames of the tab that Chromium runs in processes of
/// their own: each attached frame's session is routed to the same handler,
/// and its `Log` and `Audits` are enabled (enabling replays what it logged so far).
fn with_frames(conn: &Arc<Connection>, handler: EventHandler) -> EventHandler {
    // Weak: the connection holds this handler; a strong reference would keep both alive.
    let weak = Arc::downgrade(conn);
    Arc::new(move |method: &str, params: &Value| {
        if method == "Target.attachedToTarget"
            && params["targetInfo"]["type"] == "iframe"
            && let (Some(session), Some(conn)) = (params["sessionId"].as_str(), weak.upgrade())
        {
            conn.add_page(session, handler.clone());
            let session = session.to_string();
            tokio::spawn(async move {
                for method in ["Log.enable", "Audits.enable"] {
                    let message = json!({"method": method, "params": {}, "sessionId": session});
                    let _ = conn.call(message, COMMAND_TIMEOUT).await;
                }
            });
        }
        handler(method, params);
    })
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
            state.console.push(format!("[log.{level}] {}", str_of(entry, "text")));
        }
        "Audits.issueAdded" if params["issue"]["code"] == "CorsIssue" => {
            // `[issue.CorsIssue] <corsError> <url>`: the error code the Issues panel files it under.
            let cors = &params["issue"]["details"]["corsIssueDetails"];
            let error = str_of(&cors["corsErrorStatus"], "corsError");
            state.console.push(format!("[issue.CorsIssue] {error} {}", str_of(&cors["request"], "url")));
        }
        "Audits.issueAdded" => {
            let issue = &params["issue"];
            let code = issue["code"].as_str().unwrap_or("unknown");
            let details: String = issue["details"].to_string().chars().take(400).collect();
            state.console.push(format!("[issue.{code}] {details}"));
        }
        "Network.requestWillBeSent" => {
            let request = &params["request"];
            state.network.push(super::NetworkEntry {
                request_id: str_of(params, "requestId").to_string(),
                method: str_of(request, "method").to_string(),
                url: str_of(request, "url").to_string(),
                ..super::NetworkEntry::default()
            });
        }
        "Network.responseReceived" => {
            let status = params["response"]["status"].as_u64().and_then(|s| u16::try_from(s).ok());
            state.request(str_of(params, "requestId")).status = status;
        }
        "Network.loadingFailed" => {
            let cors = &params["corsErrorStatus"];
            let cors_error = cors["corsError"].as_str().map(|error| {
                match cors["failedParameter"].as_str().filter(|p| !p.is_empty()) {
                    Some(parameter) => format!("{error} ({parameter})"),
                    None => error.to_string(),
                }
            });
            let entry = state.request(str_of(params, "requestId"));
            entry.error_text = params["errorText"].as_str().map(str::to_string);
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

fn field(value: &Value, name: &str) -> Result<String, String> {
    value[name].as_str().map(str::to_string).ok_or_else(|| format!("the reply has no {name}: {value}"))
}
