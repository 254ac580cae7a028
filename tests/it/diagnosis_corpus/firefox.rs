//! Where Firefox ESR's behaviour departs from the diagnosis, which follows
//! Chromium: each case and what differs, as observed (Firefox ESR 153). The
//! Firefox corpus test asserts exactly these differences, so a new one, or
//! one that goes away, fails it. Wording is never listed here: Firefox's
//! console line must always be the diagnosis's Firefox words
//! (`src/diagnosis/words/firefox.rs`); "a console message" here means one
//! came where none was expected, or none where one was.

/// `(case name, what differs)`; the "what" as `compare` names it.
pub const DIFFERS: &[(&str, &[&str])] = &[
    // Firefox lists a header set twice twice in Access-Control-Request-Headers ("x-a,x-a").
    ("custom header set twice", &["request headers"]),
    // The second identical uncredentialed PUT within seconds sent a second
    // preflight (a credentialed one was cached: "preflight with credentials, max-age 600").
    ("preflight cached by default", &["preflights"]),
    ("preflight max-age 600", &["preflights"]),
    ("preflight max-age not a number", &["preflights"]),
    // Max-Age not all digits: Firefox does not cache the preflight (a second
    // one); Chromium falls back to its 5-second default (one).
    ("max-age 0.5", &["preflights"]),
    ("max-age 0 then 600 in one line", &["preflights"]),
    ("max-age 600 then 0 in one line", &["preflights"]),
    ("max-age 1e3", &["preflights"]),
    // A script may set User-Agent in Firefox (Chromium drops it); it is not safelisted: a preflight.
    ("User-Agent set by script", BLOCKED_BY_A_PREFLIGHT),
    // Firefox does not apply the 128-byte limit to a combined safelisted value
    // (it judges each value alone, as the standard does), nor the standard's
    // 1024-byte total: no preflight. The verdict warns (src/diagnosis/repeated.rs).
    ("Accept set twice, joined past 128 bytes", PREFLIGHT_NOT_SENT),
    ("Accept-Language set twice, joined past 128 bytes", PREFLIGHT_NOT_SENT),
    ("Accept set 11 times, 1100 bytes in all", PREFLIGHT_NOT_SENT),
    // A Range position from 2^63 - 1 to 2^64 - 1: Chromium preflights it,
    // Firefox does not (the standard never does; the verdict warns).
    ("Range start 2^63 - 1", PREFLIGHT_NOT_SENT),
    ("Range start 2^63", PREFLIGHT_NOT_SENT),
    ("Range end 2^63", PREFLIGHT_NOT_SENT),
    ("Range start 2^64 - 1", PREFLIGHT_NOT_SENT),
    // Content-Type parameters ending in ';' after a first one: Firefox preflights.
    ("POST two semicolons", BLOCKED_BY_A_PREFLIGHT),
    ("POST empty parameter with a space", BLOCKED_BY_A_PREFLIGHT),
    ("POST x=1 then two semicolons", BLOCKED_BY_A_PREFLIGHT),
    ("POST x=1 then a semicolon", BLOCKED_BY_A_PREFLIGHT),
    // Client hints and these headers are safelisted in Chromium only: Firefox preflights them.
    ("client hint Width", BLOCKED_BY_A_PREFLIGHT),
    ("client hint DPR", BLOCKED_BY_A_PREFLIGHT),
    ("client hint ECT", BLOCKED_BY_A_PREFLIGHT),
    ("Save-Data on", BLOCKED_BY_A_PREFLIGHT),
    ("client hint Viewport-Width", BLOCKED_BY_A_PREFLIGHT),
    ("client hint Device-Memory", BLOCKED_BY_A_PREFLIGHT),
    ("client hint RTT", BLOCKED_BY_A_PREFLIGHT),
    ("client hint Downlink", BLOCKED_BY_A_PREFLIGHT),
    ("Intervention", BLOCKED_BY_A_PREFLIGHT),
    // An empty Access-Control-Allow-Origin or -Allow-Credentials line next to a
    // good one: Chromium joins them (", value", as the standard says) and
    // refuses; Firefox drops the empty line and lets the script read.
    ("ACAO empty then the origin", EMPTY_LINE_DROPPED),
    ("ACAO the origin then empty", EMPTY_LINE_DROPPED),
    ("ACAO empty then the origin, XHR", EMPTY_LINE_DROPPED),
    ("preflight ACAO empty then the origin", &["actual requests", "readable"]),
    ("credentials, ACAC empty then true", EMPTY_LINE_DROPPED),
];

/// No preflight in Firefox, so the request goes out and is read; Chromium's preflight is refused.
const PREFLIGHT_NOT_SENT: &[&str] = &["preflights", "actual requests", "readable", "a console message"];

/// Readable in Firefox, refused in Chromium (whose verdict the model gives);
/// the model gives no Firefox console words for it, and Firefox logs none.
const EMPTY_LINE_DROPPED: &[&str] = &["readable"];

/// A preflight the diagnosis does not expect, refused (the corpus allows no headers).
const BLOCKED_BY_A_PREFLIGHT: &[&str] = &["preflights", "actual requests", "readable", "a console message"];

/// Where Firefox reads what Chromium refuses, or the other way round, the
/// verdict (which follows Chromium) must warn, naming Firefox: checked
/// without a browser, on the cases as scripted.
#[test]
fn every_listed_difference_in_what_a_script_reads_has_a_warning_naming_firefox() {
    use f1_race_results::diagnosis::diagnose;
    let (page, api) = ("http://127.0.0.1:1", "http://127.0.0.1:2");
    let cases = super::all_cases();
    for (name, _) in DIFFERS.iter().filter(|(_, whats)| whats.contains(&"readable")) {
        let case = cases.iter().find(|c| c.name == *name).unwrap_or_else(|| panic!("{name}: no such case"));
        let script = case.script(page);
        let verdict = diagnose(
            &case.spec(page, api, "/case/0"),
            Some((script.preflight.status, script.preflight.headers.as_slice())),
            Some((script.actual.status, script.actual.headers.as_slice())),
        );
        assert!(verdict.warnings.iter().any(|w| w.contains("Firefox")), "{name}: no warning names Firefox");
    }
}
