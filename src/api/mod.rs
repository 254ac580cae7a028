//! The API origin (HTTPS): the resources the technique pages fetch across
//! origins. Only this router carries the CORS middleware.

pub mod jsonp;
pub mod playground;
pub mod quirks;
pub mod state_changes;
pub mod users;
pub mod v1;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{any, get, post};
use std::convert::Infallible;

use axum::body::Body;
use axum::http::Request;
use tower::layer::util::Identity;
use tower::{Layer, Service, ServiceBuilder};
use tower_http::body::Limited;
use tower_http::limit::{RequestBodyLimit, RequestBodyLimitLayer};

use crate::access_log::{AccessLog, AccessLogLayer, Listener};
use crate::cors;
use crate::cors::layer::Cors;
use crate::render::html;
use crate::standings;
use crate::state::AppState;

/// The API origin's service stack: the access log, the body limit, what a
/// lab scenario puts in front of CORS ([`quirks::Front`]), the CORS
/// middleware, what a scenario puts behind it ([`quirks::slash_redirect`]),
/// then the routes. Hand-written layers around the one axum `Router` of
/// the routes: no boxed service per middleware, nothing cloned per request
/// but `Arc`s. `app.rs` puts the origin's guard and the request deadline
/// around it.
pub type ApiService = AccessLog<RequestBodyLimit<quirks::Front<Cors<quirks::slash_redirect::Behind<Router>>>>>;

/// The API origin's routes in their service stack.
pub fn service(state: AppState) -> ApiService {
    let cors = cors::CorsLayer::new(state.policy.clone());
    ServiceBuilder::new()
        .layer(AccessLogLayer::new(Listener::Api, state.exchanges.clone()))
        .layer(RequestBodyLimitLayer::new(crate::MAX_BODY_BYTES))
        .layer(quirks::FrontLayer::new(state.policy.clone()))
        .layer(cors)
        .layer(quirks::slash_redirect::BehindLayer::new(state.policy.clone()))
        .service(routes().with_state(state))
}

/// The same stack as a `Router`, to call in process (benchmarks, tests).
pub fn router(state: AppState) -> Router {
    Router::new().fallback_service(service(state))
}

/// The same routes with no CORS layer at all: not even the switch that
/// `--no-cors` turns off. For measuring what the layer costs
/// (`examples/router_instructions.rs`); the app never serves this.
pub fn router_without_cors_layer(state: AppState) -> Router {
    stack(state, Identity::new())
}

/// The access log, then the body limit, then `cors`, then the routes.
fn stack<L>(state: AppState, cors: L) -> Router
where
    L: Layer<Router>,
    L::Service:
        Service<Request<Limited<Body>>, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    <L::Service as Service<Request<Limited<Body>>>>::Future: Send + 'static,
{
    let service = ServiceBuilder::new()
        .layer(AccessLogLayer::new(Listener::Api, state.exchanges.clone()))
        .layer(RequestBodyLimitLayer::new(crate::MAX_BODY_BYTES))
        .layer(cors)
        .service(routes().with_state(state));
    Router::new().fallback_service(service)
}

fn routes() -> Router<AppState> {
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
            get(users::favourite).put(users::set_favourite).post(users::vote).delete(users::clear_favourite),
        )
        .route("/playground/echo", any(playground::echo))
        .route(playground::RESPOND_PATH, any(playground::respond))
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
