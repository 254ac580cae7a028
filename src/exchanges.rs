//! A bounded record of recent exchanges (request + response), so the
//! server can show what went over the wire: preflights included, credentials
//! as "present or not", never their values.
//!
//! Recording is a short critical section on a ring buffer; an exchange is
//! one allocation (its `Arc`): texts inline in one buffer, headers inline.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use http::{HeaderMap, HeaderName, HeaderValue, header};
use smallvec::SmallVec;
use tokio::sync::broadcast;

use crate::access_log::Listener;

/// How many exchanges are kept.
pub const CAPACITY: usize = 2_000;

mod texts;

pub use texts::{Field, Texts, write_printable};

/// One request and what was answered. The request's texts live in one
/// buffer ([`Texts`]), read through accessors (`e.path()`, `e.origin()`
/// ...); the JSON the pages read has the same fields as ever.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Increasing number, unique for this run.
    pub id: u64,
    /// `page` or `api`.
    pub listener: &'static str,
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
    pub response_headers: ResponseHeaders,
    /// Tab, method, path, Origin, preflight headers, `Sec-Fetch-*`.
    pub(crate) texts: Texts,
}

/// The longest method kept, in characters.
pub const MAX_METHOD: usize = 20;
/// The longest path kept, in characters.
pub const MAX_PATH: usize = 200;

/// The request side of an exchange, borrowed from the request: copied
/// (never kept: a request's buffers must not outlive it) by [`Exchange::new`].
#[derive(Debug, Default, Clone, Copy)]
pub struct RequestParts<'a> {
    /// The tab id, already validated (see [`tab_of`]).
    pub tab: Option<&'a str>,
    /// Method (cut to [`MAX_METHOD`]).
    pub method: &'a str,
    /// Path (cut to [`MAX_PATH`]): a parsed URI path, no control characters.
    pub path: &'a str,
    /// `Origin`, raw (made printable).
    pub origin: Option<&'a [u8]>,
    /// `Access-Control-Request-Method`, raw.
    pub request_method: Option<&'a [u8]>,
    /// `Access-Control-Request-Headers`, raw.
    pub request_headers: Option<&'a [u8]>,
    /// `Sec-Fetch-Mode`, `Sec-Fetch-Site`, `Sec-Fetch-Dest`, raw.
    pub sec_fetch: [Option<&'a [u8]>; 3],
}

impl Exchange {
    /// An exchange whose answer is not known yet (status 0, CORS `-`).
    pub fn new(id: u64, listener: &'static str, parts: &RequestParts<'_>, credentials: bool) -> Self {
        let mut texts = Texts::default();
        if let Some(tab) = parts.tab {
            texts.set_clean(Field::Tab, tab, 16);
        }
        texts.set_clean(Field::Method, parts.method, MAX_METHOD);
        texts.set_clean(Field::Path, parts.path, MAX_PATH);
        let raw = [
            (Field::Origin, parts.origin),
            (Field::RequestMethod, parts.request_method),
            (Field::RequestHeaders, parts.request_headers),
            (Field::SecFetchMode, parts.sec_fetch[0]),
            (Field::SecFetchSite, parts.sec_fetch[1]),
            (Field::SecFetchDest, parts.sec_fetch[2]),
        ];
        for (field, bytes) in raw {
            if let Some(bytes) = bytes {
                texts.set_printable(field, bytes);
            }
        }
        Self { id, listener, credentials, status: 0, cors: "-", response_headers: ResponseHeaders::new(), texts }
    }

    /// The browser tab that caused it (the `tab` query parameter the pages
    /// add), so each page's inspector shows its own clicks only.
    pub fn tab(&self) -> Option<&str> {
        self.texts.get(Field::Tab)
    }

    /// Request method.
    pub fn method(&self) -> &str {
        self.texts.get(Field::Method).unwrap_or_default()
    }

    /// Path (bounded), without the query.
    pub fn path(&self) -> &str {
        self.texts.get(Field::Path).unwrap_or_default()
    }

    /// `Origin`, if sent (printable, bounded).
    pub fn origin(&self) -> Option<&str> {
        self.texts.get(Field::Origin)
    }

    /// `Access-Control-Request-Method`, on preflights.
    pub fn request_method(&self) -> Option<&str> {
        self.texts.get(Field::RequestMethod)
    }

    /// `Access-Control-Request-Headers`, on preflights.
    pub fn request_headers(&self) -> Option<&str> {
        self.texts.get(Field::RequestHeaders)
    }

    /// `Sec-Fetch-Mode`, `Sec-Fetch-Site`, `Sec-Fetch-Dest`.
    pub fn sec_fetch(&self) -> [Option<&str>; 3] {
        [Field::SecFetchMode, Field::SecFetchSite, Field::SecFetchDest].map(|f| self.texts.get(f))
    }
}

// By hand, to keep the JSON the pages and tests read as it was when every
// text was a field of its own: same names, same order, same values.
impl serde::Serialize for Exchange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Headers<'a>(&'a [(HeaderName, HeaderValue)]);
        impl serde::Serialize for Headers<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                as_texts(self.0, s)
            }
        }
        let mut out = s.serialize_struct("Exchange", 13)?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("tab", &self.tab())?;
        out.serialize_field("listener", self.listener)?;
        out.serialize_field("method", self.method())?;
        out.serialize_field("path", self.path())?;
        out.serialize_field("origin", &self.origin())?;
        out.serialize_field("request_method", &self.request_method())?;
        out.serialize_field("request_headers", &self.request_headers())?;
        out.serialize_field("sec_fetch", &self.sec_fetch())?;
        out.serialize_field("credentials", &self.credentials)?;
        out.serialize_field("status", &self.status)?;
        out.serialize_field("cors", self.cors)?;
        out.serialize_field("response_headers", &Headers(&self.response_headers))?;
        out.end()
    }
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
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_printable(&mut out, bytes);
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
        if exchange.tab().is_some() {
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
        self.recent().into_iter().filter(|e| e.listener == listener.as_str() && e.path().starts_with(prefix)).collect()
    }
}

/// The `tab` query parameter, when it is a plausible tab id
/// (1 to 16 ASCII letters or digits); anything else is ignored.
pub fn tab_of(query: Option<&str>) -> Option<String> {
    tab_in(query).map(Cow::into_owned)
}

/// [`tab_of`], borrowed from the query when it can be (no allocation).
pub fn tab_in(query: Option<&str>) -> Option<Cow<'_, str>> {
    let value = form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == "tab")?.1;
    let ok = (1..=16).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(log: &ExchangeLog) -> Exchange {
        let parts = RequestParts { method: "GET", path: "/cors/results", ..RequestParts::default() };
        Exchange { status: 200, cors: "n/a", ..Exchange::new(log.next_id(), "api", &parts, false) }
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

    /// The inspector and the tests read these names and values: the JSON is
    /// what it was when each text was a field of its own.
    #[test]
    fn the_json_keeps_its_shape() {
        let parts = RequestParts {
            tab: Some("t1"),
            method: "OPTIONS",
            path: "/cors/results",
            origin: Some(b"http://a\n"),
            request_method: Some(b"PUT"),
            request_headers: None,
            sec_fetch: [Some(b"cors".as_slice()), None, Some(b"empty")],
        };
        let mut e = Exchange::new(7, "api", &parts, true);
        e.status = 204;
        e.cors = "granted";
        let mut headers = HeaderMap::new();
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        e.response_headers = Exchange::record_headers(&headers);
        let json = serde_json::to_value(&e).expect("serializable");
        let expected = serde_json::json!({
            "id": 7, "tab": "t1", "listener": "api", "method": "OPTIONS", "path": "/cors/results",
            "origin": "http://a\\n", "request_method": "PUT", "request_headers": null,
            "sec_fetch": ["cors", null, "empty"], "credentials": true, "status": 204, "cors": "granted",
            "response_headers": [["vary", "Origin"]],
        });
        assert_eq!(json, expected);
        let keys: Vec<_> = json.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        assert_eq!(keys.len(), 13, "{keys:?}");
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
        let tagged = RequestParts { tab: Some("t1"), ..RequestParts::default() };
        log.record(Exchange::new(log.next_id(), "api", &tagged, false));
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
