//! The request-header warnings: where Firefox or the standard judge a header
//! otherwise than Chromium (set twice, client hints, User-Agent, a huge Range,
//! Content-Type parameters ending in ';'), the verdict follows Chromium and warns.

use super::*;

fn warnings_for(spec: &RequestSpec) -> Vec<String> {
    diagnose(spec, Some((204, &allowing(&[])[..])), Some((200, &allowing(&[])[..]))).warnings
}

#[test]
fn two_accepts_joined_past_128_bytes_need_a_preflight_in_chromium_only() {
    let spec = get().header("Accept", &"a".repeat(100)).header("Accept", &"b".repeat(30));
    let reason = needs_preflight(&spec).expect("Chromium judges the joined 132 bytes");
    assert_eq!(reason.headers, ["accept"]);
    let warnings = warnings_for(&spec);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("accept set more than once"), "{}", warnings[0]);
    assert!(warnings[0].contains("Firefox judges each value alone and does not ask"));
    assert!(warnings[0].ends_with("and does not ask for it."), "the standard agrees with Firefox");
}

#[test]
fn past_1024_bytes_in_all_the_standard_asks_as_chromium_does() {
    let spec = (0..11).fold(get(), |s, _| s.header("Accept", &"c".repeat(100)));
    let warnings = warnings_for(&spec);
    assert_eq!(warnings.len(), 1, "Firefox still sends it without a preflight");
    assert!(warnings[0].contains("more than 1024 bytes in all"), "{}", warnings[0]);
}

#[test]
fn no_warning_where_a_value_is_unsafe_alone_or_the_name_is_not_the_standards() {
    let types = get().method("POST").header("Content-Type", "text/plain").header("Content-Type", "text/html");
    assert!(warnings_for(&types).is_empty(), "text/html needs a preflight in every browser");
    let hints = get().header("Width", "100").header("Width", "200");
    assert!(needs_preflight(&hints).is_some());
    assert!(warnings_for(&hints).is_empty(), "Firefox never safelists a client hint");
    let once = get().header("Accept", &"a".repeat(129));
    assert!(warnings_for(&once).is_empty());
}

#[test]
fn client_hints_and_user_agent_warn_that_firefox_and_the_standard_preflight_them() {
    let hints = get().header("Width", "100").header("Save-Data", "on");
    assert!(needs_preflight(&hints).is_none(), "Chromium safelists its client hints");
    let warnings = warnings_for(&hints);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("Width, Save-Data: Chromium sends its own client hints"));
    let agent = get().header("User-Agent", "corpus");
    assert!(needs_preflight(&agent).is_none(), "Chromium drops it");
    assert!(warnings_for(&agent)[0].starts_with("User-Agent: Chromium drops it"));
    // A hint with a value Chromium refuses is preflighted everywhere; same-origin is never judged.
    assert!(warnings_for(&get().header("Width", "1.5")).is_empty());
    let same = RequestSpec::get(PAGE, PAGE, "/").header("Width", "100");
    assert!(warnings_for(&same).is_empty());
}

#[test]
fn chromium_preflights_a_range_position_of_2_pow_63_minus_1_or_more_and_warns() {
    let range = |value: &str| get().header("Range", value);
    for simple in ["bytes=9223372036854775806-", "bytes=0-9223372036854775806", "bytes=007-010"] {
        assert!(needs_preflight(&range(simple)).is_none(), "{simple}");
        assert!(warnings_for(&range(simple)).is_empty(), "{simple}");
    }
    for huge in ["bytes=9223372036854775807-", "bytes=0-9223372036854775807", "bytes=99999999999999999999-"] {
        assert!(needs_preflight(&range(huge)).is_some(), "{huge}");
        let warnings = warnings_for(&range(huge));
        assert!(warnings.iter().any(|w| w.starts_with("Range: Chromium sends a preflight")), "{huge}: {warnings:?}");
    }
    // Not simple anywhere: no warning.
    for refused in ["bytes=99999999999999999999-1", "bytes=5-2", "bytes=-5"] {
        assert!(warnings_for(&range(refused)).is_empty(), "{refused}");
    }
}

#[test]
fn content_type_parameters_ending_in_a_semicolon_warn_that_firefox_preflights() {
    let post = |value: &str| get().method("POST").header("Content-Type", value);
    let firefox = |value: &str| warnings_for(&post(value)).iter().any(|w| w.starts_with("Content-Type: Firefox"));
    for preflighted in ["text/plain;;", "text/plain; ;", "text/plain;x=1;", "text/plain;x=1;;"] {
        assert!(needs_preflight(&post(preflighted)).is_none(), "Chromium: {preflighted}");
        assert!(firefox(preflighted), "{preflighted}");
    }
    for simple in ["text/plain;", "text/plain;;x=1", "text/plain;=1", "text/plain"] {
        assert!(!firefox(simple), "{simple}");
    }
    assert!(!firefox("application/json;;"), "preflighted everywhere");
}
