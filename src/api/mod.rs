//! The API origin (HTTPS): the resources the technique pages fetch across
//! origins. Only this router carries the CORS middleware.

pub mod jsonp;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::get;

use crate::access_log::{self, Listener};
use crate::cors;
use crate::render::html;
use crate::standings;
use crate::state::AppState;

/// All routes of the API origin, with the CORS middleware and the access log.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(index))
        .route(
            "/cors/results",
            get(standings::fragment).post(standings::fragment),
        )
        .route("/ajax/results", get(standings::fragment))
        .route("/jsonp/results", get(jsonp::results))
        .layer(from_fn_with_state(state.policy.clone(), cors::layer::cors))
        .layer(from_fn_with_state(Listener::Api, access_log::log_request))
        .with_state(state)
}

/// The page a learner opens to accept the certificate.
#[derive(Template)]
#[template(path = "api_index.html")]
struct ApiIndex<'a> {
    page_origin: &'a str,
}

async fn index(State(state): State<AppState>) -> Response {
    html(&ApiIndex {
        page_origin: state.urls.page_origin.as_str(),
    })
}
