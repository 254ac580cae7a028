//! The standings fragment: the piece of HTML every technique fetches and
//! every page embeds, so all of them show exactly the same table.
//!
//! - [`rendered`]: the fragment rendered once per snapshot, shared.

pub mod rendered;

use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
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

/// `GET|POST /…/results`: the latest standings as an HTML fragment, with
/// two custom headers that a CORS policy may expose to scripts: the number
/// of rows (`X-Total-Count`, as paginated APIs do) and the lap shown.
pub async fn fragment(State(state): State<AppState>) -> Response {
    let rendered = match state.standings.for_snapshot(state.race.current()) {
        Ok(rendered) => rendered,
        Err(err) => return err.into_response(),
    };
    let snapshot = &rendered.snapshot;
    // Room for these four and for what the CORS middleware adds, so adding
    // them never regrows the map.
    let mut headers = HeaderMap::with_capacity(12);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(X_TOTAL_COUNT, HeaderValue::from(snapshot.standings.rows.len()));
    headers.insert(X_RACE_LAP, HeaderValue::from(snapshot.standings.lap));
    let mut res = Response::new(Body::from(rendered.html.clone()));
    *res.headers_mut() = headers;
    res
}

const X_TOTAL_COUNT: HeaderName = HeaderName::from_static("x-total-count");
const X_RACE_LAP: HeaderName = HeaderName::from_static("x-race-lap");

/// The standings as JSON, for the API's JSON resources.
#[derive(Debug, serde::Serialize)]
pub struct StandingsJson<'a> {
    grand_prix: &'a str,
    lap: u32,
    total_laps: u32,
    finished: bool,
    race_number: u32,
    updated_at: &'a str,
    rows: Vec<RowJson<'a>>,
}

#[derive(Debug, serde::Serialize)]
struct RowJson<'a> {
    position: u32,
    code: &'a str,
    driver: &'a str,
    team: &'a str,
    gap: &'a str,
    laps: u32,
}

impl<'a> StandingsJson<'a> {
    /// The JSON view of a snapshot.
    pub fn new(snapshot: &'a Snapshot) -> Self {
        let s = &snapshot.standings;
        Self {
            grand_prix: s.grand_prix,
            lap: s.lap,
            total_laps: s.total_laps,
            finished: s.finished,
            race_number: snapshot.race_number,
            updated_at: &snapshot.updated_at,
            rows: s
                .rows
                .iter()
                .map(|r| RowJson {
                    position: r.position,
                    code: r.code,
                    driver: r.driver,
                    team: r.team,
                    gap: &r.gap,
                    laps: r.laps,
                })
                .collect(),
        }
    }
}
