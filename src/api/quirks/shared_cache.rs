//! `vary-missing-shared-cache`: a shared cache in front of the API (a CDN
//! or a reverse proxy), which keys answers by path and query only, as
//! nginx's default `proxy_cache_key` (`$scheme$proxy_host$request_uri`)
//! does for every name clients use. When the answer lacks `Vary: Origin`,
//! the cache has no reason to keep one answer per origin: the answer made
//! for the first origin is served to the next, with that first origin's
//! `Access-Control-Allow-Origin`.
//!
//! The invariant, all in this file: only `GET`s without credentials and
//! `200` answers are stored, at most [`MAX_ENTRIES`] of at most
//! [`MAX_BODY`] bytes each, served for [`TTL`]; entries belong to the setup
//! they were stored under (a switch to another setup empties the cache); the
//! page's own `tab` marker (there for the inspector only) is not part of
//! the key. A hit is marked `x-cache: HIT` with the origin it was stored
//! for (`x-cache-stored-for`), as CDNs mark theirs, so the inspector can
//! tell the story.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use bytes::Bytes;

use crate::cors::{CorsOutcome, Setup};

/// How many answers the cache keeps.
pub const MAX_ENTRIES: usize = 32;
/// The largest answer it keeps.
pub const MAX_BODY: usize = 256 * 1024;
/// How long it serves one.
pub const TTL: Duration = Duration::from_secs(60);

/// The cache, shared by every clone of the layer.
#[derive(Debug, Clone, Default)]
pub struct SharedCache {
    // std Mutex: held to look up or insert, never across an `.await`.
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    /// The setup the entries were stored under (its address).
    setup: usize,
    entries: VecDeque<Stored>,
}

#[derive(Debug)]
struct Stored {
    key: String,
    at: Instant,
    stored_for: HeaderValue,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// What the cache does with a request.
#[derive(Debug)]
pub enum Lookup {
    /// It has an answer.
    Hit(Response<Body>),
    /// It would keep the answer, under this key.
    Miss(String, HeaderValue),
    /// Not for the cache (not a GET, or credentials came along).
    Skip,
}

impl SharedCache {
    /// Looks the request up under the setup in force.
    pub fn lookup<B>(&self, setup: &Arc<Setup>, req: &Request<B>) -> Lookup {
        if req.method() != Method::GET || super::has_credentials(req) {
            return Lookup::Skip;
        }
        let key = key_of(req.uri().path(), req.uri().query());
        let origin = req.headers().get(header::ORIGIN).cloned().unwrap_or(HeaderValue::from_static("(no Origin)"));
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.for_setup(setup);
        state.entries.retain(|e| e.at.elapsed() < TTL);
        match state.entries.iter().find(|e| e.key == key) {
            Some(hit) => Lookup::Hit(hit.response()),
            None => Lookup::Miss(key, origin),
        }
    }

    /// Keeps `res` under `key` if it may, and hands it on, marked a miss.
    pub async fn store(
        self,
        setup: &Arc<Setup>,
        key: String,
        stored_for: HeaderValue,
        res: Response<Body>,
    ) -> Response<Body> {
        if res.status() != StatusCode::OK {
            return res;
        }
        let (mut parts, body) = res.into_parts();
        let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
            let mut res = Response::new(Body::from("the shared cache could not read the answer\n"));
            *res.status_mut() = StatusCode::BAD_GATEWAY;
            return res;
        };
        parts.headers.insert("x-cache", HeaderValue::from_static("MISS"));
        let stored = Stored {
            key,
            at: Instant::now(),
            stored_for,
            status: parts.status,
            headers: parts.headers.clone(),
            body: body.clone(),
        };
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.for_setup(setup);
        state.entries.retain(|e| e.key != stored.key);
        if state.entries.len() == MAX_ENTRIES {
            state.entries.pop_front();
        }
        state.entries.push_back(stored);
        Response::from_parts(parts, Body::from(body))
    }
}

impl State {
    /// Empties the cache when another setup is in force.
    fn for_setup(&mut self, setup: &Arc<Setup>) {
        let address = Arc::as_ptr(setup) as usize;
        if self.setup != address {
            self.entries.clear();
            self.setup = address;
        }
    }
}

impl Stored {
    fn response(&self) -> Response<Body> {
        let mut res = Response::new(Body::from(self.body.clone()));
        *res.status_mut() = self.status;
        *res.headers_mut() = self.headers.clone();
        let headers = res.headers_mut();
        headers.insert("x-cache", HeaderValue::from_static("HIT"));
        headers.insert("x-cache-stored-for", self.stored_for.clone());
        headers.insert(header::AGE, HeaderValue::from(self.at.elapsed().as_secs()));
        res.extensions_mut().insert(CorsOutcome::Elsewhere("cache-hit"));
        res
    }
}

/// The cache key: the path and the query without the page's `tab` marker.
fn key_of(path: &str, query: Option<&str>) -> String {
    let kept: Vec<&str> =
        query.unwrap_or_default().split('&').filter(|p| !p.is_empty() && !p.starts_with("tab=")).collect();
    if kept.is_empty() { path.to_owned() } else { format!("{path}?{}", kept.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(origin: &str, cookie: bool) -> Request<()> {
        let mut req = Request::get("/cors/results?tab=abc").header(header::ORIGIN, origin);
        if cookie {
            req = req.header(header::COOKIE, "f1_session=x");
        }
        req.body(()).expect("request")
    }

    fn answer(origin: &str) -> Response<Body> {
        let mut res = Response::new(Body::from("standings"));
        res.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_str(origin).expect("v"));
        res
    }

    fn setup() -> Arc<Setup> {
        Arc::new(Setup { scenario: "x".into(), policy: None, quirks: Default::default() })
    }

    #[test]
    fn the_key_is_the_path_and_query_without_the_tab() {
        assert_eq!(key_of("/a", Some("tab=x1")), "/a");
        assert_eq!(key_of("/a", Some("tab=x1&n=2")), "/a?n=2");
        assert_eq!(key_of("/a", None), "/a");
    }

    #[tokio::test]
    async fn an_answer_stored_for_one_origin_is_served_to_another() {
        let (cache, setup) = (SharedCache::default(), setup());
        let Lookup::Miss(key, from) = cache.lookup(&setup, &get("http://127.0.0.1:3000", false)) else {
            panic!("a first request misses");
        };
        let res = cache.clone().store(&setup, key, from, answer("http://127.0.0.1:3000")).await;
        assert_eq!(res.headers()["x-cache"], "MISS");
        let Lookup::Hit(hit) = cache.lookup(&setup, &get("http://localhost:3000", false)) else {
            panic!("the next one, from another origin, hits");
        };
        assert_eq!(hit.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "http://127.0.0.1:3000");
        assert_eq!(hit.headers()["x-cache-stored-for"], "http://127.0.0.1:3000");
        assert_eq!(hit.extensions().get::<CorsOutcome>(), Some(&CorsOutcome::Elsewhere("cache-hit")));
        let body = axum::body::to_bytes(hit.into_body(), 100).await.expect("body");
        assert_eq!(&body[..], b"standings");
    }

    #[tokio::test]
    async fn credentials_errors_and_another_setup_are_never_served_from_it() {
        let (cache, setup) = (SharedCache::default(), setup());
        assert!(matches!(cache.lookup(&setup, &get("http://a.test", true)), Lookup::Skip));
        let Lookup::Miss(key, from) = cache.lookup(&setup, &get("http://a.test", false)) else { panic!("miss") };
        let mut failed = answer("http://a.test");
        *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        cache.clone().store(&setup, key.clone(), from.clone(), failed).await;
        assert!(matches!(cache.lookup(&setup, &get("http://a.test", false)), Lookup::Miss(..)), "a 500 is not kept");
        cache.clone().store(&setup, key, from, answer("http://a.test")).await;
        assert!(matches!(cache.lookup(&setup, &get("http://a.test", false)), Lookup::Hit(_)));
        let other = self::setup();
        assert!(matches!(cache.lookup(&other, &get("http://a.test", false)), Lookup::Miss(..)), "emptied by a switch");
    }

    #[tokio::test]
    async fn it_keeps_at_most_max_entries() {
        let (cache, setup) = (SharedCache::default(), setup());
        for n in 0..=MAX_ENTRIES {
            let req = Request::get(format!("/r?n={n}")).body(()).expect("request");
            let Lookup::Miss(key, from) = cache.lookup(&setup, &req) else { panic!("miss") };
            cache.clone().store(&setup, key, from, answer("http://a.test")).await;
        }
        let first = Request::get("/r?n=0").body(()).expect("request");
        assert!(matches!(cache.lookup(&setup, &first), Lookup::Miss(..)), "the oldest went");
        let len = cache.state.lock().map(|s| s.entries.len()).unwrap_or_default();
        assert_eq!(len, MAX_ENTRIES);
    }
}
