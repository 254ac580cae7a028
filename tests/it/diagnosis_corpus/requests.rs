//! Cases about the request: which ones need a preflight, and what the
//! preflight must allow for them.

use super::case::{ACAC, ACAH, ACAM, ACAO, Case, MAX_AGE, PAGE, case};

/// Simple requests, the safelisted content types, and their neighbours.
pub fn simple() -> Vec<Case> {
    let post = |name, content_type| case(name).method("POST").header("Content-Type", content_type);
    vec![
        case("simple GET, origin allowed"),
        case("simple GET, origin allowed, XHR").xhr(),
        case("simple HEAD").method("HEAD"),
        case("POST with no content type").method("POST"),
        post("POST text/plain", "text/plain"),
        post("POST text/plain;charset=UTF-8", "text/plain;charset=UTF-8"),
        post("POST TEXT/PLAIN upper case", "TEXT/PLAIN"),
        post("POST form-urlencoded", "application/x-www-form-urlencoded"),
        post("POST form-urlencoded with charset", "application/x-www-form-urlencoded;charset=UTF-8"),
        post("POST multipart", "multipart/form-data; boundary=xyz"),
        post("POST multipart, XHR", "multipart/form-data; boundary=xyz").xhr(),
        post("POST text/html needs a preflight", "text/html"),
        post("POST quoted charset is unsafe", "text/plain; charset=\"utf-8\""),
        post("POST JSON, preflight allows nothing", "application/json"),
        post("POST JSON, XHR, preflight allows nothing", "application/json").xhr(),
        post("POST JSON, Content-Type allowed", "application/json")
            .preflight(204, &[(ACAO, PAGE), (ACAH, "Content-Type")]),
        post("POST JSON, XHR, content-type allowed", "application/json")
            .xhr()
            .preflight(204, &[(ACAO, PAGE), (ACAH, "content-type")]),
        post("POST JSON, preflight allows other headers", "application/json")
            .preflight(204, &[(ACAO, PAGE), (ACAH, "X-Requested-With, Accept")]),
        case("forbidden Origin header is dropped").header("Origin", "http://evil.example"),
        case("forbidden Origin header is dropped, XHR").xhr().header("Origin", "http://evil.example"),
        case("forbidden Sec- header is dropped").header("Sec-Fetch-Mode", "navigate"),
    ]
}

/// Custom headers, Authorization, and methods beyond GET/HEAD/POST.
pub fn preflighted() -> Vec<Case> {
    let custom = |name| case(name).header("X-Requested-With", "XMLHttpRequest");
    let allow = |methods, headers| [(ACAO, PAGE), (ACAM, methods), (ACAH, headers)];
    vec![
        custom("custom header, not allowed"),
        custom("custom header, not allowed, XHR").xhr(),
        custom("custom header, allowed").preflight(204, &[(ACAO, PAGE), (ACAH, "X-Requested-With")]),
        custom("custom header, allowed in lower case").preflight(204, &[(ACAO, PAGE), (ACAH, "x-requested-with")]),
        custom("custom header, allowed by *").preflight(204, &[(ACAO, PAGE), (ACAH, "*")]),
        case("two custom headers, neither allowed").header("X-B", "1").header("X-A", "1"),
        case("two custom headers, neither allowed, XHR").xhr().header("X-B", "1").header("X-A", "1"),
        case("two custom headers, one allowed")
            .header("X-A", "1")
            .header("X-B", "1")
            .preflight(204, &[(ACAO, PAGE), (ACAH, "X-A")]),
        case("custom header set twice")
            .header("X-A", "1")
            .header("x-a", "2")
            .preflight(204, &[(ACAO, PAGE), (ACAH, "X-A")]),
        case("Authorization, allow-headers *")
            .header("Authorization", "Bearer t")
            .preflight(204, &[(ACAO, PAGE), (ACAH, "*")]),
        case("Authorization, allow-headers *, XHR")
            .xhr()
            .header("Authorization", "Bearer t")
            .preflight(204, &[(ACAO, PAGE), (ACAH, "*")]),
        case("Authorization, named")
            .header("Authorization", "Bearer t")
            .preflight(204, &[(ACAO, PAGE), (ACAH, "Authorization")]),
        case("Authorization and custom, allow-headers * and Authorization")
            .header("Authorization", "Bearer t")
            .header("X-Custom", "1")
            .preflight(204, &[(ACAO, PAGE), (ACAH, "*, Authorization")]),
        case("PUT allowed").method("PUT").preflight(204, &allow("PUT", "")),
        case("PUT not listed").method("PUT"),
        case("PUT not listed, XHR").method("PUT").xhr(),
        case("DELETE not in GET, POST").method("DELETE").preflight(204, &allow("GET, POST", "")),
        case("DELETE allowed").method("DELETE").preflight(204, &allow("GET, DELETE", "")),
        case("PATCH allowed").method("PATCH").preflight(204, &allow("PATCH", "")),
        case("lower-case patch vs PATCH").method("patch").preflight(204, &allow("PATCH", "")),
        case("lower-case patch vs patch").method("patch").preflight(204, &allow("patch", "")),
        case("lower-case patch, XHR").method("patch").xhr().preflight(204, &allow("PATCH", "")),
        case("lower-case put is normalized").method("put").preflight(204, &allow("PUT", "")),
        case("PUT vs put").method("PUT").preflight(204, &allow("put", "")),
        case("PUT allowed by *").method("PUT").preflight(204, &allow("*", "")),
        case("OPTIONS from the script").method("OPTIONS").preflight(204, &allow("OPTIONS", "")),
        case("PUT and header, method allowed, header not")
            .method("PUT")
            .header("X-A", "1")
            .preflight(204, &allow("PUT", "")),
        case("allow-methods list with empty items").method("PUT").preflight(204, &allow(", PUT,,", "")),
        case("allow-methods not tokens").method("PUT").preflight(204, &allow("PUT DELETE", "")),
        case("allow-headers not tokens").header("X-A", "1").preflight(204, &allow("", "X-A X-B")),
        // Chromium parses both lists first; Firefox judges the method before it reads the headers.
        case("allow-headers not tokens, method not allowed").method("PUT").preflight(204, &allow("GET", "X-A X-B")),
        case("allow-headers with a semicolon").header("X-A", "1").preflight(204, &allow("", "X-A;")),
    ]
}

/// What status a preflight may have, and how long it is remembered.
pub fn preflight_answers() -> Vec<Case> {
    let put = |name| case(name).method("PUT");
    let cached = |name, max_age| put(name).repeat(2).preflight(204, &[(ACAO, PAGE), (ACAM, "PUT"), (MAX_AGE, max_age)]);
    vec![
        put("preflight 404 with origin").preflight(404, &[(ACAO, PAGE), (ACAM, "PUT")]),
        put("preflight 500 with origin").preflight(500, &[(ACAO, PAGE), (ACAM, "PUT")]),
        put("preflight 404 without origin").preflight(404, &[]),
        put("preflight 404 with origin, XHR").xhr().preflight(404, &[(ACAO, PAGE), (ACAM, "PUT")]),
        put("preflight 200").preflight(200, &[(ACAO, PAGE), (ACAM, "PUT")]),
        put("preflight 302 with origin").preflight(302, &[(ACAO, PAGE), (ACAM, "PUT"), ("Location", "/elsewhere")]),
        put("preflight 301 without origin").preflight(301, &[("Location", "/elsewhere")]),
        put("preflight 307 with origin").preflight(307, &[(ACAO, PAGE), (ACAM, "PUT"), ("Location", "/elsewhere")]),
        put("preflight 302 without Location").preflight(302, &[(ACAO, PAGE), (ACAM, "PUT")]),
        put("preflight 304").preflight(304, &[(ACAO, PAGE), (ACAM, "PUT")]),
        put("preflight ACAO *, no credentials").preflight(204, &[(ACAO, "*"), (ACAM, "PUT")]),
        put("preflight passes, response lacks origin").preflight(204, &[(ACAO, PAGE), (ACAM, "PUT")]).actual(200, &[]),
        put("preflight lacks origin").preflight(204, &[(ACAM, "PUT")]),
        put("preflight cached by default").repeat(2).preflight(204, &[(ACAO, PAGE), (ACAM, "PUT")]),
        cached("preflight max-age 0", "0"),
        cached("preflight max-age 600", "600"),
        cached("preflight max-age -1", "-1"),
        cached("preflight max-age not a number", "ten"),
        put("preflight with credentials, max-age 600")
            .include()
            .repeat(2)
            .preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAM, "PUT"), (MAX_AGE, "600")])
            .actual(200, &[(ACAO, PAGE), (ACAC, "true")]),
    ]
}
