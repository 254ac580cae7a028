//! Each browser's words for the same failures: Chromium's `corsError` codes
//! and Firefox's sentences and reason keys (the corpus checks them against
//! the real browsers; these pin the cases that differ most).

use super::*;

/// Firefox's whole line for the request to `/cors/results`, given the rest
/// after "(Reason: ".
fn firefox_line(reason: &str) -> String {
    format!(
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at \
         https://localhost:3001/cors/results. (Reason: {reason}"
    )
}

fn words(verdict: &BrowserVerdict) -> (&ConsoleWords, &ConsoleWords) {
    (verdict.chromium.as_ref().expect("Chromium's words"), verdict.firefox.as_ref().expect("Firefox's words"))
}

#[test]
fn a_missing_origin_names_the_status_in_firefox_and_the_preflight_in_chromiums_code() {
    let verdict = diagnose(&get(), None, Some((200, h(&[]).as_slice())));
    let (chromium, firefox) = words(&verdict);
    assert_eq!(chromium.code, "MissingAllowOriginHeader");
    assert_eq!(Some(&chromium.message), verdict.console_message.as_ref());
    assert_eq!(firefox.code, "CORSMissingAllowOrigin2");
    assert_eq!(firefox.message, firefox_line("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."));
    let put = get().method("PUT");
    let verdict = diagnose(&put, Some((404, h(&[]).as_slice())), None::<(u16, &[(&str, &str)])>);
    let (chromium, firefox) = words(&verdict);
    assert_eq!(chromium.code, "PreflightMissingAllowOriginHeader");
    assert!(firefox.message.ends_with("Status code: 404."), "{}", firefox.message);
}

#[test]
fn firefox_says_does_not_match_for_every_wrong_origin_and_quotes_the_url_for_a_star() {
    for value in ["http://localhost:3000, https://api.example", "http://localhost:3000/", "nonsense"] {
        let verdict = diagnose(&get(), None, Some((200, h(&[("Access-Control-Allow-Origin", value)]).as_slice())));
        let (_, firefox) = words(&verdict);
        assert_eq!(firefox.code, "CORSAllowOriginNotMatchingOrigin");
        assert_eq!(
            firefox.message,
            firefox_line(&format!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{value}’)."))
        );
    }
    let with = get().credentials(CredentialsMode::Include);
    let verdict = diagnose(&with, None, Some((200, h(&[("Access-Control-Allow-Origin", "*")]).as_slice())));
    let (chromium, firefox) = words(&verdict);
    assert_eq!((chromium.code, firefox.code), ("WildcardOriginNotAllowed", "CORSNotSupportingCredentials"));
    assert!(firefox.message.contains("at ‘https://localhost:3001/cors/results’. (Reason: Credential"));
}

#[test]
fn preflight_failures_have_their_own_codes_in_each_browser() {
    let spec = get().method("PUT").header("X-A", "1");
    // The preflight's headers, Chromium's code, Firefox's code, and Firefox's words.
    type Case = (Vec<(&'static str, &'static str)>, &'static str, &'static str, &'static str);
    let cases: [Case; 4] = [
        (allowing(&[]), "MethodDisallowedByPreflightResponse", "CORSMethodNotFound", "Did not find method"),
        (
            allowing(&[("Access-Control-Allow-Methods", "PUT")]),
            "HeaderDisallowedByPreflightResponse",
            "CORSMissingAllowHeaderFromPreflight2",
            "header ‘x-a’ is not allowed",
        ),
        (
            allowing(&[("Access-Control-Allow-Methods", "GET, P U T")]),
            "InvalidAllowMethodsPreflightResponse",
            "CORSInvalidAllowMethod",
            "invalid token ‘P U T’",
        ),
        // Firefox judges the method before it reads the headers; Chromium parses both first.
        (
            allowing(&[("Access-Control-Allow-Headers", "X A")]),
            "InvalidAllowHeadersPreflightResponse",
            "CORSMethodNotFound",
            "Did not find method",
        ),
    ];
    for (preflight, chromium_code, firefox_code, firefox_says) in cases {
        let verdict = diagnose(&spec, Some((204, preflight.as_slice())), None::<(u16, &[(&str, &str)])>);
        let (chromium, firefox) = words(&verdict);
        assert_eq!((chromium.code, firefox.code), (chromium_code, firefox_code));
        assert!(firefox.message.contains(firefox_says), "{}", firefox.message);
    }
    let verdict = diagnose(&spec, Some((500, allowing(&[]).as_slice())), None::<(u16, &[(&str, &str)])>);
    let (chromium, firefox) = words(&verdict);
    assert_eq!((chromium.code, firefox.code), ("PreflightInvalidStatus", "CORSPreflightDidNotSucceed3"));
    assert!(firefox.message.ends_with("(Reason: CORS preflight response did not succeed). Status code: 500."));
}

#[test]
fn a_readable_response_has_no_words_in_either_browser() {
    let verdict = diagnose(&get(), None, Some((200, allowing(&[]).as_slice())));
    assert_eq!((verdict.chromium, verdict.firefox), (None, None));
}

#[test]
fn firefox_checks_a_redirected_preflights_origin_before_the_redirect() {
    let put = get().method("PUT");
    let redirect = |headers: Vec<(&'static str, &'static str)>| {
        let verdict = diagnose(&put, Some((302, headers.as_slice())), None::<(u16, &[(&str, &str)])>);
        words(&verdict).1.clone()
    };
    let firefox = redirect(allowing(&[("Location", "/elsewhere")]));
    assert_eq!(firefox.code, "CORSExternalRedirectNotAllowed");
    assert_eq!(firefox.message, firefox_line("CORS request external redirect not allowed)."));
    let firefox = redirect(h(&[("Location", "/elsewhere")]));
    assert_eq!(firefox.code, "CORSMissingAllowOrigin2");
    assert!(firefox.message.ends_with("Status code: 302."), "{}", firefox.message);
}

#[test]
fn what_firefox_sends_otherwise_is_a_warning() {
    let verdict = diagnose(&get().header("Width", "100"), None, Some((200, allowing(&[]).as_slice())));
    assert!(verdict.readable && verdict.preflight.is_none(), "Chromium safelists Width");
    assert_eq!(verdict.warnings.len(), 1);
    assert!(verdict.warnings[0].contains("Firefox and the Fetch"), "{:?}", verdict.warnings);
    let verdict = diagnose(&get().header("User-Agent", "x"), None, Some((200, allowing(&[]).as_slice())));
    assert!(verdict.warnings[0].starts_with("User-Agent: Chromium drops it"), "{:?}", verdict.warnings);
    let verdict = diagnose(&get().header("Accept", "text/html"), None, Some((200, allowing(&[]).as_slice())));
    assert!(verdict.warnings.is_empty());
}
