//! Cases about the answer: the origin and credentials checks, which
//! headers a script may read, and the value rules of safelisted headers.

use f1_race_results::diagnosis::CredentialsMode;

use super::case::{ACAC, ACAH, ACAM, ACAO, ACEH, Case, PAGE, case};

/// Credentials mode `include` against `*`, a missing or wrong ACAC.
pub fn credentials() -> Vec<Case> {
    let with = |name| case(name).include();
    let put = |name| with(name).method("PUT");
    vec![
        with("credentials, origin *").actual(200, &[(ACAO, "*"), (ACAC, "true")]),
        with("credentials, origin *, XHR").xhr().actual(200, &[(ACAO, "*")]),
        with("credentials, origin named, no ACAC"),
        with("credentials, origin named, no ACAC, XHR").xhr(),
        with("credentials, ACAC True").actual(200, &[(ACAO, PAGE), (ACAC, "True")]),
        with("credentials, ACAC false").actual(200, &[(ACAO, PAGE), (ACAC, "false")]),
        with("credentials, ACAC true").actual(200, &[(ACAO, PAGE), (ACAC, "true")]),
        with("credentials, ACAC true, XHR").xhr().actual(200, &[(ACAO, PAGE), (ACAC, "true")]),
        case("omit, origin * with ACAC true")
            .credentials(CredentialsMode::Omit)
            .actual(200, &[(ACAO, "*"), (ACAC, "true")]),
        case("same-origin mode, origin *").actual(200, &[(ACAO, "*")]),
        put("credentials, preflight origin *").preflight(204, &[(ACAO, "*"), (ACAC, "true"), (ACAM, "PUT")]),
        put("credentials, preflight without ACAC").preflight(204, &[(ACAO, PAGE), (ACAM, "PUT")]),
        put("credentials, preflight allows methods *").preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAM, "*")]),
        with("credentials, preflight allows headers *")
            .header("X-A", "1")
            .preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAH, "*")]),
        put("credentials, PUT and JSON fully allowed")
            .header("Content-Type", "application/json")
            .preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAM, "PUT"), (ACAH, "Content-Type")])
            .actual(200, &[(ACAO, PAGE), (ACAC, "true")]),
        put("credentials, XHR, PUT fully allowed")
            .xhr()
            .preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAM, "PUT")])
            .actual(200, &[(ACAO, PAGE), (ACAC, "true")]),
    ]
}

/// `Access-Control-Allow-Origin` values that are close, but wrong.
pub fn allow_origin() -> Vec<Case> {
    let acao = |name, value| case(name).actual(200, &[(ACAO, value)]);
    vec![
        case("no ACAO").actual(200, &[]),
        case("no ACAO, XHR").xhr().actual(200, &[]),
        acao("ACAO *", "*"),
        case("ACAO twice").actual(200, &[(ACAO, PAGE), (ACAO, PAGE)]),
        case("ACAO twice, XHR").xhr().actual(200, &[(ACAO, PAGE), (ACAO, "*")]),
        acao("ACAO comma list", "{page}, http://example.com"),
        acao("ACAO space list", "{page} http://example.com"),
        acao("ACAO trailing slash", "{page}/"),
        acao("ACAO trailing slash, XHR", "{page}/").xhr(),
        acao("ACAO different port", "http://127.0.0.1:1"),
        acao("ACAO https instead of http", "https://127.0.0.1:{port}"),
        acao("ACAO localhost for 127.0.0.1", "http://localhost:{port}"),
        acao("ACAO upper case", "{PAGE}"),
        acao("ACAO null", "null"),
        acao("ACAO without scheme", "127.0.0.1:{port}"),
        acao("ACAO host:port reads as a scheme", "localhost:{port}"),
        acao("ACAO pattern", "*.example.com"),
        acao("ACAO empty", ""),
        put_with_acao("preflight ACAO trailing slash", "{page}/"),
        put_with_acao("preflight ACAO null", "null"),
        case("preflight ACAO twice").method("PUT").preflight(204, &[(ACAO, PAGE), (ACAO, PAGE), (ACAM, "PUT")]),
        acao("sandboxed, ACAO null", "null").sandboxed(),
        acao("sandboxed, ACAO *", "*").sandboxed(),
        acao("sandboxed, ACAO page origin", PAGE).sandboxed(),
        case("sandboxed, no ACAO").sandboxed().actual(200, &[]),
        put_with_acao("sandboxed, preflight ACAO null", "null").sandboxed().actual(200, &[(ACAO, "null")]),
    ]
}

fn put_with_acao(name: &'static str, value: &str) -> Case {
    case(name).method("PUT").preflight(204, &[(ACAO, value), (ACAM, "PUT")])
}

/// Which response headers a script may read.
pub fn exposure() -> Vec<Case> {
    let custom = |name, expose: &[(&str, &str)]| {
        let mut headers = vec![(ACAO, PAGE), ("X-Custom", "c"), ("X-Other", "o")];
        headers.extend_from_slice(expose);
        case(name).actual(200, &headers)
    };
    let credentialed = |name, expose| {
        case(name).include().actual(200, &[(ACAO, PAGE), (ACAC, "true"), ("X-Custom", "c"), (ACEH, expose)])
    };
    vec![
        custom("custom response header, not exposed", &[]),
        custom("custom response header, not exposed, XHR", &[]).xhr(),
        custom("expose X-Custom", &[(ACEH, "X-Custom")]),
        custom("expose x-custom in lower case, XHR", &[(ACEH, "x-custom")]).xhr(),
        custom("expose two lines", &[(ACEH, "X-Custom"), (ACEH, "X-Other")]),
        custom("expose *", &[(ACEH, "*")]),
        custom("expose *, XHR", &[(ACEH, "*")]).xhr(),
        custom("expose list that does not parse", &[(ACEH, "X-Custom, X Other")]),
        custom("Set-Cookie never exposed", &[(ACEH, "*, Set-Cookie"), ("Set-Cookie", "a=b")]),
        credentialed("credentials, expose *", "*"),
        credentialed("credentials, expose * and X-Custom", "*, X-Custom"),
        case("safelisted response headers").actual(
            200,
            &[
                (ACAO, PAGE),
                ("Cache-Control", "no-cache"),
                ("Content-Language", "en"),
                ("Content-Type", "text/plain"),
                ("Expires", "0"),
                ("Last-Modified", "Tue, 15 Nov 1994 12:45:26 GMT"),
                ("Pragma", "no-cache"),
                ("X-Powered-By", "corpus"),
            ],
        ),
        case("error status still readable").actual(500, &[(ACAO, PAGE)]),
    ]
}

/// Safelisted request headers and the rules on their values.
pub fn header_values() -> Vec<Case> {
    let long = "a".repeat(128);
    let too_long = "a".repeat(129);
    let with = |name, header: &str, value: &str| case(name).header(header, value);
    vec![
        with("Range simple", "Range", "bytes=0-99"),
        with("Range open-ended", "Range", "bytes=0-"),
        with("Range suffix", "Range", "bytes=-500"),
        with("Range two ranges", "Range", "bytes=0-1,5-6"),
        with("Range upper-case unit", "Range", "Bytes=0-1"),
        with("Range start after end", "Range", "bytes=5-2"),
        with("Range suffix, allowed", "Range", "bytes=-500").preflight(204, &[(ACAO, PAGE), (ACAH, "Range")]),
        with("Accept 128 bytes", "Accept", &long),
        with("Accept 129 bytes", "Accept", &too_long),
        with("Accept 129 bytes, XHR", "Accept", &too_long).xhr(),
        with("Content-Language 129 bytes", "Content-Language", &too_long),
        with("Accept with a quote", "Accept", "text/html\""),
        with("Accept with braces", "Accept", "{json}"),
        with("Accept JSON", "Accept", "application/json"),
        with("Accept-Language with q", "Accept-Language", "en-US,en;q=0.9"),
        with("Accept-Language underscore", "Accept-Language", "de_DE"),
        with("Content-Language simple", "Content-Language", "de-DE"),
        with("Content-Language with slash", "Content-Language", "de/DE"),
        with("User-Agent set by script", "User-Agent", "corpus"),
        with("Accept set twice, joined past 128 bytes", "Accept", &"a".repeat(100)).header("Accept", &"b".repeat(30)),
        with("client hint Width", "Width", "100"),
        with("client hint Width, not an integer", "Width", "1.5"),
        with("client hint DPR", "DPR", "1.5"),
        with("client hint DPR, two dots", "DPR", "1.5.1"),
        with("client hint ECT", "ECT", "4g"),
        with("client hint ECT, unknown", "ECT", "5g"),
        with("Save-Data on", "Save-Data", "ON"),
        with("Save-Data off", "Save-Data", "off"),
        with("Intervention", "Intervention", "<https://example.com>"),
    ]
}
