//! `/playground`: the learner composes their own request to the API origin
//! (`api::playground` answers it). The page prints the scripts it loads.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::assets::{self, Asset};
use crate::layout::Layout;
use crate::render::html;
use crate::state::AppState;

/// The page's scripts, in load order: the prediction model, the presets, the page.
const SCRIPTS: [&str; 3] = ["js/playground-model.js", "js/playground-presets.js", "js/playground.js"];

#[derive(Template)]
#[template(path = "playground.html")]
struct Playground {
    layout: Layout,
    scripts: Vec<&'static Asset>,
}

/// `GET /playground`
pub async fn page(State(state): State<AppState>) -> Response {
    let scripts: Vec<_> = SCRIPTS.iter().filter_map(|path| assets::find(path)).collect();
    if scripts.len() != SCRIPTS.len() {
        return super::missing_asset("a playground script");
    }
    html(&Playground { layout: Layout::new(&state), scripts })
}
