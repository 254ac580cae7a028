//! A bounded record of recent exchanges (request + response), so the
//! server can show what went over the wire: preflights included, credentials
//! as "present or not", never their values.
//!
//! Recording is a short critical section on a ring buffer; nothing is
//! formatted or allocated beyond the fields kept.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use http::{HeaderMap, HeaderName, HeaderValue, header};
use smallvec::SmallVec;
use tokio::sync::broadcast;

use crate::access_log::Listener;

/// How many exchanges are kept.
pub const CAPACITY: usize = 2_000;

/// One request and what was answered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exchange {
    /// Increasing number, unique for this run.
    pub id: u64,
    /// The browser tab that caused it (the `tab` query parameter the pages
    /// add), so each page's inspector shows its own clicks only.
    pub tab: Option<String>,
    /// `page` or `api`.
    pub listener: &'static str,
    /// Request method.
    pub method: String,
    /// Path (bounded), without the query.
    pub path: String,
    /// `Origin`, if sent (bounded).
    pub origin: Option<String>,
    /// `Access-Control-Request-Method`, on preflights.
    pub request_method: Option<String>,
    /// `Access-Control-Request-Headers`, on preflights.
    pub request_headers: Option<String>,
    /// `Sec-Fetch-Mode`, `Sec-Fetch-Site`, `Sec-Fetch-Dest`.
    pub sec_fetch: [Option<String>; 3],
    /// Whether a Cookie or Authorization header came along (never their values).
    pub credentials: bool,
    /// Response status.
    pub status: u16,
    /// What the CORS middleware decided (`off`, `granted`, `refused:origin`, ...).
    pub cors: &'static str,
    /// Every response header, in order (a `Set-Cookie` value replaced by a
    /// note: the record never holds a secret). Kept as the response's own
    /// values, shared rather than copied; shown as text (escaped, bounded)
    /// only when somebody looks.
    #[serde(serialize_with = "as_texts")]
    pub response_headers: ResponseHeaders,
}

/// A response's headers as recorded: inline up to twelve (an API answer
/// with its CORS and security headers has eleven), so a record is one
/// allocation whatever the headers.
pub type ResponseHeaders = SmallVec<[(HeaderName, HeaderValue); 12]>;

/// What the record holds instead of a cookie's value.
pub const HIDDEN_COOKIE: &str = "(a cookie; value hidden)";

impl Exchange {
    /// The response headers to record from `headers`: every one, in order,
    /// except that a cookie's value is a secret (say that one was set, never
    /// what).
    pub fn record_headers(headers: &HeaderMap) -> ResponseHeaders {
        let mut out = ResponseHeaders::with_capacity(headers.len());
        for (name, value) in headers {
            let value =
                if *name == header::SET_COOKIE { HeaderValue::from_static(HIDDEN_COOKIE) } else { value.clone() };
            out.push((name.clone(), value));
        }
        out
    }

    /// The response headers as printable text.
    pub fn response_header_texts(&self) -> Vec<(String, String)> {
        self.response_headers.iter().map(|(n, v)| (n.as_str().to_owned(), printable(v.as_bytes()))).collect()
    }
}

fn as_texts<S: serde::Serializer>(headers: &[(HeaderName, HeaderValue)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(headers.iter().map(|(n, v)| (n.as_str(), printable(v.as_bytes()))))
}

/// The longest header value shown, in characters.
pub const MAX_SHOWN_VALUE: usize = 200;

/// A printable, bounded rendering of a header value: control characters
/// and backslashes escaped, so a hostile value cannot forge a log line.
pub fn printable(bytes: &[u8]) -> String {
    // Nearly every value is short, printable ASCII: copy it as it is.
    if bytes.len() <= MAX_SHOWN_VALUE && bytes.iter().all(|b| (0x20..0x7f).contains(b) && *b != b'\\') {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text.chars().take(MAX_SHOWN_VALUE).flat_map(char::escape_default).collect();
    if text.chars().count() > MAX_SHOWN_VALUE {
        out.push('…');
    }
    out
}

/// The shared ring of recent exchanges, and a live feed of new ones.
#[derive(Debug, Clone)]
pub struct ExchangeLog {
    // std Mutex: held only to push or copy out, never across an `.await`.
    ring: Arc<Mutex<VecDeque<Arc<Exchange>>>>,
    next_id: Arc<AtomicU64>,
    feed: broadcast::Sender<Arc<Exchange>>,
}

impl Default for ExchangeLog {
    fn default() -> Self {
        Self::new()
    }
}

/// How many exchanges a slow subscriber may fall behind before it skips.
const FEED_CAPACITY: usize = 1024;

impl ExchangeLog {
    /// A new, empty log.
    pub fn new() -> Self {
        let (feed, _) = broadcast::channel(FEED_CAPACITY);
        Self { ring: Arc::default(), next_id: Arc::default(), feed }
    }

    /// New exchanges of a tab (`?tab=`) as they are recorded: what the
    /// inspectors follow.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Exchange>> {
        self.feed.subscribe()
    }

    /// The next id to give an exchange.
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Records an exchange, dropping the oldest beyond [`CAPACITY`].
    pub fn record(&self, exchange: Exchange) -> Arc<Exchange> {
        let exchange = Arc::new(exchange);
        // Both workers record every request: hold the lock for the push
        // alone, and free the oldest exchange (a dozen allocations) after.
        let mut ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        let oldest = if ring.len() == CAPACITY { ring.pop_front() } else { None };
        ring.push_back(Arc::clone(&exchange));
        drop(ring);
        drop(oldest);
        // The live feed serves the inspectors, which follow their own tab's
        // exchanges only: an untagged one would be read by nobody. No
        // subscriber is fine too: nobody is watching.
        if exchange.tab.is_some() {
            let _ = self.feed.send(Arc::clone(&exchange));
        }
        exchange
    }

    /// The exchanges recorded, oldest first.
    pub fn recent(&self) -> Vec<Arc<Exchange>> {
        self.ring.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }

    /// Exchanges on a listener whose path starts with `prefix`.
    pub fn matching(&self, listener: Listener, prefix: &str) -> Vec<Arc<Exchange>> {
        self.recent().into_iter().filter(|e| e.listener == listener.as_str() && e.path.starts_with(prefix)).collect()
    }
}

/// The `tab` query parameter, when it is a plausible tab id
/// (1 to 16 ASCII letters or digits); anything else is ignored.
pub fn tab_of(query: Option<&str>) -> Option<String> {
    let value = form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == "tab")?.1;
    let ok = (1..=16).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then(|| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(log: &ExchangeLog) -> Exchange {
        Exchange {
            id: log.next_id(),
            tab: None,
            listener: "api",
            method: "GET".into(),
            path: "/cors/results".into(),
            origin: None,
            request_method: None,
            request_headers: None,
            sec_fetch: [None, None, None],
            credentials: false,
            status: 200,
            cors: "n/a",
            response_headers: ResponseHeaders::new(),
        }
    }

    #[test]
    fn hostile_values_cannot_forge_log_lines() {
        assert_eq!(printable(b"http://a\r\nINFO fake line"), "http://a\\r\\nINFO fake line");
        assert_eq!(printable(&[b'x'; 9000]).chars().count(), MAX_SHOWN_VALUE + 1);
        assert_eq!(printable(b"http://localhost:3000"), "http://localhost:3000");
    }

    #[test]
    fn a_cookie_is_recorded_as_set_but_never_its_value() {
        let mut headers = HeaderMap::new();
        headers.insert(header::SET_COOKIE, HeaderValue::from_static("session=s3cr3t; Secure"));
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        let mut e = exchange(&ExchangeLog::new());
        e.response_headers = Exchange::record_headers(&headers);
        let texts = e.response_header_texts();
        assert!(texts.contains(&("set-cookie".to_owned(), HIDDEN_COOKIE.to_owned())), "{texts:?}");
        assert!(texts.contains(&("vary".to_owned(), "Origin".to_owned())));
        let json = serde_json::to_string(&e).expect("serializable");
        assert!(!json.contains("s3cr3t") && json.contains(HIDDEN_COOKIE), "{json}");
    }

    #[test]
    fn tab_ids_are_validated() {
        assert_eq!(tab_of(Some("tab=ab12")), Some("ab12".to_owned()));
        assert_eq!(tab_of(Some("callback=x&tab=Z9")), Some("Z9".to_owned()));
        for bad in ["tab=", "tab=a-b", "tab=%3Cscript%3E", "tab=aaaaaaaaaaaaaaaaa", "x=1"] {
            assert_eq!(tab_of(Some(bad)), None, "{bad}");
        }
        assert_eq!(tab_of(None), None);
    }

    #[tokio::test]
    async fn subscribers_receive_new_tagged_exchanges_and_only_those() {
        let log = ExchangeLog::new();
        let mut rx = log.subscribe();
        log.record(exchange(&log));
        log.record(Exchange { tab: Some("t1".into()), ..exchange(&log) });
        assert_eq!(rx.recv().await.map(|e| e.id).ok(), Some(2), "the untagged first one is not fed");
        assert_eq!(log.recent().len(), 2, "both are recorded");
    }

    #[test]
    fn the_ring_keeps_the_most_recent_exchanges() {
        let log = ExchangeLog::new();
        for _ in 0..CAPACITY + 5 {
            log.record(exchange(&log));
        }
        let recent = log.recent();
        assert_eq!(recent.len(), CAPACITY);
        assert_eq!(recent.first().map(|e| e.id), Some(6));
        assert_eq!(recent.last().map(|e| e.id), Some(CAPACITY as u64 + 5));
    }
}
