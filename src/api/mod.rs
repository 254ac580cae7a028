//! The API origin (HTTPS): the resources the technique pages fetch across
//! origins. Only this router carries the CORS middleware.

pub mod jsonp;
pub mod users;
pub mod v1;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;

use crate::access_log::{self, Listener, LogState};
use crate::cors;
use crate::render::html;
use crate::standings;
use crate::state::AppState;

/// All routes of the API origin, with the CORS middleware and the access log.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/cors/results", get(standings::fragment).post(standings::fragment))
        .route("/ajax/results", get(standings::fragment))
        .route("/jsonp/results", get(jsonp::results))
        .route("/api/v1/public/standings", get(v1::public_standings))
        .route("/api/v1/admin/standings", get(v1::admin_standings))
        .route("/api/v1/users/session", post(users::login).delete(users::logout))
        .route("/api/v1/users/me", get(users::me))
        .route(
            "/api/v1/users/favourite",
            get(users::favourite).put(users::set_favourite).delete(users::clear_favourite),
        )
        .layer(cors::CorsLayer::new(state.policy.clone()))
        .layer(RequestBodyLimitLayer::new(crate::MAX_BODY_BYTES))
        .layer(from_fn_with_state(
            LogState { listener: Listener::Api, exchanges: state.exchanges.clone() },
            access_log::log_request,
        ))
        .with_state(state)
}

/// The page a learner opens to accept the certificate.
#[derive(Template)]
#[template(path = "api_index.html")]
struct ApiIndex<'a> {
    page_origin: &'a str,
}

async fn index(State(state): State<AppState>) -> Response {
    html(&ApiIndex { page_origin: state.urls.page_origin.as_str() })
}
