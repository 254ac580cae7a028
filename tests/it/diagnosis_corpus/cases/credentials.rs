//! `Access-Control-Allow-Credentials` variants, with and without
//! credentials: with them only `true`, byte for byte after the parser
//! trims the line, will do; without them the header is not read at all.

use f1_race_results::diagnosis::CredentialsMode;

use super::super::case::{ACAC, ACAM, ACAO, Case, PAGE, case};

pub fn allow_credentials() -> Vec<Case> {
    let with = |name, acac| case(name).include().actual(200, &[(ACAO, PAGE), (ACAC, acac)]);
    let without = |name, acac| case(name).actual(200, &[(ACAO, PAGE), (ACAC, acac)]);
    let preflight = |name, acac| {
        case(name)
            .include()
            .method("PUT")
            .preflight(204, &[(ACAO, PAGE), (ACAC, acac), (ACAM, "PUT")])
            .actual(200, &[(ACAO, PAGE), (ACAC, "true")])
    };
    vec![
        with("credentials, ACAC TRUE", "TRUE"),
        with("credentials, ACAC quoted", "\"true\""),
        with("credentials, ACAC padded with spaces", "  true  "),
        with("credentials, ACAC padded with a tab", "\ttrue"),
        with("credentials, ACAC 1", "1"),
        with("credentials, ACAC yes", "yes"),
        with("credentials, ACAC empty", ""),
        with("credentials, ACAC true, true in one line", "true, true"),
        case("credentials, ACAC true on two lines")
            .include()
            .actual(200, &[(ACAO, PAGE), (ACAC, "true"), (ACAC, "true")]),
        with("credentials, ACAC TRUE, XHR", "TRUE").xhr(),
        with("credentials, ACAC quoted, XHR", "\"true\"").xhr(),
        with("credentials, ACAC padded, XHR", " true ").xhr(),
        with("credentials, ACAC false, XHR", "false").xhr(),
        without("no credentials, ACAC TRUE", "TRUE"),
        without("no credentials, ACAC false", "false"),
        without("no credentials, ACAC quoted", "\"true\""),
        without("no credentials, ACAC true", "true"),
        case("omit, ACAC false").credentials(CredentialsMode::Omit).actual(200, &[(ACAO, PAGE), (ACAC, "false")]),
        case("omit, no ACAC, XHR").xhr().credentials(CredentialsMode::Omit),
        preflight("credentials, preflight ACAC TRUE", "TRUE"),
        preflight("credentials, preflight ACAC quoted", "\"true\""),
        preflight("credentials, preflight ACAC padded", " true "),
        preflight("credentials, preflight ACAC false", "false"),
        preflight("credentials, preflight ACAC TRUE, XHR", "TRUE").xhr(),
        case("credentials, methods * and PUT")
            .include()
            .method("PUT")
            .preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAM, "*, PUT")])
            .actual(200, &[(ACAO, PAGE), (ACAC, "true")]),
        case("credentials, methods * only, PATCH")
            .include()
            .method("PATCH")
            .preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAM, "*")]),
        case("no credentials, preflight ACAC false")
            .method("PUT")
            .preflight(204, &[(ACAO, PAGE), (ACAC, "false"), (ACAM, "PUT")]),
        case("credentials, preflight passes, response lacks ACAC")
            .include()
            .method("PUT")
            .preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAM, "PUT")])
            .actual(200, &[(ACAO, PAGE)]),
    ]
}
