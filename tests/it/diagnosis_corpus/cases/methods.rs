//! Method case: fetch upper-cases DELETE, GET, HEAD, OPTIONS, POST and PUT
//! whatever their case, and sends any other method as written; the
//! preflight's `Access-Control-Allow-Methods` is compared byte for byte.

use super::super::case::{ACAM, ACAO, Case, PAGE, case};

pub fn method_case() -> Vec<Case> {
    let allow =
        |name, method: &str, methods| case(name).method(method).preflight(204, &[(ACAO, PAGE), (ACAM, methods)]);
    vec![
        allow("lower-case delete vs DELETE", "delete", "DELETE"),
        allow("DELETE vs lower-case delete", "DELETE", "delete"),
        allow("mixed-case Delete vs DELETE", "Delete", "DELETE"),
        allow("lower-case delete, XHR", "delete", "DELETE").xhr(),
        allow("PATCH vs lower-case patch", "PATCH", "patch"),
        allow("PATCH vs Patch", "PATCH", "Patch"),
        allow("Patch vs PATCH", "Patch", "PATCH"),
        allow("lower-case patch vs both cases", "patch", "PATCH, patch"),
        allow("lower-case patch vs *", "patch", "*"),
        allow("lower-case patch vs patch, XHR", "patch", "patch").xhr(),
        allow("custom method FOO allowed", "FOO", "FOO"),
        allow("lower-case foo vs FOO", "foo", "FOO"),
        allow("lower-case options vs OPTIONS", "options", "OPTIONS"),
        allow("PUT in a list without spaces", "PUT", "GET,PUT,DELETE"),
        allow("PUT in a list with extra spaces", "PUT", "  GET ,  PUT  "),
        allow("mixed-case Put vs put", "Put", "put"),
        allow("allow-methods with a trailing comma", "PUT", "PUT,"),
        allow("allow-methods with a slash", "PUT", "PUT/1"),
        allow("allow-methods quoted", "PUT", "\"PUT\""),
        case("allow-headers quoted")
            .header("X-A", "1")
            .preflight(204, &[(ACAO, PAGE), ("Access-Control-Allow-Headers", "\"X-A\"")]),
        case("allow-headers with a tab")
            .header("X-A", "1")
            .preflight(204, &[(ACAO, PAGE), ("Access-Control-Allow-Headers", "X-B\t,X-A")]),
        case("lower-case get is simple").method("get"),
        case("lower-case post is simple").method("post"),
        case("lower-case post, XHR").xhr().method("post"),
        case("GET with a custom header, methods lists get")
            .header("X-A", "1")
            .preflight(204, &[(ACAO, PAGE), (ACAM, "get"), ("Access-Control-Allow-Headers", "X-A")]),
    ]
}
