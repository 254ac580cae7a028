//! The other site's page (`/`) and the sandboxed frame it embeds
//! (`/sandbox`, the same frame and script as the `/cors` page's: its
//! fetches go out with `Origin: null`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::OtherSiteNames;
use crate::pages::assets::{self, Asset};
use crate::render::html;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "other_site.html")]
struct OtherSitePage<'a> {
    api_origin: &'a str,
    page_origin: &'a str,
    names: &'a OtherSiteNames,
    script: &'static Asset,
}

/// `GET /`: "a site you don't trust".
pub async fn page(State(state): State<AppState>) -> Response {
    let (Some(script), Some(names)) = (assets::find("js/other-site.js"), state.urls.other_site.as_ref()) else {
        use axum::response::IntoResponse;
        tracing::error!("the other site's script or names are missing");
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal error: the page is missing a part\n")
            .into_response();
    };
    html(&OtherSitePage {
        api_origin: state.urls.api_origin.as_str(),
        page_origin: state.urls.page_origin.as_str(),
        names,
        script,
    })
}

/// The sandboxed frame (opaque origin) the page embeds.
#[derive(Template)]
#[template(path = "sandbox.html")]
struct Sandbox;

/// `GET /sandbox`
pub async fn sandbox() -> Response {
    html(&Sandbox)
}
