//! The standings fragment: the piece of HTML every technique fetches and
//! every page embeds, so all of them show exactly the same table.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::race::Snapshot;
use crate::render::{RenderError, render};
use crate::state::AppState;

/// `templates/_standings.html` for one snapshot.
#[derive(Template)]
#[template(path = "_standings.html")]
pub struct Fragment<'a> {
    /// The race state to show.
    pub snapshot: &'a Snapshot,
}

/// Renders the fragment for a snapshot.
pub fn render_fragment(snapshot: &Snapshot) -> Result<String, RenderError> {
    render(&Fragment { snapshot })
}

/// `GET|POST /…/results`: the latest standings as an HTML fragment.
pub async fn fragment(State(state): State<AppState>) -> Response {
    match render_fragment(&state.race.current()) {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}
