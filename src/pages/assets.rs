//! The pages' CSS and JavaScript, compiled into the binary so the app works
//! from any directory and fully offline. A technique page prints the same
//! string it serves, so the code shown can never drift from the code run.
//!
//! The pages load each file as [`url`] gives it: `/static/js/cors.js?v=…`,
//! with a hash of the contents. That URL names one version of the file for
//! good, so it is sent as `immutable` and a reload asks nothing for it; a
//! new build with other contents has another URL. The bare URL (no `v`, or
//! an old one) is always answered, and revalidated (`no-cache`).

use std::hash::{DefaultHasher, Hasher};
use std::sync::LazyLock;

use axum::extract::{Path, RawQuery};
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
    asset!("js", "playground-model.js", JS),
    asset!("js", "playground-presets.js", JS),
    asset!("js", "playground.js", JS),
    asset!("js", "lab.js", JS),
    asset!("js", "other-site.js", JS),
];

/// The asset at `path` (below `/static/`).
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// Each asset's versioned URL, in the order of [`ASSETS`].
static URLS: LazyLock<Vec<String>> =
    LazyLock::new(|| ASSETS.iter().map(|a| format!("/static/{}?v={}", a.path, version(a.body))).collect());

/// A short hash of a file's contents: its version in a URL.
fn version(body: &str) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(body.as_bytes());
    format!("{:012x}", hasher.finish() >> 16)
}

/// The URL the pages load `path` (below `/static/`) from, with its version;
/// templates call it as `crate::pages::assets::url("js/cors.js")`. An
/// unknown path (a bug the tests catch) gives the bare URL's prefix only.
pub fn url(path: &str) -> &'static str {
    ASSETS.iter().position(|a| a.path == path).and_then(|i| URLS.get(i)).map_or("/static/", String::as_str)
}

/// How long a versioned URL may be kept: a year, and never revalidated.
const FOREVER: &str = "public, max-age=31536000, immutable";

/// `GET /static/{*path}`
pub async fn serve(Path(path): Path<String>, RawQuery(query): RawQuery) -> Response {
    let Some(asset) = find(&path) else {
        return (StatusCode::NOT_FOUND, "no such file\n").into_response();
    };
    let current = url(asset.path).split_once("?v=").map(|(_, v)| v);
    let versioned = query.as_deref().and_then(|q| q.strip_prefix("v=")).is_some_and(|v| Some(v) == current);
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, if versioned { FOREVER } else { "no-cache" }),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        asset.body,
    )
        .into_response()
}
