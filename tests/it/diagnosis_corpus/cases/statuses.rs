//! Preflights answered with redirects and with statuses outside 200-299,
//! and actual responses with those statuses: a status never decides whether
//! a script may read an actual response, only the CORS headers do.
//!
//! A 1xx status is not in the corpus: it cannot be a final response (hyper
//! sends a 500 in its place, and a browser would wait for the real answer
//! after a 1xx). 204 and 304 carry no body, so they are only preflight
//! answers here; as actual responses the corpus's body check would not hold.

use super::super::case::{ACAM, ACAO, Case, PAGE, case};

fn put(name: &'static str) -> Case {
    case(name).method("PUT")
}

/// 301, 302, 303, 307 and 308 to a preflight: the browser never follows
/// them (Fetch: a preflight is fetched with redirect mode "error"); one
/// without `Location` is just a status that is not ok.
pub fn preflight_redirects() -> Vec<Case> {
    let to = ("Location", "/elsewhere");
    let full = [(ACAO, PAGE), (ACAM, "PUT"), to];
    let bare = [to];
    vec![
        put("preflight 301 with origin").preflight(301, &full),
        put("preflight 302 without origin").preflight(302, &bare),
        put("preflight 303 with origin").preflight(303, &full),
        put("preflight 303 without origin").preflight(303, &bare),
        put("preflight 307 without origin").preflight(307, &bare),
        put("preflight 308 with origin").preflight(308, &full),
        put("preflight 308 without origin").preflight(308, &bare),
        put("preflight 301 with origin, XHR").xhr().preflight(301, &full),
        put("preflight 308 with origin, XHR").xhr().preflight(308, &full),
        put("preflight 303 to another origin")
            .preflight(303, &[(ACAO, PAGE), (ACAM, "PUT"), ("Location", "http://example.com/")]),
        put("preflight 301 without Location").preflight(301, &[(ACAO, PAGE), (ACAM, "PUT")]),
        put("preflight 307 without Location").preflight(307, &[(ACAO, PAGE), (ACAM, "PUT")]),
        put("preflight 308 without Location or origin").preflight(308, &[]),
        case("custom header, preflight 302")
            .header("X-A", "1")
            .preflight(302, &[("Location", "/elsewhere"), (ACAO, PAGE)]),
    ]
}

/// A preflight needs an ok status (200-299) and the origin check; the
/// origin is checked first, so without it that is what the browser says.
pub fn preflight_statuses() -> Vec<Case> {
    let with = |name, status| put(name).preflight(status, &[(ACAO, PAGE), (ACAM, "PUT")]);
    let without = |name, status| put(name).preflight(status, &[(ACAM, "PUT")]);
    vec![
        with("preflight 201", 201),
        with("preflight 206", 206),
        with("preflight 299", 299),
        with("preflight 300", 300),
        with("preflight 304 with origin", 304),
        with("preflight 400", 400),
        with("preflight 401", 401),
        with("preflight 403", 403),
        with("preflight 405", 405),
        with("preflight 503", 503),
        with("preflight 401, XHR", 401).xhr(),
        without("preflight 401 without origin", 401),
        without("preflight 403 without origin", 403),
        without("preflight 405 without origin", 405),
        without("preflight 500 without origin", 500),
        without("preflight 503 without origin", 503),
        without("preflight 299 without origin", 299),
        case("custom header, preflight 403")
            .header("X-A", "1")
            .preflight(403, &[(ACAO, PAGE), ("Access-Control-Allow-Headers", "X-A")]),
    ]
}

/// The actual response's status: readable with the headers, blocked
/// without them, whatever the status.
pub fn actual_statuses() -> Vec<Case> {
    let readable = |name, status| case(name).actual(status, &[(ACAO, PAGE)]);
    let blocked = |name, status| case(name).actual(status, &[]);
    vec![
        readable("readable 201", 201),
        readable("readable 206", 206),
        readable("readable 299", 299),
        readable("readable 300 without Location", 300),
        readable("readable 301 without Location", 301),
        readable("readable 400", 400),
        readable("readable 401", 401),
        readable("readable 403", 403),
        readable("readable 404", 404),
        readable("readable 405", 405),
        readable("readable 503", 503),
        readable("readable 500, XHR", 500).xhr(),
        blocked("blocked 201", 201),
        blocked("blocked 400", 400),
        blocked("blocked 401", 401),
        blocked("blocked 403", 403),
        blocked("blocked 404", 404),
        blocked("blocked 500", 500),
        blocked("blocked 503", 503),
        blocked("blocked 500, XHR", 500).xhr(),
        put("PUT allowed, response 500 readable")
            .preflight(204, &[(ACAO, PAGE), (ACAM, "PUT")])
            .actual(500, &[(ACAO, PAGE)]),
        put("PUT allowed, response 500 blocked").preflight(204, &[(ACAO, PAGE), (ACAM, "PUT")]).actual(500, &[]),
    ]
}
