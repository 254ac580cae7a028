//! Where a target's verdict differs from the app's, and why: each a
//! behaviour of the target itself (docs/export.md). A difference not listed
//! fails the test, and so does a listed one that no longer happens.

use f1_race_results::cli::export::Format;

use super::Difference;

/// `(scenario or "*", case or "*/request", why)`.
type Expected = (&'static str, &'static str, &'static str);

const RACK_CORS: &[Expected] = &[
    ("*", "*/public-authorization", "headers: :any echoes every requested header, Authorization included"),
    ("*", "null/public-get", "origins '*' admits the opaque origin null; the app admits null only when named"),
    ("*", "*/look-alike-path", "'/cors/*' is the prefix followed by anything: /cors-archive is covered"),
    ("missing-allowed-header", "*/json-post", "Content-Type is always allowed (CORS_SIMPLE_HEADERS)"),
    ("missing-allowed-header", "*/users-put", "Content-Type is always allowed (CORS_SIMPLE_HEADERS)"),
];
const NGINX: &[Expected] = &[
    ("everything.toml", "*/admin-basic", "an `if` condition cannot be said: the resource applies always"),
    ("*", "*/public-authorization", "headers = \"*\" is the requested list echoed, Authorization included"),
    (
        "*",
        "null/public-get",
        "Access-Control-Allow-Origin: * admits the opaque origin null; the app admits null only when named",
    ),
    (
        "methods-get-only",
        "*/json-post",
        "methods are listed, not checked: the browser always allows POST, the app refuses its preflight",
    ),
];
const EXPRESS: &[Expected] = &[
    ("*", "*/public-authorization", "without allowedHeaders, cors echoes the requested list, Authorization included"),
    (
        "*",
        "null/public-get",
        "Access-Control-Allow-Origin: * admits the opaque origin null; the app admits null only when named",
    ),
    (
        "methods-get-only",
        "*/json-post",
        "methods are listed, not checked: the browser always allows POST, the app refuses its preflight",
    ),
];
const TOWER_HTTP: &[Expected] = &[
    ("everything.toml", "*/admin-basic", "an `if` condition cannot be said: the resource applies always"),
    ("*", "*/public-authorization", "AllowHeaders::mirror_request() echoes the requested list, Authorization included"),
    (
        "*",
        "null/public-get",
        "AllowOrigin::any() sends * , which admits the opaque origin null; the app admits null only when named",
    ),
    (
        "methods-get-only",
        "*/json-post",
        "methods are listed, not checked: the browser always allows POST, the app refuses its preflight",
    ),
];

fn table(format: Format) -> &'static [Expected] {
    match format {
        Format::RackCors => RACK_CORS,
        Format::Nginx => NGINX,
        Format::Express => EXPRESS,
        Format::TowerHttp => TOWER_HTTP,
    }
}

fn matches((scenario, case, _): &Expected, d: &Difference) -> bool {
    let scenario_ok = *scenario == "*" || *scenario == d.scenario;
    let case_ok = match case.strip_prefix("*/") {
        Some(request) => d.case.split_once('/').is_some_and(|(_, r)| r == request),
        None => *case == d.case,
    };
    scenario_ok && case_ok
}

/// Fails on a difference the table does not name, or a named one that did not happen.
pub fn hold(format: Format, differences: &[Difference]) {
    let table = table(format);
    let unexpected: Vec<String> = differences
        .iter()
        .filter(|d| !table.iter().any(|e| matches(e, d)))
        .map(|d| format!("  (\"{}\", \"{}\")  app {:?}\n      target {:?}", d.scenario, d.case, d.app, d.target))
        .collect();
    let stale: Vec<String> = table
        .iter()
        .filter(|e| !differences.iter().any(|d| matches(e, d)))
        .map(|(s, c, why)| format!("  ({s:?}, {c:?}): {why}"))
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{format:?}: {} unexpected differences:\n{}\nexpected differences that did not happen:\n{}",
        unexpected.len(),
        unexpected.join("\n"),
        stale.join("\n")
    );
}
