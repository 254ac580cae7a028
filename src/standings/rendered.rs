//! The standings fragment, rendered once per race snapshot and shared by
//! every response that carries it.
//!
//! **Invariant:** a [`Rendered`] holds the very snapshot (the same `Arc`) it
//! was rendered from, and [`RenderedStandings::for_snapshot`] returns it only
//! for that snapshot. A response therefore never shows another lap than the
//! snapshot it was asked for, and the bytes are exactly what rendering that
//! snapshot gives (`tests`: a new lap is rendered anew, the same lap is not).
//! Because a `Rendered` keeps its snapshot alive, a new snapshot can never
//! reuse the old one's address, so comparing pointers is sound.
//!
//! The race publishes a new snapshot once a lap (seconds apart) while
//! requests arrive thousands of times a second: without this, each of them
//! rendered the same table again. Two requests that see a new snapshot at
//! the same moment may both render it; either result is the same bytes.

use std::sync::Arc;

use arc_swap::ArcSwapOption;
use bytes::Bytes;

use super::render_fragment;
use crate::race::Snapshot;
use crate::render::RenderError;

/// One snapshot's fragment, in the two forms the API serves.
#[derive(Debug)]
pub struct Rendered {
    /// The snapshot these bytes show.
    pub snapshot: Arc<Snapshot>,
    /// The HTML fragment (`/cors/results`, `/ajax/results`).
    pub html: Bytes,
    /// The same fragment as a JavaScript string literal, JSON-escaped, for
    /// the argument of a JSONP callback.
    pub js_string: Bytes,
}

/// The latest rendering, replaced when the race moves on.
#[derive(Debug, Default)]
pub struct RenderedStandings {
    latest: ArcSwapOption<Rendered>,
}

impl RenderedStandings {
    /// The fragment of `snapshot`: the shared rendering when it is of this
    /// snapshot, otherwise rendered now and kept for the next request.
    pub fn for_snapshot(&self, snapshot: Arc<Snapshot>) -> Result<Arc<Rendered>, RenderError> {
        if let Some(latest) = self.latest.load_full()
            && Arc::ptr_eq(&latest.snapshot, &snapshot)
        {
            return Ok(latest);
        }
        let html = render_fragment(&snapshot)?;
        // A String always serializes; the fallback keeps this panic-free.
        let js_string = serde_json::to_string(&html).unwrap_or_else(|_| "\"\"".to_owned());
        let rendered = Arc::new(Rendered { snapshot, html: Bytes::from(html), js_string: Bytes::from(js_string) });
        self.latest.store(Some(Arc::clone(&rendered)));
        Ok(rendered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::race::live::start;
    use std::time::SystemTime;

    #[test]
    fn the_same_snapshot_is_rendered_once_and_a_new_lap_anew() {
        let (live, mut ticker) = start(7);
        let cache = RenderedStandings::default();
        let first = cache.for_snapshot(live.current()).expect("renders");
        let again = cache.for_snapshot(live.current()).expect("renders");
        assert!(Arc::ptr_eq(&first, &again), "one rendering per snapshot");

        ticker.tick(SystemTime::now());
        let next = cache.for_snapshot(live.current()).expect("renders");
        assert!(!Arc::ptr_eq(&first, &next), "a new snapshot is rendered anew");
        assert_eq!(next.html, render_fragment(&live.current()).expect("renders"), "exactly what rendering gives");
        assert!(next.html != first.html, "the lap line changed");
        let js: String = serde_json::from_slice(&next.js_string).expect("a JSON string");
        assert_eq!(js.as_bytes(), &next.html[..]);
    }

    #[test]
    fn an_older_snapshot_is_never_answered_with_the_newer_rendering() {
        let (live, mut ticker) = start(7);
        let cache = RenderedStandings::default();
        let old = live.current();
        ticker.tick(SystemTime::now());
        let new = cache.for_snapshot(live.current()).expect("renders");
        let back = cache.for_snapshot(Arc::clone(&old)).expect("renders");
        assert!(Arc::ptr_eq(&back.snapshot, &old));
        assert!(back.html != new.html);
    }
}
