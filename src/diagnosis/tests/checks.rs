//! The CORS check on origin and credentials, and the exposed headers.

use super::*;

const ACAO: &str = "Access-Control-Allow-Origin";

fn error_of<T: std::fmt::Debug>(result: Result<T, Failure>) -> CorsError {
    result.expect_err("refused").error
}

fn with_credentials() -> RequestSpec {
    get().credentials(CredentialsMode::Include)
}

#[test]
fn allow_origin_must_be_the_origin_byte_for_byte_or_a_lone_star() {
    assert!(check_response(&get(), &allowing(&[])).is_ok());
    assert!(check_response(&get(), &h(&[(ACAO, "*")])).is_ok());
    let refused = |value: &str| error_of(check_response(&get(), &h(&[(ACAO, value)])));
    let owned = |v: &str| v.to_owned();
    assert_eq!(refused("http://localhost:3000/"), CorsError::AllowOriginMismatch(owned("http://localhost:3000/")));
    assert_eq!(refused("HTTP://LOCALHOST:3000"), CorsError::AllowOriginMismatch(owned("HTTP://LOCALHOST:3000")));
    assert_eq!(refused("http://localhost:3001"), CorsError::AllowOriginMismatch(owned("http://localhost:3001")));
    assert_eq!(refused("null"), CorsError::AllowOriginMismatch(owned("null")));
    assert_eq!(refused("*.example.com"), CorsError::InvalidAllowOriginValue(owned("*.example.com")));
    assert_eq!(refused(""), CorsError::InvalidAllowOriginValue(owned("")));
    assert_eq!(
        refused("localhost:3000"),
        CorsError::AllowOriginMismatch(owned("localhost:3000")),
        "a URL with the scheme 'localhost', to Chromium"
    );
    assert_eq!(error_of(check_response(&get(), &h(&[]))), CorsError::MissingAllowOrigin);
}

#[test]
fn several_origins_are_refused_whether_in_one_line_or_several() {
    let two_lines = h(&[(ACAO, PAGE), (ACAO, "*")]);
    assert_eq!(
        error_of(check_response(&get(), &two_lines)),
        CorsError::MultipleAllowOriginValues(format!("{PAGE}, *"))
    );
    let spaced = format!("{PAGE} http://other.example");
    assert_eq!(
        error_of(check_response(&get(), &h(&[(ACAO, &spaced)]))),
        CorsError::MultipleAllowOriginValues(spaced.clone())
    );
}

#[test]
fn null_matches_only_an_opaque_origin() {
    let sandboxed = RequestSpec::get("null", API, "/x");
    assert!(check_response(&sandboxed, &h(&[(ACAO, "null")])).is_ok());
    assert!(check_response(&sandboxed, &allowing(&[])).is_err());
}

#[test]
fn credentials_need_a_named_origin_and_allow_credentials_exactly_true() {
    let star = h(&[(ACAO, "*"), ("Access-Control-Allow-Credentials", "true")]);
    assert_eq!(error_of(check_response(&with_credentials(), &star)), CorsError::WildcardOriginWithCredentials);
    for (value, shown) in [(None, ""), (Some("True"), "True"), (Some("false"), "false")] {
        let headers = match value {
            Some(v) => allowing(&[("Access-Control-Allow-Credentials", v)]),
            None => allowing(&[]),
        };
        assert_eq!(
            error_of(check_response(&with_credentials(), &headers)),
            CorsError::InvalidAllowCredentials(shown.to_owned())
        );
        assert!(check_response(&get(), &headers).is_ok(), "ignored without credentials");
    }
    let good = allowing(&[("Access-Control-Allow-Credentials", "true")]);
    assert!(check_response(&with_credentials(), &good).is_ok());
}

#[test]
fn scripts_read_safelisted_and_exposed_headers_never_set_cookie() {
    let response = |expose: &'static str| {
        let mut headers = allowing(&[
            ("Content-Type", "text/plain"),
            ("X-Custom", "c"),
            ("x-custom", "again"),
            ("Set-Cookie", "a=b"),
        ]);
        if !expose.is_empty() {
            headers.push(("Access-Control-Expose-Headers", expose));
        }
        headers
    };
    let exposed = |spec: &RequestSpec, expose| check_response(spec, &response(expose)).expect("readable").exposed;
    assert_eq!(exposed(&get(), ""), ["content-type"]);
    assert_eq!(exposed(&get(), "x-CUSTOM"), ["content-type", "x-custom"]);
    assert_eq!(exposed(&get(), "X-Custom, bad value"), ["content-type"]);
    assert_eq!(
        exposed(&get(), "*, Set-Cookie"),
        ["access-control-allow-origin", "content-type", "x-custom", "access-control-expose-headers"]
    );
    let credentialed = with_credentials();
    let with_acac = |expose: &'static str| {
        let mut headers = response(expose);
        headers.push(("Access-Control-Allow-Credentials", "true"));
        check_response(&credentialed, &headers).expect("readable").exposed
    };
    assert_eq!(with_acac("*"), ["content-type"]);
    assert_eq!(with_acac("*, X-Custom"), ["content-type", "x-custom"]);
}

#[test]
fn an_empty_line_next_to_a_good_one_is_refused_with_a_firefox_warning() {
    let firefox_warned = |spec: &RequestSpec, preflight: &[(&str, &str)], actual: &[(&str, &str)]| {
        let verdict = diagnose(spec, Some((204, preflight)), Some((200, actual)));
        let warned = verdict.warnings.iter().any(|w| w.starts_with("Firefox ignores an empty"));
        // Firefox reads it: no Firefox console words, only Chromium's.
        assert_eq!(verdict.firefox.is_none(), warned, "{verdict:?}");
        assert!(verdict.chromium.is_some(), "{verdict:?}");
        (verdict.readable, warned)
    };
    let empty_first = h(&[(ACAO, ""), (ACAO, PAGE)]);
    assert_eq!(firefox_warned(&get(), &[], &empty_first), (false, true), "Chromium joins ', origin'");
    assert_eq!(firefox_warned(&get(), &[], &h(&[(ACAO, PAGE), (ACAO, " ")])), (false, true));
    let acac =
        h(&[(ACAO, PAGE), ("Access-Control-Allow-Credentials", ""), ("Access-Control-Allow-Credentials", "true")]);
    assert_eq!(firefox_warned(&with_credentials(), &[], &acac), (false, true));
    let put = get().method("PUT");
    let preflight = h(&[(ACAO, ""), (ACAO, PAGE), ("Access-Control-Allow-Methods", "PUT")]);
    assert_eq!(firefox_warned(&put, &preflight, &allowing(&[])), (false, true));
    // No warning where Firefox refuses too: a lone empty line, or another fault.
    assert_eq!(firefox_warned(&get(), &[], &h(&[(ACAO, "")])), (false, false));
    assert_eq!(firefox_warned(&get(), &[], &h(&[(ACAO, ""), (ACAO, "http://other.example")])), (false, false));
    assert_eq!(firefox_warned(&put, &h(&[(ACAO, ""), (ACAO, PAGE)]), &allowing(&[])), (false, false));
}

#[test]
fn an_unclosed_ipv6_origin_is_an_invalid_value_a_closed_one_a_mismatch() {
    let refused = |value: &str| error_of(check_response(&get(), &h(&[(ACAO, value)])));
    assert_eq!(refused("http://[::1"), CorsError::InvalidAllowOriginValue("http://[::1".to_owned()));
    assert_eq!(refused("http://[::1]:3000"), CorsError::AllowOriginMismatch("http://[::1]:3000".to_owned()));
    assert_eq!(refused("http://[::1]x"), CorsError::InvalidAllowOriginValue("http://[::1]x".to_owned()));
}

#[test]
fn hosts_gurl_refuses_make_an_invalid_value() {
    let invalid = |value: &str| {
        matches!(error_of(check_response(&get(), &h(&[(ACAO, value)]))), CorsError::InvalidAllowOriginValue(_))
    };
    for bad in
        ["http://127.0.0.1:3000:1", "http://exa%zzmple.com", "http://256.0.0.1", "http://:80", "http://1.2.3.4.5"]
    {
        assert!(invalid(bad), "{bad}");
    }
    for good in
        ["http://127.1:3000", "http://exa%41mple.com", "http://255.255.255.255", "http://a.b.", "http://10.0.0.1."]
    {
        assert!(!invalid(good), "{good}");
    }
}
