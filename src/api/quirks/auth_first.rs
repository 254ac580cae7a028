//! `auth-before-cors`: an authentication layer in front of the CORS layer,
//! as in an app whose auth middleware is mounted first. It refuses every
//! request without a cookie or `Authorization` on the paths it guards, and
//! a preflight never carries either (the Fetch standard sends it without
//! credentials), so every preflight there gets its 401, with no CORS
//! header, before CORS can answer it. The login route stays open, as any
//! real auth layer leaves it.

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, Response, StatusCode, header};

use crate::cors::policy::PathPattern;

/// The route that creates a session: the auth layer lets it through.
const LOGIN: &str = "/api/v1/users/session";

/// The auth layer's 401, when `guarded` covers the request and it carries
/// no credentials; `None` lets it through.
pub fn refuse<B>(guarded: &[PathPattern], req: &Request<B>) -> Option<Response<Body>> {
    let path = req.uri().path();
    let login = req.method() == Method::POST && path == LOGIN;
    if login || super::has_credentials(req) || !guarded.iter().any(|p| p.matches(path)) {
        return None;
    }
    let mut res = super::plain(StatusCode::UNAUTHORIZED, "authentication required\n", "auth-first");
    // Bearer, not Basic: no browser turns it into a password prompt.
    res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"f1-api\""));
    Some(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guarded() -> Vec<PathPattern> {
        vec![PathPattern::parse(1, "/api/v1/users/*").expect("pattern")]
    }

    fn request(method: Method, path: &str, cookie: bool) -> Request<()> {
        let mut req = Request::builder().method(method).uri(path).header(header::ORIGIN, "http://localhost:3000");
        if cookie {
            req = req.header(header::COOKIE, "f1_session=x");
        }
        req.body(()).expect("request")
    }

    #[test]
    fn a_preflight_on_a_guarded_path_gets_401_and_no_cors_header() {
        let res = refuse(&guarded(), &request(Method::OPTIONS, "/api/v1/users/favourite", false)).expect("refused");
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(res.headers().keys().all(|n| !n.as_str().starts_with("access-control")));
        assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));
    }

    #[test]
    fn credentials_the_login_route_and_other_paths_go_through() {
        assert!(refuse(&guarded(), &request(Method::GET, "/api/v1/users/me", true)).is_none());
        assert!(refuse(&guarded(), &request(Method::POST, LOGIN, false)).is_none());
        assert!(refuse(&guarded(), &request(Method::OPTIONS, "/cors/results", false)).is_none());
        assert!(refuse(&[], &request(Method::OPTIONS, "/api/v1/users/me", false)).is_none());
    }
}
