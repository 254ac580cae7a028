//! `error-without-cors`: a handler that fails, and an error page written
//! outside the CORS layer (a panic caught by a layer mounted around CORS,
//! an exception page rendered after the CORS headers were dropped). The
//! 500 carries no CORS header, so the browser reports a CORS error and the
//! script never sees the 500. The handler fails before it changes anything.

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};

use crate::cors::policy::PathPattern;

/// The error page, when `failing` lists the request's method and path.
pub fn fail<B>(failing: &[(String, PathPattern)], req: &Request<B>) -> Option<Response<Body>> {
    let (method, path) = (req.method().as_str(), req.uri().path());
    failing
        .iter()
        .any(|(m, p)| m == method && p.matches(path))
        .then(|| super::plain(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error\n", "handler-error"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_method_on_the_listed_path_fails() {
        let failing = vec![("PUT".to_owned(), PathPattern::parse(1, "/api/v1/users/favourite").expect("p"))];
        let req = |method: &str, path: &str| Request::builder().method(method).uri(path).body(()).expect("req");
        let res = fail(&failing, &req("PUT", "/api/v1/users/favourite")).expect("fails");
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(res.headers().keys().all(|n| !n.as_str().starts_with("access-control")));
        assert!(fail(&failing, &req("OPTIONS", "/api/v1/users/favourite")).is_none(), "its preflight is fine");
        assert!(fail(&failing, &req("DELETE", "/api/v1/users/favourite")).is_none());
    }
}
