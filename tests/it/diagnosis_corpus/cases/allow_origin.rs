//! More `Access-Control-Allow-Origin` variants: whitespace the parser trims
//! away, a path, case, `null`, `*` with and without credentials, two values
//! in one line or on two lines, a port written out.
//!
//! The runner page is on `http://127.0.0.1:<port>`, never on a default
//! port, so "the origin with its default port" is tried as the origin
//! without its port (`http://127.0.0.1`, which means port 80) and with a
//! zero-padded one; and the host is an IP address, so upper case touches
//! the scheme only.

use super::super::case::{ACAC, ACAM, ACAO, Case, PAGE, case};

pub fn allow_origin() -> Vec<Case> {
    let acao = |name, value| case(name).actual(200, &[(ACAO, value)]);
    let with = |name, value| case(name).include().actual(200, &[(ACAO, value), (ACAC, "true")]);
    let preflight = |name, value| case(name).method("PUT").preflight(204, &[(ACAO, value), (ACAM, "PUT")]);
    vec![
        acao("ACAO padded with spaces", "  {page}  "),
        acao("ACAO padded with a tab", "\t{page}"),
        acao("ACAO padded, XHR", " {page} ").xhr(),
        acao("ACAO with a path", "{page}/corpus"),
        acao("ACAO with a query", "{page}?x=1"),
        acao("ACAO upper-case scheme", "HTTP://127.0.0.1:{port}"),
        acao("ACAO upper case, XHR", "{PAGE}").xhr(),
        acao("ACAO without the port", "http://127.0.0.1"),
        acao("ACAO with a zero-padded port", "http://127.0.0.1:0{port}"),
        acao("ACAO with user info", "http://user@127.0.0.1:{port}"),
        acao("ACAO the origin twice in one line", "{page}, {page}"),
        acao("ACAO * and the origin in one line", "*, {page}"),
        acao("ACAO * padded", " * "),
        acao("ACAO null, XHR", "null").xhr(),
        acao("ACAO NULL upper case", "NULL").sandboxed(),
        // Which refusal Chromium names depends on whether the value parses as a URL.
        acao("ACAO port out of range", "http://127.0.0.1:99999"),
        acao("ACAO scheme only", "http://"),
        acao("ACAO unclosed IPv6", "http://[::1"),
        acao("ACAO file URL", "file:///tmp"),
        acao("ACAO data URL", "data:,x"),
        acao("ACAO wildcard subdomain URL", "https://*.example.com"),
        acao("ACAO trailing dot", "http://127.0.0.1.:{port}"),
        acao("ACAO with a fragment", "{page}#x"),
        acao("ACAO two ports", "{page}:1"),
        acao("ACAO bad percent escape", "http://exa%zzmple.com"),
        acao("ACAO IPv4 past 255", "http://256.0.0.1"),
        acao("ACAO five numeric labels", "http://1.2.3.4.5"),
        acao("ACAO good percent escape", "http://exa%41mple.com"),
        acao("ACAO host with a caret", "http://a^b.com"),
        acao("ACAO short IPv4", "http://127.1:{port}"),
        acao("ACAO without slashes", "http:127.0.0.1:{port}"),
        acao("ACAO empty host with a port", "http://:80"),
        acao("ACAO IPv6 not hex", "http://[zz]"),
        acao("ACAO javascript URL", "javascript:void(0)"),
        case("ACAO * on two lines").actual(200, &[(ACAO, "*"), (ACAO, "*")]),
        case("ACAO origin and null on two lines").actual(200, &[(ACAO, PAGE), (ACAO, "null")]),
        with("credentials, ACAO * with ACAC true", "*"),
        with("credentials, ACAO padded", " {page} "),
        with("credentials, ACAO null", "null"),
        with("credentials, ACAO null, sandboxed", "null").sandboxed(),
        with("credentials, ACAO trailing slash", "{page}/"),
        with("credentials, ACAO * with ACAC true, XHR", "*").xhr(),
        case("omit, ACAO *").credentials(f1_race_results::diagnosis::CredentialsMode::Omit).actual(200, &[(ACAO, "*")]),
        preflight("preflight ACAO padded", " {page} "),
        preflight("preflight ACAO upper case", "{PAGE}"),
        preflight("preflight ACAO two values", "{page}, {page}"),
        preflight("preflight ACAO with a path", "{page}/x"),
        preflight("preflight ACAO empty", ""),
        preflight("sandboxed, preflight ACAO *", "*").sandboxed().actual(200, &[(ACAO, "*")]),
        case("sandboxed, credentials, PUT allowed for null")
            .sandboxed()
            .include()
            .method("PUT")
            .preflight(204, &[(ACAO, "null"), (ACAC, "true"), (ACAM, "PUT")])
            .actual(200, &[(ACAO, "null"), (ACAC, "true")]),
        case("sandboxed, credentials, preflight ACAO *")
            .sandboxed()
            .include()
            .method("PUT")
            .preflight(204, &[(ACAO, "*"), (ACAC, "true"), (ACAM, "PUT")]),
        acao("sandboxed, ACAO null, XHR", "null").sandboxed().xhr(),
        acao("sandboxed, ACAO null padded", " null ").sandboxed(),
        case("credentials, preflight ACAO * with ACAC true")
            .include()
            .method("PUT")
            .preflight(204, &[(ACAO, "*"), (ACAC, "true"), (ACAM, "PUT")]),
    ]
}
