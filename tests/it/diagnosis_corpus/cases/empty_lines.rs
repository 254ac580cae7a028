//! A CORS header sent twice, once empty: the standard (and Chromium) joins
//! the two lines into one value, `", value"`, which is no longer the value;
//! Firefox drops the empty line (see `firefox.rs`).

use super::super::case::{ACAC, ACAH, ACAM, ACAO, ACEH, Case, PAGE, case};

pub fn empty_lines() -> Vec<Case> {
    vec![
        case("ACAO empty then the origin").actual(200, &[(ACAO, ""), (ACAO, PAGE)]),
        case("ACAO the origin then empty").actual(200, &[(ACAO, PAGE), (ACAO, "")]),
        case("ACAO empty then the origin, XHR").xhr().actual(200, &[(ACAO, ""), (ACAO, PAGE)]),
        case("preflight ACAO empty then the origin")
            .method("PUT")
            .preflight(204, &[(ACAO, ""), (ACAO, PAGE), (ACAM, "PUT")]),
        case("credentials, ACAC empty then true").include().actual(200, &[(ACAO, PAGE), (ACAC, ""), (ACAC, "true")]),
        case("allow-methods empty then PUT").method("PUT").preflight(204, &[(ACAO, PAGE), (ACAM, ""), (ACAM, "PUT")]),
        case("allow-headers empty then X-A")
            .header("X-A", "1")
            .preflight(204, &[(ACAO, PAGE), (ACAH, ""), (ACAH, "X-A")]),
        case("expose empty then X-Custom")
            .actual(200, &[(ACAO, PAGE), ("X-Custom", "c"), (ACEH, ""), (ACEH, "X-Custom")]),
    ]
}
