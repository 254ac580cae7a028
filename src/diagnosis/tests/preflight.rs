//! Reading a preflight: its order of checks, the allow lists, the cache time.

use super::*;

fn error_of<T: std::fmt::Debug>(result: Result<T, Failure>) -> CorsError {
    result.expect_err("refused").error
}

fn with_credentials() -> RequestSpec {
    get().credentials(CredentialsMode::Include)
}

#[test]
fn a_preflight_is_judged_redirect_then_origin_then_status() {
    let put = get().method("PUT");
    let moved = allowing(&[("Location", "/elsewhere")]);
    let redirect = check_preflight_response(&put, 302, &moved).expect_err("redirect");
    assert_eq!((redirect.on_preflight, redirect.error), (true, CorsError::PreflightRedirect));
    assert_eq!(error_of(check_preflight_response(&put, 404, &h(&[]))), CorsError::MissingAllowOrigin);
    let allowed = allowing(&[("Access-Control-Allow-Methods", "PUT")]);
    for status in [199, 302, 304, 404, 500] {
        assert_eq!(
            error_of(check_preflight_response(&put, status, &allowed)),
            CorsError::PreflightInvalidStatus(status)
        );
    }
    for status in [200, 204, 299] {
        assert!(check_preflight_response(&put, status, &allowed).is_ok(), "{status}");
    }
}

#[test]
fn allowed_methods_compare_case_sensitively_and_star_needs_no_credentials() {
    let allow = |methods| allowing(&[("Access-Control-Allow-Methods", methods)]);
    let method = |m: &str| get().method(m);
    assert!(check_preflight_response(&method("PUT"), 204, &allow("GET, PUT")).is_ok());
    assert!(check_preflight_response(&method("put"), 204, &allow("PUT")).is_ok(), "normalized");
    assert!(check_preflight_response(&method("patch"), 204, &allow("patch")).is_ok());
    for (m, list) in [("patch", "PATCH"), ("PUT", "put"), ("DELETE", "GET, POST")] {
        assert_eq!(
            error_of(check_preflight_response(&method(m), 204, &allow(list))),
            CorsError::MethodNotAllowed(get().method(m).wire_method().to_owned())
        );
    }
    assert!(check_preflight_response(&method("PUT"), 204, &allow("*")).is_ok());
    let credentialed = allowing(&[("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Methods", "*")]);
    let put = with_credentials().method("PUT");
    assert_eq!(
        error_of(check_preflight_response(&put, 204, &credentialed)),
        CorsError::MethodNotAllowed("PUT".to_owned())
    );
    let post = get().method("POST").header("X-A", "1");
    assert!(check_preflight_response(&post, 204, &allowing(&[("Access-Control-Allow-Headers", "x-a")])).is_ok());
}

#[test]
fn allow_lists_must_be_comma_separated_tokens_empty_items_aside() {
    let put = get().method("PUT");
    let methods = |v| allowing(&[("Access-Control-Allow-Methods", v)]);
    assert!(check_preflight_response(&put, 204, &methods(", PUT,,")).is_ok());
    assert_eq!(error_of(check_preflight_response(&put, 204, &methods("PUT DELETE"))), CorsError::InvalidAllowMethods);
    let custom = get().header("X-A", "1");
    let headers = |v| allowing(&[("Access-Control-Allow-Headers", v)]);
    assert_eq!(error_of(check_preflight_response(&custom, 204, &headers("X-A;"))), CorsError::InvalidAllowHeaders);
}

#[test]
fn allowed_headers_compare_case_insensitively_first_refusal_in_sorted_order() {
    let spec = get().header("X-B", "1").header("X-A", "1");
    let allow = |v| allowing(&[("Access-Control-Allow-Headers", v)]);
    assert!(check_preflight_response(&spec, 204, &allow("x-a, X-B")).is_ok());
    assert_eq!(
        error_of(check_preflight_response(&spec, 204, &allow(""))),
        CorsError::HeaderNotAllowed("x-a".to_owned())
    );
    assert_eq!(
        error_of(check_preflight_response(&spec, 204, &allow("X-A"))),
        CorsError::HeaderNotAllowed("x-b".to_owned())
    );
    assert!(check_preflight_response(&spec, 204, &allow("*")).is_ok());
    let credentialed = with_credentials().header("X-A", "1");
    let star = allowing(&[("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Headers", "*")]);
    assert_eq!(
        error_of(check_preflight_response(&credentialed, 204, &star)),
        CorsError::HeaderNotAllowed("x-a".to_owned())
    );
}

#[test]
fn chromium_lets_star_cover_authorization_and_the_grant_says_so() {
    let spec = get().header("Authorization", "Bearer t");
    let star = allowing(&[("Access-Control-Allow-Headers", "*")]);
    let grant = check_preflight_response(&spec, 204, &star).expect("Chromium 156 allows it");
    assert!(grant.authorization_by_wildcard);
    let named = allowing(&[("Access-Control-Allow-Headers", "*, authorization")]);
    let grant = check_preflight_response(&spec, 204, &named).expect("named");
    assert!(!grant.authorization_by_wildcard);
}

#[test]
fn max_age_is_capped_negative_means_none_and_garbage_means_the_default() {
    let put = get().method("PUT");
    let seconds = |max_age: Option<&str>| {
        let mut headers = allowing(&[("Access-Control-Allow-Methods", "PUT")]);
        headers.extend(max_age.map(|v| ("Access-Control-Max-Age", v)));
        check_preflight_response(&put, 204, &headers).expect("granted").cache_seconds
    };
    assert_eq!(seconds(None), DEFAULT_MAX_AGE);
    assert_eq!(seconds(Some("600")), 600);
    assert_eq!(seconds(Some("0")), 0);
    assert_eq!(seconds(Some("86400")), MAX_MAX_AGE);
    assert_eq!(seconds(Some("-1")), 0);
    assert_eq!(seconds(Some("ten")), DEFAULT_MAX_AGE);
    assert_eq!(seconds(Some("99999999999999999999")), DEFAULT_MAX_AGE);
}
