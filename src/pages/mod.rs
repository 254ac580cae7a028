//! The page origin (HTTP): the technique pages, their assets, and the
//! same-origin resources the iframe and AJAX techniques load.

pub mod assets;
pub mod cors_requests;
pub mod delivery;
pub mod playground;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::access_log::{AccessLog, AccessLogLayer, Listener};
use crate::lab;
use crate::layout::Layout;
use crate::race::Snapshot;
use crate::render::html;
use crate::standings;
use crate::state::AppState;
use assets::Asset;
use delivery::{Delivery, DeliveryLayer};
use tower::ServiceBuilder;
use tower_http::limit::{RequestBodyLimit, RequestBodyLimitLayer};

/// The page origin's service stack: the access log, gzip and revalidation,
/// the body limit, then the routes; as on the API origin, hand-written
/// layers around the one `Router` of the routes. `app.rs` puts the origin's
/// guard and the request deadline around it.
pub type PageService = AccessLog<Delivery<RequestBodyLimit<Router>>>;

/// The page origin's routes in their service stack.
pub fn service(state: AppState) -> PageService {
    ServiceBuilder::new()
        .layer(AccessLogLayer::new(Listener::Page, state.exchanges.clone()))
        .layer(DeliveryLayer)
        .layer(RequestBodyLimitLayer::new(crate::MAX_BODY_BYTES))
        .service(routes().with_state(state))
}

/// The same stack as a `Router`, to call in process (tests).
pub fn router(state: AppState) -> Router {
    Router::new().fallback_service(service(state))
}

fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/iframe", get(iframe))
        .route("/iframe/results", get(iframe_results))
        .route("/ajax", get(ajax))
        .route("/ajax/results", get(standings::fragment))
        .route("/jsonp", get(jsonp))
        .route("/cors", get(cors))
        .route("/cors/sandbox", get(cors_sandbox))
        .route("/playground", get(playground::page))
        .route("/static/{*path}", get(assets::serve))
        // Each area owns its routes: the lab (with its event stream) and the inspector.
        .merge(lab::router())
        .merge(crate::inspect::router())
}

#[derive(Template)]
#[template(path = "index.html")]
struct Index {
    layout: Layout,
    snapshot: Arc<Snapshot>,
}

async fn index(State(state): State<AppState>) -> Response {
    html(&Index { layout: Layout::new(&state), snapshot: state.race.current() })
}

/// Declares a technique page: its template, its title and its script.
macro_rules! technique_page {
    ($handler:ident, $ty:ident, $template:literal, $title:literal, $script:literal) => {
        #[derive(Template)]
        #[template(path = $template)]
        struct $ty {
            layout: Layout,
            title: &'static str,
            script: &'static Asset,
            snapshot: Arc<Snapshot>,
        }

        async fn $handler(State(state): State<AppState>) -> Response {
            let Some(script) = assets::find(concat!("js/", $script)) else {
                return missing_asset($script);
            };
            html(&$ty { layout: Layout::new(&state), title: $title, script, snapshot: state.race.current() })
        }
    };
}

technique_page!(iframe, IframePage, "iframe.html", "Hidden iframe", "iframe.js");
technique_page!(ajax, AjaxPage, "ajax.html", "AJAX (same origin)", "ajax.js");
technique_page!(jsonp, JsonpPage, "jsonp.html", "JSONP", "jsonp.js");
technique_page!(cors, CorsPage, "cors.html", "CORS", "cors.js");

fn missing_asset(name: &str) -> Response {
    use axum::response::IntoResponse;
    tracing::error!("the embedded script {name} is missing");
    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal error: a script is missing\n").into_response()
}

#[derive(Template)]
#[template(path = "iframe_results.html")]
struct IframeResults {
    snapshot: Arc<Snapshot>,
}

async fn iframe_results(State(state): State<AppState>) -> Response {
    html(&IframeResults { snapshot: state.race.current() })
}

/// The `/cors` page's sandboxed frame: its script fetches with `Origin: null`.
#[derive(Template)]
#[template(path = "sandbox.html")]
struct Sandbox;

async fn cors_sandbox() -> Response {
    html(&Sandbox)
}

#[cfg(test)]
mod tests {
    use super::assets::ASSETS;

    #[test]
    fn every_script_a_template_loads_is_embedded() {
        let templates = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")).expect("templates dir");
        let mut seen = 0;
        for entry in templates.flatten() {
            let text = std::fs::read_to_string(entry.path()).expect("readable template");
            for (i, _) in text.match_indices("assets::url(\"") {
                let rest = &text[i + "assets::url(\"".len()..];
                let path: String = rest.chars().take_while(|c| *c != '"').collect();
                assert!(
                    ASSETS.iter().any(|a| a.path == path),
                    "{} loads /static/{path}, which is not embedded",
                    entry.path().display()
                );
                seen += 1;
            }
            let unversioned = text.contains("src=\"/static/") || text.contains("href=\"/static/css");
            assert!(!unversioned, "{} loads an unversioned asset: use assets::url", entry.path().display());
        }
        assert!(seen >= 8, "the templates load their assets through assets::url ({seen} found)");
    }

    #[test]
    fn a_versioned_url_names_the_contents() {
        for asset in ASSETS {
            let url = super::assets::url(asset.path);
            assert!(url.starts_with(&format!("/static/{}?v=", asset.path)), "{url}");
            assert!(url.len() > "/static/?v=".len() + asset.path.len() + 8, "{url}");
        }
        assert_eq!(super::assets::url("js/nope.js"), "/static/");
    }
}
