//! Which requests need a preflight, and what it asks for.

use super::*;

fn preflight_headers(spec: &RequestSpec) -> Vec<String> {
    needs_preflight(spec).map(|r| r.headers).unwrap_or_default()
}

fn needs(name: &str, value: &str) -> bool {
    needs_preflight(&get().header(name, value)).is_some()
}

#[test]
fn get_head_and_post_need_no_preflight_other_methods_do() {
    for method in ["GET", "HEAD", "POST", "get", "post"] {
        assert_eq!(needs_preflight(&get().method(method)), None, "{method}");
    }
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "FOO"] {
        let reason = needs_preflight(&get().method(method)).expect(method);
        assert_eq!(reason.method.as_deref(), Some(method));
        assert_eq!(reason.request_headers(), None);
    }
}

#[test]
fn only_the_six_standard_methods_are_upper_cased() {
    assert_eq!(get().method("put").wire_method(), "PUT");
    assert_eq!(get().method("dElEtE").wire_method(), "DELETE");
    assert_eq!(get().method("patch").wire_method(), "patch");
    let reason = needs_preflight(&get().method("patch")).expect("patch is not safelisted");
    assert_eq!(reason.method.as_deref(), Some("patch"));
}

#[test]
fn same_origin_requests_never_need_a_preflight_but_null_is_never_same_origin() {
    let same = RequestSpec::get(API, API, "/x").method("PUT");
    assert_eq!(needs_preflight(&same), None);
    let opaque = RequestSpec::get("null", API, "/x");
    assert!(opaque.is_cross_origin());
    assert!(needs_preflight(&opaque.method("PUT")).is_some());
}

#[test]
fn the_three_form_content_types_are_safelisted_with_any_parameters_and_case() {
    for value in [
        "text/plain",
        "TEXT/Plain",
        "text/plain;charset=UTF-8",
        " text/plain ; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
    ] {
        assert!(!needs("Content-Type", value), "{value}");
    }
}

#[test]
fn other_or_unparsable_content_types_need_a_preflight() {
    for value in [
        "application/json",
        "text/html",
        "text/plain; charset=\"utf-8\"",
        "text/plain, application/json",
        "text/",
        "/plain",
        "text plain",
        "",
    ] {
        assert!(needs("Content-Type", value), "{value:?}");
    }
}

#[test]
fn accept_may_hold_anything_but_the_unsafe_bytes() {
    assert!(!needs("Accept", "application/json, text/*;q=0.5"));
    for bad in ["\"", "(", ")", ":", "<", ">", "?", "@", "[", "\\", "]", "{", "}", "\x7f", "\x01"] {
        assert!(needs("Accept", &format!("text/html{bad}")), "{bad:?}");
    }
    assert!(!needs("Accept", "text/html\tx"), "a tab is fine");
}

#[test]
fn languages_allow_only_letters_digits_and_a_few_marks() {
    for name in ["Accept-Language", "Content-Language"] {
        assert!(!needs(name, "en-US,en;q=0.9, de *"), "{name}");
        assert!(needs(name, "de_DE"), "{name} underscore");
        assert!(needs(name, "de/DE"), "{name} slash");
    }
}

#[test]
fn values_over_128_bytes_are_never_safelisted() {
    assert!(!needs("Accept", &"a".repeat(128)));
    assert!(needs("Accept", &"a".repeat(129)));
    assert!(needs("Content-Language", &"a".repeat(129)));
}

#[test]
fn only_a_single_bytes_range_with_a_start_is_simple() {
    for simple in ["bytes=0-99", "bytes=0-", "bytes=5-5"] {
        assert!(!needs("Range", simple), "{simple}");
    }
    for not_simple in [
        "bytes=-500",
        "bytes=0-1,5-6",
        "Bytes=0-1",
        "bytes=5-2",
        "bytes = 0-1",
        "bytes=0 -1",
        "items=0-1",
        "bytes=a-1",
        "bytes=",
    ] {
        assert!(needs_preflight(&get().header("Range", not_simple)).is_some(), "{not_simple}");
    }
}

#[test]
fn request_headers_are_lower_cased_sorted_and_listed_once() {
    let spec = get().header("X-B", "1").header("x-a", "1").header("X-A", "2").header("Accept", "text/html");
    assert_eq!(preflight_headers(&spec), ["x-a", "x-b"]);
    let reason = needs_preflight(&spec).expect("custom headers");
    assert_eq!(reason.request_headers().as_deref(), Some("x-a,x-b"));
    assert_eq!(reason.method, None);
}

#[test]
fn a_header_set_twice_is_judged_by_its_joined_value() {
    let twice = get().header("Accept", &"a".repeat(100)).header("accept", &"b".repeat(30));
    assert_eq!(preflight_headers(&twice), ["accept"], "132 bytes joined");
    let once = get().header("Accept", &"a".repeat(100));
    assert_eq!(preflight_headers(&once), Vec::<String>::new());
}

#[test]
fn authorization_always_needs_a_preflight() {
    assert_eq!(preflight_headers(&get().header("Authorization", "Bearer t")), ["authorization"]);
}

#[test]
fn forbidden_headers_never_reach_the_wire_so_never_count() {
    for (name, value) in [
        ("Origin", "http://evil.example"),
        ("Cookie", "a=b"),
        ("Host", "example.com"),
        ("Sec-Fetch-Mode", "cors"),
        ("Proxy-Authorization", "x"),
        ("User-Agent", "bot"),
        ("X-HTTP-Method-Override", "put, TRACE"),
    ] {
        assert!(!needs(name, value), "{name}");
    }
    assert!(needs("X-HTTP-Method-Override", "PUT"));
}

#[test]
fn chromium_also_safelists_its_legacy_client_hints_with_their_value_rules() {
    for (name, value) in [
        ("Width", "100"),
        ("Viewport-Width", "1280"),
        ("RTT", "50"),
        ("DPR", "1.5"),
        ("Device-Memory", "8"),
        ("Downlink", "10.0"),
        ("ECT", "slow-2g"),
        ("Save-Data", "ON"),
        ("Intervention", "<https://example.com>"),
    ] {
        assert!(!needs(name, value), "{name}: {value}");
    }
    for (name, value) in [
        ("Width", "1.5"),
        ("DPR", "1."),
        ("DPR", ".5"),
        ("DPR", "1.5.1"),
        ("ECT", "4G"),
        ("Save-Data", "off"),
        ("Width", ""),
    ] {
        assert!(needs(name, value), "{name}: {value}");
    }
}
