//! The server's side when something around the CORS layer answered, as in
//! the lab's scenarios of the bugs people hit: an auth layer in front of it
//! (401 to the preflight), an error page written outside it (500 without
//! CORS headers), a redirect behind it (the preflight redirected), the
//! layer on the routes only (the router's 405), and a shared cache in
//! front of it (an answer stored for another origin).

use super::{InForce, ServerSide};
use crate::exchanges::Exchange;

/// The story of `e`, when one of those answered it.
pub(super) fn told(e: &Exchange, preflight: bool, in_force: InForce) -> Option<ServerSide> {
    let (path, status) = (e.path(), e.status);
    let what = if preflight { "the preflight" } else { "the request" };
    let refused = |said: String, fix: &str| Some(ServerSide { said, fix: Some(fix.to_owned()) });
    match e.cors {
        "auth-first" => refused(
            format!(
                "An authentication layer in front of the CORS layer answered {what} for {path} {status}: it saw \
                 no cookie or Authorization (a browser never sends them on a preflight), so the CORS layer never \
                 ran, and the answer carried no Access-Control-* header."
            ),
            "Let the CORS layer answer preflights before authentication runs: mount it outside the auth layer, \
             or let OPTIONS through the auth check.",
        ),
        "handler-error" => refused(
            format!(
                "The handler of {} {path} failed: the {status} was written by an error handler outside the CORS \
                 layer, so it carried no Access-Control-* header, and the browser hid it from the script (which \
                 never sees the {status}).",
                e.method()
            ),
            "Put the CORS layer outermost, so that error answers carry its headers too; then fix the handler's \
             failure (the server's log has it).",
        ),
        "cache-hit" => {
            let header = |name: &str| {
                e.response_header_texts().into_iter().find(|(n, _)| n == name).map(|(_, v)| v).unwrap_or_default()
            };
            let (stored_for, allowed) = (header("x-cache-stored-for"), header("access-control-allow-origin"));
            let said = format!(
                "Served from the shared cache in front of the API, not by the app: the answer was stored for \
                 origin {stored_for} ({} s ago), and carries its Access-Control-Allow-Origin: {}. The cache keys \
                 answers by URL only, and the answer had no Vary: Origin.",
                header("age"),
                if allowed.is_empty() { "(none)" } else { allowed.as_str() }
            );
            let mismatch = e.origin().is_some_and(|o| o != allowed && allowed != "*");
            Some(ServerSide {
                said,
                fix: mismatch.then(|| {
                    "Send Vary: Origin with every answer whose Access-Control-Allow-Origin depends on the Origin, \
                     so that a shared cache keeps one answer per origin (or keys its entries on Origin)."
                        .to_owned()
                }),
            })
        }
        _ if preflight && (300..400).contains(&status) => refused(
            format!(
                "The router redirected the preflight for {path} ({status}, to the path with a trailing slash). \
                 The CORS layer added its headers to the redirect, but a browser never follows a redirect on a \
                 preflight."
            ),
            "Call the URL the router really serves (with its trailing slash), or route both spellings; a preflight \
             must get its answer without a redirect.",
        ),
        "granted" if (300..400).contains(&status) => Some(ServerSide {
            said: format!(
                "The policy granted {} {path}, and the router redirected it ({status}, to the path with a trailing \
                 slash) with the CORS headers on the redirect: a simple request follows such a redirect, and the \
                 answer it reaches is judged again.",
                e.method()
            ),
            fix: None,
        }),
        "off" if preflight && in_force.on_routes_only => refused(
            format!(
                "The CORS layer wraps the routes' handlers only (axum's MethodRouter::route_layer), so the \
                 preflight went by it to the router, which has no OPTIONS route for {path} and answered {status} \
                 with no Access-Control-* header."
            ),
            "Wrap the whole router in the CORS layer (Router::layer, after the routes), so that it answers every \
             preflight itself.",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    use super::*;
    use crate::exchanges::RequestParts;

    fn exchange(method: &'static str, cors: &'static str, status: u16, headers: &[(&'static str, &str)]) -> Exchange {
        let parts = RequestParts {
            tab: Some("t1"),
            method,
            path: "/api/v1/users/favourite",
            origin: Some(b"http://localhost:3000"),
            request_method: (method == "OPTIONS").then_some(b"PUT".as_slice()),
            ..RequestParts::default()
        };
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).expect("value"));
        }
        Exchange {
            status,
            cors,
            response_headers: Exchange::record_headers(&map),
            ..Exchange::new(1, "api", &parts, false)
        }
    }

    fn fix(e: &Exchange, preflight: bool, in_force: InForce) -> String {
        told(e, preflight, in_force).and_then(|s| s.fix).unwrap_or_default()
    }

    #[test]
    fn each_quirk_names_its_own_fix() {
        let none = InForce::default();
        assert!(fix(&exchange("OPTIONS", "auth-first", 401, &[]), true, none).contains("before authentication"));
        assert!(fix(&exchange("PUT", "handler-error", 500, &[]), false, none).contains("outermost"));
        let redirected = exchange("OPTIONS", "granted", 308, &[("location", "/x/")]);
        assert!(fix(&redirected, true, none).contains("without a redirect"));
        let followed = told(&exchange("GET", "granted", 308, &[]), false, none).expect("a story");
        assert!(followed.fix.is_none() && followed.said.contains("follows such a redirect"), "{followed:?}");
        let routes_only = InForce { on_routes_only: true, ..none };
        assert!(fix(&exchange("OPTIONS", "off", 405, &[]), true, routes_only).contains("Router::layer"));
        assert!(told(&exchange("OPTIONS", "off", 405, &[]), true, none).is_none(), "off, when it is off");
    }

    #[test]
    fn a_cache_hit_says_for_whom_it_was_stored_and_asks_for_vary_only_when_it_mismatches() {
        let stored = [
            ("access-control-allow-origin", "http://127.0.0.1:3000"),
            ("x-cache-stored-for", "http://127.0.0.1:3000"),
            ("age", "3"),
        ];
        let story = told(&exchange("GET", "cache-hit", 200, &stored), false, InForce::default()).expect("story");
        assert!(story.said.contains("stored for origin http://127.0.0.1:3000 (3 s ago)"), "{}", story.said);
        assert!(story.fix.is_some_and(|f| f.contains("Vary: Origin")));
        let own =
            [("access-control-allow-origin", "http://localhost:3000"), ("x-cache-stored-for", "http://localhost:3000")];
        let story = told(&exchange("GET", "cache-hit", 200, &own), false, InForce::default()).expect("story");
        assert!(story.fix.is_none(), "its own answer: nothing to fix for this request");
    }
}
