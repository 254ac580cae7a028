//! The pages' CSS and JavaScript, compiled into the binary so the app works
//! from any directory and fully offline. A technique page prints the same
//! string it serves, so the code shown can never drift from the code run.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One embedded file under `static/`.
#[derive(Debug)]
pub struct Asset {
    /// Path below `/static/`, e.g. `js/cors.js`.
    pub path: &'static str,
    /// File name alone, e.g. `cors.js`.
    pub name: &'static str,
    /// Media type.
    pub content_type: &'static str,
    /// The contents.
    pub body: &'static str,
}

macro_rules! asset {
    ($dir:literal, $name:literal, $type:expr) => {
        Asset {
            path: concat!($dir, "/", $name),
            name: $name,
            content_type: $type,
            body: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/static/", $dir, "/", $name)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file the pages load.
pub static ASSETS: &[Asset] = &[
    asset!("css", "app.css", "text/css; charset=utf-8"),
    asset!("js", "common.js", JS),
    asset!("js", "banner.js", JS),
    asset!("js", "inspector.js", JS),
    asset!("js", "home.js", JS),
    asset!("js", "iframe.js", JS),
    asset!("js", "iframe-results.js", JS),
    asset!("js", "ajax.js", JS),
    asset!("js", "jsonp.js", JS),
    asset!("js", "cors.js", JS),
    asset!("js", "sandbox.js", JS),
];

/// The asset at `path` (below `/static/`).
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// `GET /static/{*path}`
pub async fn serve(Path(path): Path<String>) -> Response {
    match find(&path) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "no-cache"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            asset.body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file\n").into_response(),
    }
}
