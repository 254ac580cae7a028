//! The pure parts of `check`: reading the arguments, the requests a
//! browser would send, and what the answers mean.

use clap::Parser;

use super::args::CheckArgs;
use super::plan::Plan;
use super::redirect::redirect;
use super::report::{Outcome, Report};
use super::text::render;
use super::warnings::warnings;
use crate::cli::http::client::Answer;
use crate::cli::http::target::{Target, fetch_site, parse_origin};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: CheckArgs,
}

fn plan(line: &[&str]) -> Result<Plan, String> {
    let cli = Cli::try_parse_from(["check"].iter().chain(line)).map_err(|e| e.to_string())?;
    Plan::new(&cli.args)
}

fn planned(line: &[&str]) -> Plan {
    plan(line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

const URL: &str = "https://localhost:3001/cors/results";
const PAGE: &str = "http://localhost:3000";

fn answer(status: u16, headers: &[(&str, &str)]) -> Answer {
    Answer { status, headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect() }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

#[test]
fn urls_are_read_as_a_browser_reads_them() {
    let target = Target::parse("HTTPS://LocalHost:443/a?b=1#frag").expect("parses");
    assert_eq!(target.origin(), "https://localhost");
    assert_eq!(target.path, "/a?b=1");
    assert_eq!(Target::parse("http://[::1]:8080").expect("parses").url(), "http://[::1]:8080/");
    assert!(Target::parse("localhost:3001/x").is_err());
    assert!(Target::parse("ftp://example.com/").is_err());
    assert!(Target::parse("https://user:pw@example.com/").is_err());
    assert!(Target::parse("not a url").is_err());
}

#[test]
fn origins_are_serialized_and_paths_refused() {
    assert_eq!(parse_origin("http://localhost:3000/").as_deref(), Ok("http://localhost:3000"));
    assert_eq!(parse_origin("https://Example.com:443").as_deref(), Ok("https://example.com"));
    assert_eq!(parse_origin("null").as_deref(), Ok("null"));
    assert!(parse_origin("http://localhost:3000/page").is_err());
    assert!(parse_origin("localhost:3000").is_err());
}

#[test]
fn the_preflight_asks_for_the_method_and_the_sorted_lower_case_header_names() {
    let plan = planned(&[
        URL,
        "--origin",
        PAGE,
        "--method",
        "put",
        "--header",
        "X-Zebra: 1",
        "--header",
        "X-Alpha: 2",
        "--content-type",
        "application/json",
    ]);
    let preflight = plan.preflight.expect("preflighted");
    assert_eq!(preflight.method, "OPTIONS");
    assert_eq!(header(&preflight.headers, "access-control-request-method"), Some("PUT"));
    assert_eq!(header(&preflight.headers, "access-control-request-headers"), Some("content-type,x-alpha,x-zebra"));
    assert_eq!(header(&preflight.headers, "origin"), Some(PAGE));
    assert_eq!(header(&preflight.headers, "sec-fetch-mode"), Some("cors"));
    assert_eq!(header(&preflight.headers, "sec-fetch-site"), Some("cross-site"));
    assert_eq!(header(&preflight.headers, "x-alpha"), None, "script headers stay for the actual request");
    assert_eq!(plan.actual.method, "PUT");
    assert_eq!(header(&plan.actual.headers, "x-alpha"), Some("2"));
}

#[test]
fn a_preflight_never_carries_credentials() {
    let plan = planned(&[
        URL,
        "--origin",
        PAGE,
        "--credentials",
        "--header",
        "Authorization: Basic c2VjcmV0",
        "--header",
        "Cookie: s=1",
    ]);
    let preflight = plan.preflight.expect("Authorization is not safelisted");
    assert_eq!(header(&preflight.headers, "authorization"), None);
    assert_eq!(header(&preflight.headers, "cookie"), None);
    assert_eq!(header(&preflight.headers, "access-control-request-headers"), Some("authorization"));
    assert_eq!(header(&plan.actual.headers, "cookie"), Some("s=1"));
}

#[test]
fn the_tutorial_post_is_simple_and_a_json_post_is_not() {
    let form = planned(&[
        URL,
        "--origin",
        PAGE,
        "--data",
        "standings=latest",
        "--content-type",
        "application/x-www-form-urlencoded",
    ]);
    assert!(form.preflight.is_none());
    assert_eq!(form.actual.method, "POST");
    let json = planned(&[URL, "--origin", PAGE, "--method", "POST", "--content-type", "application/json"]);
    assert!(json.preflight.is_some());
}

#[test]
fn bad_arguments_get_one_sentence_that_repeats_no_value() {
    let no_colon = plan(&[URL, "--origin", PAGE, "--header", "Authorization Basic c2VjcmV0"]).expect_err("no colon");
    assert!(no_colon.contains("colon") && !no_colon.contains("c2VjcmV0"), "{no_colon}");
    let cookie = plan(&[URL, "--origin", PAGE, "--header", "Cookie: s=hidden"]).expect_err("no credentials");
    assert!(cookie.contains("--credentials") && !cookie.contains("hidden"), "{cookie}");
    let forbidden = plan(&[URL, "--origin", PAGE, "--header", "Origin: http://x"]).expect_err("forbidden");
    assert!(forbidden.contains("cannot set Origin"), "{forbidden}");
    assert!(plan(&[URL, "--origin", PAGE, "--method", "GET", "--data", "x"]).is_err());
    assert!(plan(&[URL, "--origin", PAGE, "--method", "TRACE"]).is_err());
    assert!(plan(&[URL, "--origin", PAGE, "--header", "X-A: a\u{1}b"]).is_err());
}

#[test]
fn warnings_name_a_reflection_without_vary_caps_and_a_public_resource_with_credentials() {
    let spec = planned(&[URL, "--origin", PAGE]).spec;
    let reflected = answer(200, &[("access-control-allow-origin", PAGE)]);
    assert!(warnings(&spec, None, Some(&reflected))[0].contains("Vary: Origin"));
    let varied = answer(200, &[("access-control-allow-origin", PAGE), ("vary", "Accept, Origin")]);
    assert!(warnings(&spec, None, Some(&varied)).is_empty());
    let chromium_cap = answer(204, &[("access-control-max-age", "86400")]);
    assert!(warnings(&spec, Some(&chromium_cap), None)[0].contains("Chromium's cap"));
    let both = answer(204, &[("access-control-max-age", "90000")]);
    assert!(warnings(&spec, Some(&both), None)[0].contains("every browser's cap"));
    let public = answer(200, &[("access-control-allow-origin", "*"), ("access-control-allow-credentials", "true")]);
    assert!(warnings(&spec, None, Some(&public))[0].contains("public"));
}

#[test]
fn authorization_covered_only_by_a_star_is_a_warning() {
    let plan = planned(&[URL, "--origin", PAGE, "--header", "Authorization: Bearer abc"]);
    let preflight = answer(
        204,
        &[("access-control-allow-origin", PAGE), ("access-control-allow-headers", "*"), ("vary", "Origin")],
    );
    let actual = answer(200, &[("access-control-allow-origin", PAGE), ("vary", "Origin")]);
    let report = Report::new(&plan, Some(&preflight), Some(&actual));
    assert_eq!(report.outcome, Outcome::Allowed);
    assert!(report.warnings.iter().any(|w| w.contains("Authorization")), "{:?}", report.warnings);
}

#[test]
fn secrets_are_shown_as_presence_only_in_text_and_json() {
    let plan = planned(&[
        URL,
        "--origin",
        PAGE,
        "--credentials",
        "--header",
        "Authorization: Basic c2VjcmV0",
        "--header",
        "Cookie: session=t0ps3cret",
        "--header",
        "X-Api-Key: k3yk3y",
    ]);
    let preflight = answer(
        204,
        &[
            ("access-control-allow-origin", PAGE),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "authorization, x-api-key"),
        ],
    );
    let actual = answer(200, &[("access-control-allow-origin", PAGE), ("set-cookie", "session=n3wsecret")]);
    let report = Report::new(&plan, Some(&preflight), Some(&actual));
    let json = serde_json::to_string(&report).expect("serializes");
    for shown in [render(&report), json] {
        for secret in ["c2VjcmV0", "t0ps3cret", "k3yk3y", "n3wsecret"] {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
        assert!(shown.contains("Authorization") && shown.contains("Cookie"), "presence is shown: {shown}");
    }
}

#[test]
fn a_redirect_says_where_the_browser_goes_and_with_which_origin() {
    let plan = planned(&[URL, "--origin", PAGE, "--data", "x"]);
    let elsewhere = answer(302, &[("access-control-allow-origin", PAGE), ("location", "https://other.test/next")]);
    let next = redirect(&plan.spec, &plan.target, &elsewhere).expect("followed");
    assert_eq!((next.method.as_str(), next.origin.as_str()), ("GET", "null"), "a POST becomes GET; Origin tainted");
    let here = answer(307, &[("location", "/cors/other")]);
    let next = redirect(&plan.spec, &plan.target, &here).expect("followed");
    assert_eq!(next.location, "https://localhost:3001/cors/other");
    assert_eq!((next.method.as_str(), next.origin.as_str()), ("POST", PAGE));
    let report = Report::new(&plan, None, Some(&elsewhere));
    assert_eq!(report.outcome, Outcome::Redirected);
    assert_eq!(report.exit_code(), 1);
    let refused = answer(302, &[("location", "https://other.test/next")]);
    assert_eq!(Report::new(&plan, None, Some(&refused)).outcome, Outcome::Blocked, "the redirect fails the CORS check");
}

#[test]
fn the_text_prints_a_line_per_browser() {
    let plan = planned(&[URL, "--origin", PAGE]);
    let report = Report::new(&plan, None, Some(&answer(200, &[("vary", "Origin")])));
    let text = render(&report);
    assert!(text.contains("Chromium: blocked (MissingAllowOriginHeader): Access to fetch at"), "{text}");
    assert!(text.contains("Firefox:  blocked (CORSMissingAllowOrigin2): Cross-Origin Request Blocked"), "{text}");
    assert!(text.contains("Fix: "), "{text}");
}

#[test]
fn sec_fetch_site_tells_same_origin_same_site_and_cross_site_apart() {
    let api = Target::parse("https://api.example.com/x").expect("parses");
    assert_eq!(fetch_site("https://api.example.com", &api), "same-origin");
    assert_eq!(fetch_site("https://www.example.com", &api), "same-site");
    assert_eq!(fetch_site("http://www.example.com", &api), "cross-site", "schemeful");
    assert_eq!(fetch_site("https://example.org", &api), "cross-site");
    let local = Target::parse("https://localhost:3001/").expect("parses");
    assert_eq!(fetch_site("http://localhost:3000", &local), "cross-site");
    assert_eq!(fetch_site("https://localhost:3000", &local), "same-site");
}

#[test]
fn a_header_only_chromium_safelists_is_a_warning_about_firefox() {
    let granted = answer(200, &[("access-control-allow-origin", PAGE)]);
    let report = Report::new(&planned(&[URL, "--origin", PAGE, "--header", "Save-Data: on"]), None, Some(&granted));
    assert!(report.warnings.iter().any(|w| w.contains("Firefox")), "{:?}", report.warnings);
    let report = Report::new(&planned(&[URL, "--origin", PAGE, "--header", "Save-Data: off"]), None, Some(&granted));
    assert!(
        report.warnings.iter().all(|w| !w.contains("Save-Data")),
        "preflighted in both already: {:?}",
        report.warnings
    );
}

#[test]
fn an_answer_only_firefox_reads_gets_an_allowed_firefox_line() {
    // An empty Access-Control-Allow-Origin line beside a good one: Chromium
    // joins them (", origin") and refuses; Firefox drops the empty one.
    let twice = answer(200, &[("access-control-allow-origin", ""), ("access-control-allow-origin", PAGE)]);
    let report = Report::new(&planned(&[URL, "--origin", PAGE]), None, Some(&twice));
    let line = |name: &str| report.browsers.iter().find(|b| b.browser == name).expect(name).clone();
    assert_eq!(line("chromium").verdict, Outcome::Blocked);
    assert!(line("chromium").code.is_some());
    let firefox = line("firefox");
    assert_eq!((firefox.verdict, firefox.code), (Outcome::Allowed, None), "{}", firefox.summary);
}
