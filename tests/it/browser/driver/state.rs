//! What a page has done so far, in the same shape for both browsers: the
//! console lines, the requests, the documents that finished loading. The
//! connection's reader records events here as they arrive (so nothing is
//! lost between a test's calls), and waits wake on every change.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::watch;
use tokio::time::{Duration, Instant, timeout_at};

/// One request the page made, completed by the events about its response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkEntry {
    /// The protocol's request id; redirects reuse it, so one id may appear in several entries.
    pub request_id: String,
    /// HTTP method, e.g. `GET` or `OPTIONS`.
    pub method: String,
    /// Full request URL.
    pub url: String,
    /// HTTP status of the response, if one was received.
    pub status: Option<u16>,
    /// Why the request failed: Chromium's `net::ERR_...`, Firefox's `NS_ERROR_...`.
    pub error_text: Option<String>,
    /// Chromium only: `corsErrorStatus` of a failed request, e.g.
    /// `MissingAllowOriginHeader`, then ` (<failedParameter>)` when it names one.
    pub cors_error: Option<String>,
}

/// A cookie the browser stored, without its value (a session cookie is a
/// secret: never in a test's output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    pub domain: String,
    pub http_only: bool,
    pub secure: bool,
    /// `strict`, `lax` or `none`, lower-cased (the protocols spell it differently).
    pub same_site: String,
}

impl Cookie {
    /// From a CDP or BiDi cookie object (same field names but `sameSite`'s case).
    pub fn of(cookie: &Value) -> Cookie {
        Cookie {
            name: str_of(cookie, "name").to_string(),
            domain: str_of(cookie, "domain").to_string(),
            http_only: cookie["httpOnly"].as_bool().unwrap_or(false),
            secure: cookie["secure"].as_bool().unwrap_or(false),
            same_site: str_of(cookie, "sameSite").to_ascii_lowercase(),
        }
    }
}

#[derive(Default)]
pub struct PageState {
    /// One line per message, `[<source>.<kind>] <text>`; see `Page::console`.
    pub console: Vec<String>,
    pub network: Vec<NetworkEntry>,
    /// Chromium: loader ids whose document fired its `load` lifecycle event.
    pub loaded: HashSet<String>,
}

impl PageState {
    /// The latest entry for `request_id` (redirects reuse ids), created if the
    /// request was never announced so no failure is lost.
    pub fn request(&mut self, request_id: &str) -> &mut NetworkEntry {
        let index = match self.network.iter().rposition(|e| e.request_id == request_id) {
            Some(index) => index,
            None => {
                self.network.push(NetworkEntry { request_id: request_id.to_string(), ..NetworkEntry::default() });
                self.network.len() - 1
            }
        };
        &mut self.network[index]
    }
}

/// A page's state and the signal that it changed.
#[derive(Clone)]
pub struct Recorded {
    pub state: Arc<Mutex<PageState>>,
    /// Bumped after every recorded event, so waits sleep until something changed.
    changed: watch::Receiver<u64>,
}

impl Recorded {
    /// A fresh state and the event handler that fills it with `record`, which
    /// returns whether the event changed anything.
    pub fn new(record: fn(&mut PageState, &str, &Value) -> bool) -> (Recorded, super::connection::EventHandler) {
        let state = Arc::new(Mutex::new(PageState::default()));
        let (changed_tx, changed) = watch::channel(0u64);
        let handler_state = state.clone();
        let handler = Arc::new(move |method: &str, params: &Value| {
            if record(&mut lock(&handler_state), method, params) {
                changed_tx.send_modify(|n| *n = n.wrapping_add(1));
            }
        });
        (Recorded { state, changed }, handler)
    }

    /// Waits until `done` holds for the page state, re-checking after every event.
    /// Returns false on timeout or when the connection to the browser is gone.
    pub async fn wait(&self, timeout: Duration, mut done: impl FnMut(&PageState) -> bool) -> bool {
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
}

/// Locks a mutex, ignoring poisoning: the data is plain logs and maps that stay
/// consistent, and one panicking test thread must not cascade into others.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A JSON string field of an event or reply, or "".
pub fn str_of<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().unwrap_or_default()
}
