//! The favourite driver's changes, counted on the server, and the defence
//! against cross-site request forgery that the lab can switch on.
//!
//! CORS decides who may *read* an answer; it never stops a simple request
//! (a form POST, a `fetch` that needs no preflight) from reaching the
//! handler. So every change is counted here, whoever asked and whether or
//! not their browser let them read the answer: the other site's page shows
//! that count (`#side-effects`).
//!
//! The defence is an `Origin` check on every state change: only the page
//! origin (under the names the server answers to) may change anything.
//! `Sec-Fetch-Site` alone would not do in this app: the page origin
//! (`http://localhost:3000`) and the API (`https://localhost:3001`) are
//! already cross-site for the browser, so the learner's own page sends
//! `cross-site` too. Browsers send `Origin` with every POST, PUT and DELETE;
//! a state change without one is refused while the defence is on.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::cors::Origin;

/// How many state changes ran, and whether other sites are refused.
#[derive(Debug, Default)]
pub struct StateChanges {
    executions: AtomicU64,
    defence: AtomicBool,
}

impl StateChanges {
    /// How many times a state-changing handler changed the favourite.
    pub fn executions(&self) -> u64 {
        self.executions.load(Ordering::Relaxed)
    }

    /// Counts one change.
    pub fn count(&self) {
        self.executions.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether state changes from other sites are refused (the lab's switch).
    pub fn defended(&self) -> bool {
        self.defence.load(Ordering::Relaxed)
    }

    /// Switches the defence on or off.
    pub fn set_defence(&self, on: bool) {
        self.defence.store(on, Ordering::Relaxed);
    }

    /// `None` when the change may go ahead; the 403 to answer when the
    /// defence is on and the request did not come from the page origin.
    pub fn refusal(&self, headers: &HeaderMap, page_origins: &[Origin]) -> Option<Response> {
        if !self.defended() || from_page(headers.get(header::ORIGIN).map(|v| v.as_bytes()), page_origins) {
            return None;
        }
        let error =
            "refused: this state change did not come from the page origin (the lab's CSRF defence checks Origin)";
        Some((StatusCode::FORBIDDEN, Json(json!({ "error": error }))).into_response())
    }
}

/// Whether a request's `Origin` is one of the page origin's: exactly, as
/// the browser serializes it. No Origin, `null` or anything else: no.
pub fn from_page(origin: Option<&[u8]>, page_origins: &[Origin]) -> bool {
    origin.is_some_and(|o| page_origins.iter().any(|p| p.as_str().as_bytes() == o))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn page() -> Vec<Origin> {
        crate::app::page_origins("localhost", 3000)
    }

    #[test]
    fn only_the_page_origin_counts_as_the_page() {
        assert!(from_page(Some(b"http://localhost:3000"), &page()));
        assert!(from_page(Some(b"http://127.0.0.1:3000"), &page()));
        for other in [&b"http://localhost:3002"[..], b"http://127.0.0.1:3002", b"null", b"http://localhost:3000/", b""]
        {
            assert!(!from_page(Some(other), &page()), "{}", String::from_utf8_lossy(other));
        }
        assert!(!from_page(None, &page()));
    }

    #[test]
    fn the_defence_refuses_only_when_switched_on() {
        let changes = StateChanges::default();
        let mut headers = HeaderMap::new();
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://localhost:3002"));
        assert!(changes.refusal(&headers, &page()).is_none());
        changes.set_defence(true);
        let refused = changes.refusal(&headers, &page()).map(|r| r.status());
        assert_eq!(refused, Some(StatusCode::FORBIDDEN));
        headers.insert(header::ORIGIN, HeaderValue::from_static("http://localhost:3000"));
        assert!(changes.refusal(&headers, &page()).is_none());
    }
}
