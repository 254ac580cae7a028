//! Firefox over WebDriver BiDi, without geckodriver: `firefox-esr
//! --remote-debugging-port=0` prints the port it chose, we open
//! `ws://127.0.0.1:PORT/session` and `session.new`. A throw-away profile
//! holds the prefs (no first run, telemetry, updates) and the NSS database
//! trusting the app's CA. Tabs are top-level browsing contexts; events
//! from a tab's frames are routed to the tab. CORS errors arrive as
//! `log.entryAdded` entries of type `javascript` in Firefox's own words
//! ("Cross-Origin Request Blocked: ... (Reason: ...)").

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::process::Command;

use super::connection::{Connection, Protocol, Reply, Router};
use super::process::{self, Process};
use super::state::{PageState, Recorded, lock, str_of};
use super::{Launched, NAVIGATION_TIMEOUT, NetworkEntry, Unavailable};

/// Quiet and deterministic: nothing phones home or asks a question.
const PREFS: &str = r#"user_pref("app.update.enabled", false);
user_pref("app.normandy.enabled", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.aboutwelcome.enabled", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("remote.prefs.recommended", true);
"#;

/// Everything a page records, subscribed once for the whole session.
const EVENTS: &[&str] = &[
    "browsingContext.contextCreated",
    "log.entryAdded",
    "network.beforeRequestSent",
    "network.responseCompleted",
    "network.fetchError",
];

/// Starts Firefox with its profile (and NSS database) in `profile` (by default `home/profile`).
pub async fn launch(
    home: &Path,
    profile: &Path,
    trust_ca_pem: Option<&Path>,
) -> Result<Result<Launched, Unavailable>, String> {
    let Some(binary) = process::find_binary("FIREFOX", &["firefox-esr", "firefox"])? else {
        return Ok(Err(Unavailable { tool: "Firefox", package: "firefox-esr" }));
    };
    tokio::fs::create_dir_all(profile).await.map_err(|e| format!("creating {}: {e}", profile.display()))?;
    tokio::fs::write(profile.join("user.js"), PREFS).await.map_err(|e| format!("writing user.js: {e}"))?;
    if let Some(pem) = trust_ca_pem {
        let Some(certutil) = process::which("certutil") else {
            return Ok(Err(Unavailable { tool: "certutil", package: "libnss3-tools" }));
        };
        process::trust_ca(&certutil, profile, pem).await?;
    }
    let mut command = Command::new(&binary);
    command
        .args(["--headless", "--no-remote", "--profile"])
        .arg(profile)
        // Port 0: Firefox picks a free port and prints it, so parallel tests never clash.
        .arg("--remote-debugging-port=0")
        .env("HOME", home)
        .env("MOZ_CRASHREPORTER_DISABLE", "1");
    let (process, url) = Process::start(command, "Firefox", "WebDriver BiDi listening on ").await?;
    let protocol = Protocol { name: "Firefox", reply_of, route: router() };
    let (conn, reader) = Connection::open(&format!("{url}/session"), protocol, process.stderr.clone()).await?;
    conn.command("session.new", json!({"capabilities": {}})).await?;
    conn.command("session.subscribe", json!({"events": EVENTS})).await?;
    Ok(Ok(Launched { conn, reader, process }))
}

fn reply_of(message: &Value) -> Reply {
    if message["type"] == "error" {
        return Err(format!("Firefox error {}: {}", str_of(message, "error"), str_of(message, "message")));
    }
    Ok(message.get("result").cloned().unwrap_or(Value::Null))
}

/// Routes an event to its tab: the top-level context it happened in, also
/// for frames (learned from `browsingContext.contextCreated`).
fn router() -> Router {
    let tab_of: Mutex<HashMap<String, String>> = Mutex::new(HashMap::new());
    Box::new(move |method, message| {
        let params = &message["params"];
        let context = match method {
            "log.entryAdded" => str_of(&params["source"], "context"),
            _ => str_of(params, "context"),
        };
        let mut tab_of = lock(&tab_of);
        if method == "browsingContext.contextCreated" {
            if let Some(parent) = params["parent"].as_str() {
                let tab = tab_of.get(parent).cloned().unwrap_or_else(|| parent.to_string());
                tab_of.insert(context.to_string(), tab);
            }
            return None;
        }
        Some(tab_of.get(context).cloned().unwrap_or_else(|| context.to_string()))
    })
}

/// A fresh user context: its own cookies, storage and caches.
pub async fn new_context(conn: &Connection) -> Result<String, String> {
    let created = conn.command("browser.createUserContext", json!({})).await?;
    field(&created, "userContext")
}

/// Asks Firefox to exit (it ends the session and closes the socket).
pub async fn close_browser(conn: &Connection) {
    let _ = conn.call(json!({"method": "browser.close", "params": {}}), Duration::from_secs(5)).await;
}

/// One tab: a top-level browsing context.
pub struct Tab {
    pub context: String,
}

impl Tab {
    /// Opens a tab on `about:blank` (in `user_context` if given); returns it and its recorded state.
    pub async fn open(conn: &Arc<Connection>, user_context: Option<&str>) -> Result<(Tab, Recorded), String> {
        let mut params = json!({"type": "tab"});
        if let Some(id) = user_context {
            params["userContext"] = json!(id);
        }
        let tab = Tab { context: field(&conn.command("browsingContext.create", params).await?, "context")? };
        let (recorded, handler) = Recorded::new(record_event);
        conn.add_page(&tab.context, handler);
        Ok((tab, recorded))
    }

    /// Navigates and waits until the new document is complete (`load` fired).
    pub async fn goto(&self, conn: &Connection, url: &str) -> Result<(), String> {
        let params = json!({"context": self.context, "url": url, "wait": "complete"});
        conn.call(json!({"method": "browsingContext.navigate", "params": params}), NAVIGATION_TIMEOUT).await.map(|_| ())
    }

    /// `script.evaluate`; the outer `Err` is a protocol/transport failure, the inner
    /// `Err` is the text of an exception thrown by the page's JavaScript.
    pub async fn evaluate(
        &self,
        conn: &Connection,
        js: &str,
        limit: Duration,
    ) -> Result<Result<Value, String>, String> {
        let params = json!({
            "expression": js,
            "target": {"context": self.context},
            "awaitPromise": true,
            // Lets clicks open popups, play media etc. like a real user's click would.
            "userActivation": true,
            "resultOwnership": "none",
            "serializationOptions": {"maxObjectDepth": 20},
        });
        let reply = conn.call(json!({"method": "script.evaluate", "params": params}), limit).await?;
        if reply["type"] == "exception" {
            let details = &reply["exceptionDetails"];
            return Ok(Err(details["text"].as_str().map(str::to_string).unwrap_or_else(|| details.to_string())));
        }
        Ok(Ok(remote_value(&reply["result"])))
    }

    pub async fn bring_to_front(&self, conn: &Connection) -> Result<(), String> {
        conn.command("browsingContext.activate", json!({"context": self.context})).await.map(|_| ())
    }

    /// Every cookie this tab's documents can see (its storage partition).
    pub async fn cookies(&self, conn: &Connection) -> Result<Vec<Value>, String> {
        let partition = json!({"partition": {"type": "context", "context": self.context}});
        let reply = conn.command("storage.getCookies", partition).await?;
        Ok(reply["cookies"].as_array().cloned().unwrap_or_default())
    }

    /// Makes the viewport `width` × `height` CSS pixels (a screen of that size).
    pub async fn set_viewport(&self, conn: &Connection, width: u32, height: u32) -> Result<(), String> {
        let params = json!({"context": self.context, "viewport": {"width": width, "height": height}});
        conn.command("browsingContext.setViewport", params).await.map(|_| ())
    }

    /// The visible viewport as base64 PNG.
    pub async fn screenshot(&self, conn: &Connection) -> Result<String, String> {
        field(&conn.command("browsingContext.captureScreenshot", json!({"context": self.context})).await?, "data")
    }

    pub async fn close(&self, conn: &Connection) -> Result<(), String> {
        conn.command("browsingContext.close", json!({"context": self.context})).await.map(|_| ())
    }
}

/// Applies one event to the page state; returns whether anything was recorded.
fn record_event(state: &mut PageState, method: &str, params: &Value) -> bool {
    match method {
        "log.entryAdded" => {
            let text = str_of(params, "text");
            let line = match str_of(params, "type") {
                "console" => format!("[console.{}] {text}", params["method"].as_str().unwrap_or("log")),
                _ => format!("[log.{}] {text}", params["level"].as_str().unwrap_or("info")),
            };
            state.console.push(line);
        }
        "network.beforeRequestSent" => {
            let request = &params["request"];
            state.network.push(NetworkEntry {
                request_id: str_of(request, "request").to_string(),
                method: str_of(request, "method").to_string(),
                url: str_of(request, "url").to_string(),
                ..NetworkEntry::default()
            });
        }
        "network.responseCompleted" => {
            let status = params["response"]["status"].as_u64().and_then(|s| u16::try_from(s).ok());
            state.request(str_of(&params["request"], "request")).status = status;
        }
        "network.fetchError" => {
            let error = params["errorText"].as_str().map(str::to_string);
            state.request(str_of(&params["request"], "request")).error_text = error;
        }
        _ => return false,
    }
    true
}

/// A BiDi `RemoteValue` as JSON, like CDP's `returnByValue`: what JSON cannot
/// hold (nodes, functions, windows) becomes `null`; `NaN`, `Infinity`, `-0`
/// and BigInts become strings.
fn remote_value(remote: &Value) -> Value {
    let value = &remote["value"];
    match str_of(remote, "type") {
        "string" | "boolean" | "number" | "bigint" => value.clone(),
        "array" | "set" => value.as_array().map(|items| items.iter().map(remote_value).collect()).unwrap_or_default(),
        "object" | "map" => {
            let mut object = Map::new();
            for pair in value.as_array().into_iter().flatten() {
                let key = match &pair[0] {
                    Value::String(key) => key.clone(),
                    other => remote_value(other).to_string(),
                };
                object.insert(key, remote_value(&pair[1]));
            }
            Value::Object(object)
        }
        _ => Value::Null,
    }
}

fn field(value: &Value, name: &str) -> Result<String, String> {
    value[name].as_str().map(str::to_string).ok_or_else(|| format!("the reply has no {name}: {value}"))
}
