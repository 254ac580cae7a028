//! `Access-Control-Expose-Headers` lists (spaces, case, `*` with and without
//! credentials), and `Authorization` under `Access-Control-Allow-Headers: *`.

use super::super::case::{ACAC, ACAH, ACAM, ACAO, ACEH, Case, PAGE, case};

pub fn expose_headers() -> Vec<Case> {
    let custom =
        |name, expose| case(name).actual(200, &[(ACAO, PAGE), ("X-Custom", "c"), ("X-Other", "o"), (ACEH, expose)]);
    let credentialed = |name, expose| {
        case(name)
            .include()
            .actual(200, &[(ACAO, PAGE), (ACAC, "true"), ("X-Custom", "c"), ("X-Other", "o"), (ACEH, expose)])
    };
    vec![
        custom("expose list with spaces", "  X-Custom  ,  X-Other  "),
        custom("expose list without spaces", "x-custom,x-other"),
        custom("expose upper case", "X-CUSTOM"),
        custom("expose with a trailing comma", "X-Custom,"),
        custom("expose with empty items", ",,X-Custom,,"),
        custom("expose empty", ""),
        custom("expose with a semicolon", "X-Custom; X-Other"),
        custom("expose * and a name", "X-Custom, *"),
        custom("expose * padded", " * "),
        custom("expose quoted", "\"X-Custom\""),
        custom("expose with a tab", "X-Other\t,X-Custom"),
        custom("expose upper case, XHR", "X-CUSTOM").xhr(),
        credentialed("credentials, expose X-Custom", "X-Custom"),
        credentialed("credentials, expose *, XHR", "*").xhr(),
        credentialed("credentials, expose list with spaces", " X-Custom , X-Other "),
        case("omit, expose *")
            .credentials(f1_race_results::diagnosis::CredentialsMode::Omit)
            .actual(200, &[(ACAO, PAGE), ("X-Custom", "c"), (ACEH, "*")]),
        case("Set-Cookie named in expose").actual(200, &[(ACAO, PAGE), ("Set-Cookie", "a=b"), (ACEH, "Set-Cookie")]),
        case("ACAO *, expose *").actual(200, &[(ACAO, "*"), ("X-Custom", "c"), (ACEH, "*")]),
    ]
}

/// The standard says `*` never covers Authorization; see the warning in
/// `src/diagnosis/mod.rs` for what Chromium and Firefox do.
pub fn authorization() -> Vec<Case> {
    let auth = |name| case(name).header("Authorization", "Bearer t");
    let with = |name, allow| {
        auth(name)
            .include()
            .preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAH, allow)])
            .actual(200, &[(ACAO, PAGE), (ACAC, "true")])
    };
    vec![
        with("credentials, Authorization under *", "*"),
        with("credentials, Authorization under *, XHR", "*").xhr(),
        with("credentials, Authorization named", "Authorization"),
        case("credentials, Authorization, preflight without ACAC")
            .include()
            .header("Authorization", "Bearer t")
            .preflight(204, &[(ACAO, PAGE), (ACAH, "Authorization")]),
        with("credentials, Authorization and * listed", "*, authorization"),
        auth("Authorization allowed in lower case").preflight(204, &[(ACAO, PAGE), (ACAH, "authorization")]),
        auth("Authorization and X-A under *").header("X-A", "1").preflight(204, &[(ACAO, PAGE), (ACAH, "*")]),
        auth("Authorization under *, PUT under *")
            .method("PUT")
            .preflight(204, &[(ACAO, PAGE), (ACAM, "*"), (ACAH, "*")]),
        auth("Authorization under * padded").preflight(204, &[(ACAO, PAGE), (ACAH, " * ")]),
        auth("Authorization not allowed").preflight(204, &[(ACAO, PAGE), (ACAH, "X-A")]),
        case("credentials, X-A under * and named")
            .include()
            .header("X-A", "1")
            .preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAH, "*, X-A")])
            .actual(200, &[(ACAO, PAGE), (ACAC, "true")]),
    ]
}
