//! The other site (plain HTTP, `--other-port`, 3002 by default): a page that
//! plays "a site you don't trust", open in the same browser as the
//! learner's pages. It tries every technique a page has against the API
//! origin's real resources, with whatever session the learner has, and
//! shows what it could send, read and change (`static/js/other-site.js`).
//!
//! - [`page`]: the page (`/`) and its sandboxed frame (`/sandbox`);
//! - [`observed`]: `/observed`, what the API origin recorded for the page's
//!   requests, read here on the server: the page's own view (readable or
//!   not) comes from the browser, never from a model.
//!
//! It answers under two names: a **same-site** neighbour (the page origin's
//! host, another port) and a **cross-site** one (an IP address is another
//! site for the browser): [`OtherSiteNames`].

pub mod observed;
pub mod page;

use axum::Router;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::limit::{RequestBodyLimit, RequestBodyLimitLayer};

use crate::access_log::{AccessLog, AccessLogLayer, Listener};
use crate::cors::Origin;
use crate::state::AppState;

/// The other site's service stack: the access log, the body limit, the
/// routes (no CORS: nobody reads this site across origins). `app.rs` puts
/// its guard (its own Host names, its own CSP) and the deadline around it.
pub type OtherSiteService = AccessLog<RequestBodyLimit<Router>>;

/// The other site's routes in their service stack.
pub fn service(state: AppState) -> OtherSiteService {
    ServiceBuilder::new()
        .layer(AccessLogLayer::new(Listener::Other, state.exchanges.clone()))
        .layer(RequestBodyLimitLayer::new(crate::MAX_BODY_BYTES))
        .service(routes().with_state(state))
}

fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(page::page))
        .route("/sandbox", get(page::sandbox))
        .route("/observed", get(observed::observed))
        .route("/static/{*path}", get(crate::pages::assets::serve))
}

/// The other site's two names, as origins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherSiteNames {
    /// The page origin's host on the other port: the same *site* for
    /// cookies and partitions (`http://localhost:3002`).
    pub same_site: Origin,
    /// A loopback IP address on the other port: another site
    /// (`http://127.0.0.1:3002`; `http://localhost:3002` when `--host` is
    /// 127.0.0.1). Reachable on the machine running the app only.
    pub cross_site: Origin,
}

impl OtherSiteNames {
    /// The names for the page origin's `host` and the other site's `port`;
    /// `None` when `host` cannot be part of an origin.
    pub fn new(host: &str, port: u16) -> Option<Self> {
        let other = if host == "127.0.0.1" { "localhost" } else { "127.0.0.1" };
        Some(Self {
            same_site: Origin::from_parts("http", host, port).ok()?,
            cross_site: Origin::from_parts("http", other, port).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_are_the_page_host_and_another_site() {
        let names = OtherSiteNames::new("localhost", 3002).expect("names");
        assert_eq!(names.same_site.as_str(), "http://localhost:3002");
        assert_eq!(names.cross_site.as_str(), "http://127.0.0.1:3002");
        let ip = OtherSiteNames::new("127.0.0.1", 3002).expect("names");
        assert_eq!(ip.cross_site.as_str(), "http://localhost:3002");
    }
}
