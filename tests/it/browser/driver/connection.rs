//! The websocket both protocols share: commands numbered by `id` and
//! matched to their replies, events handed to whichever page owns them.
//!
//! CDP and WebDriver BiDi differ only in how a reply says "error" and in
//! where an event names its tab, so each protocol passes those two rules
//! ([`Protocol`]) and everything else (one reader task, timeouts, failing
//! every waiter at once when the browser goes away) lives here once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout, timeout_at};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::process::StderrTail;
use super::state::lock;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
pub type Reply = Result<Value, String>;
/// Receives `(method, params)` of every event routed to one page.
pub type EventHandler = Arc<dyn Fn(&str, &Value) + Send + Sync>;
/// Given `(method, whole message)` of an event, the key of the page it belongs to.
pub type Router = Box<dyn Fn(&str, &Value) -> Option<String> + Send + Sync>;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What differs between CDP and BiDi on the wire.
pub struct Protocol {
    /// The browser's name, for error messages.
    pub name: &'static str,
    /// A reply's result or its error text.
    pub reply_of: fn(&Value) -> Reply,
    /// The key of the page an event belongs to (a CDP session, a BiDi
    /// top-level context); `None` drops the event. May keep state (BiDi
    /// maps frames to their tab), hence a closure.
    pub route: Router,
}

/// One websocket to the browser, shared by the browser and all its pages.
pub struct Connection {
    sink: tokio::sync::Mutex<SplitSink<Ws, Message>>,
    next_id: AtomicU64,
    /// Waiters for command replies by id; `None` once the socket is gone, so late
    /// callers fail at once instead of waiting for their timeout.
    pending: Mutex<Option<HashMap<u64, oneshot::Sender<Reply>>>>,
    /// Event handlers by the key [`Protocol::route`] returns.
    pages: Mutex<HashMap<String, EventHandler>>,
    protocol: Protocol,
    stderr: StderrTail,
}

impl Connection {
    /// Connects to `url` and starts the reader task (returned, for the browser to stop).
    pub async fn open(
        url: &str,
        protocol: Protocol,
        stderr: StderrTail,
    ) -> Result<(Arc<Self>, JoinHandle<()>), String> {
        let ws = match timeout(CONNECT_TIMEOUT, tokio_tungstenite::connect_async(url)).await {
            Ok(Ok((ws, _response))) => ws,
            Ok(Err(e)) => return Err(format!("connecting to {url}: {e}{}", stderr.text())),
            Err(_) => {
                return Err(format!("connecting to {url}: no answer within {CONNECT_TIMEOUT:?}{}", stderr.text()));
            }
        };
        let (sink, stream) = ws.split();
        let conn = Arc::new(Connection {
            sink: tokio::sync::Mutex::new(sink),
            next_id: AtomicU64::new(1),
            pending: Mutex::new(Some(HashMap::new())),
            pages: Mutex::new(HashMap::new()),
            protocol,
            stderr,
        });
        let reader = tokio::spawn(read_loop(stream, conn.clone()));
        Ok((conn, reader))
    }

    /// A browser-level command (`method` with `params`, CDP and BiDi alike),
    /// waiting [`COMMAND_TIMEOUT`](super::COMMAND_TIMEOUT) for its reply.
    pub async fn command(&self, method: &str, params: Value) -> Reply {
        self.call(serde_json::json!({"method": method, "params": params}), super::COMMAND_TIMEOUT).await
    }

    /// Sends `message` (a JSON object; its `id` is added here) and waits for the reply.
    pub async fn call(&self, mut message: Value, limit: Duration) -> Reply {
        let method = message["method"].as_str().unwrap_or("command").to_string();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (reply_tx, reply_rx) = oneshot::channel();
        match lock(&self.pending).as_mut() {
            Some(pending) => pending.insert(id, reply_tx),
            None => return Err(format!("{method}: {}", self.closed_message())),
        };
        message["id"] = Value::from(id);
        let deadline = Instant::now() + limit;
        let send = async {
            let mut sink = self.sink.lock().await;
            sink.send(Message::Text(message.to_string().into())).await
        };
        let name = self.protocol.name;
        match timeout_at(deadline, send).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                self.forget(id);
                return Err(format!("{method}: sending to {name} failed: {e}"));
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
                Err(format!("{method}: no reply from {name} within {limit:?}"))
            }
        }
    }

    /// Routes the events whose key is `key` to `handler` from now on.
    pub fn add_page(&self, key: &str, handler: EventHandler) {
        lock(&self.pages).insert(key.to_string(), handler);
    }

    /// Stops routing events to the page `key`.
    pub fn remove_page(&self, key: &str) {
        lock(&self.pages).remove(key);
    }

    fn forget(&self, id: u64) {
        if let Some(pending) = lock(&self.pending).as_mut() {
            pending.remove(&id);
        }
    }

    /// Fails all outstanding and future commands and ends all page waits. Called when
    /// the socket ends and when the browser goes away (which stops the reader task,
    /// so pages outliving their browser would otherwise wait for their timeouts).
    pub fn mark_closed(&self) {
        let waiters = lock(&self.pending).take();
        let closed = self.closed_message();
        for (_, waiter) in waiters.into_iter().flatten() {
            let _ = waiter.send(Err(closed.clone()));
        }
        // Dropping the handlers drops the pages' watch senders, which wakes their waits.
        lock(&self.pages).clear();
    }

    pub fn is_closed(&self) -> bool {
        lock(&self.pending).is_none()
    }

    pub fn closed_message(&self) -> String {
        format!("the connection to {} is closed (did it crash?){}", self.protocol.name, self.stderr.text())
    }
}

/// Routes every incoming message: replies to their waiters, events to their page.
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
                let _ = waiter.send((conn.protocol.reply_of)(&message));
            }
        } else if let Some(method) = message["method"].as_str()
            && let Some(key) = (conn.protocol.route)(method, &message)
        {
            // Clone the handler out so the lock is not held while it runs.
            let handler = lock(&conn.pages).get(&key).cloned();
            if let Some(handler) = handler {
                handler(method, &message["params"]);
            }
        }
    }
    conn.mark_closed();
}
