//! Whole diagnoses: what was sent, what the console says, and the fix.

use super::*;

type Headers<'a> = Vec<(&'a str, &'a str)>;

fn run(spec: &RequestSpec, preflight: Option<(u16, Headers<'_>)>, actual: Headers<'_>) -> BrowserVerdict {
    let preflight = preflight.as_ref().map(|(s, h)| (*s, h.as_slice()));
    diagnose(spec, preflight, Some((200, actual.as_slice())))
}

fn reason(verdict: &BrowserVerdict) -> &str {
    let message = verdict.console_message.as_deref().expect("a console message");
    message.split_once("has been blocked by CORS policy: ").expect("Chromium's prefix").1
}

#[test]
fn a_simple_request_goes_straight_out_and_is_read() {
    let verdict = run(&get(), None, allowing(&[("Content-Type", "text/html")]));
    assert_eq!(verdict.preflight, None);
    assert!(!verdict.preflight_sent && verdict.actual_sent && verdict.readable);
    assert_eq!(verdict.exposed, ["content-type"]);
    assert_eq!((verdict.console_message, verdict.fix), (None, None));
}

#[test]
fn a_refused_simple_request_was_still_sent() {
    let verdict = run(&get(), None, h(&[]));
    assert!(verdict.actual_sent && !verdict.readable);
    assert_eq!(
        verdict.console_message.as_deref(),
        Some(
            "Access to fetch at 'https://localhost:3001/cors/results' from origin \
             'http://localhost:3000' has been blocked by CORS policy: No \
             'Access-Control-Allow-Origin' header is present on the requested resource."
        )
    );
    let fix = verdict.fix.expect("a fix");
    assert!(fix.contains("`Access-Control-Allow-Origin: http://localhost:3000`"), "{fix}");
}

#[test]
fn a_failed_preflight_stops_the_request_and_is_prefixed_as_such() {
    let put = get().method("PUT");
    let verdict = run(&put, Some((404, allowing(&[]))), allowing(&[]));
    assert!(verdict.preflight_sent && !verdict.actual_sent && !verdict.readable);
    assert_eq!(
        reason(&verdict),
        "Response to preflight request doesn't pass access control check: It does not have \
         HTTP ok status."
    );
    let verdict = run(&put, Some((204, allowing(&[]))), allowing(&[]));
    assert_eq!(
        reason(&verdict),
        "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
        "no prefix for the method and header checks"
    );
}

#[test]
fn xhr_messages_name_xmlhttprequest_and_their_own_hints() {
    let xhr = get().kind(RequestKind::Xhr).credentials(CredentialsMode::Include);
    let verdict = run(&xhr, None, h(&[("Access-Control-Allow-Origin", "*")]));
    let message = verdict.console_message.as_deref().expect("refused");
    assert!(message.starts_with("Access to XMLHttpRequest at '"), "{message}");
    assert!(message.ends_with(
        "must not be the wildcard '*' when the request's credentials mode is 'include'. The \
         credentials mode of requests initiated by the XMLHttpRequest is controlled by the \
         withCredentials attribute."
    ));
    let mismatch = |kind| {
        let verdict = run(&get().kind(kind), None, h(&[("Access-Control-Allow-Origin", "null")]));
        reason(&verdict).to_owned()
    };
    assert!(mismatch(RequestKind::Fetch).ends_with(
        "'null' that is not equal to the supplied origin. Have the server send the header with \
         a valid value."
    ));
    assert!(mismatch(RequestKind::Xhr).ends_with("not equal to the supplied origin."));
}

#[test]
fn every_failure_has_a_one_sentence_fix_naming_what_to_send() {
    let put = get().method("patch").header("X-A", "1");
    let cases = [
        (Some((302, allowing(&[("Location", "/x")]))), "redirecting"),
        (Some((204, h(&[("Access-Control-Allow-Origin", "*, *")]))), "exactly one origin"),
        (Some((500, allowing(&[]))), "2xx"),
        (Some((204, allowing(&[("Access-Control-Allow-Methods", "a b")]))), "comma-separated"),
        (Some((204, allowing(&[]))), "have the page send `PATCH`"),
    ];
    for (preflight, expected) in cases {
        let verdict = run(&put, preflight, allowing(&[]));
        let fix = verdict.fix.expect("refused");
        assert!(fix.contains(expected), "{fix}");
        assert!(fix.ends_with('.') && !fix.contains(". "), "one sentence: {fix}");
    }
}

#[test]
fn fixes_never_advise_allowing_null_and_say_why_a_safelisted_name_was_refused() {
    let sandboxed = RequestSpec::get("null", API, "/x");
    let fix = run(&sandboxed, None, h(&[])).fix.expect("refused");
    assert!(fix.contains("serve the page from a real origin"), "{fix}");
    let long = get().header("Accept", &"a".repeat(129));
    let fix = run(&long, Some((204, allowing(&[]))), allowing(&[])).fix.expect("refused");
    assert!(fix.starts_with("Add `accept` to `Access-Control-Allow-Headers`"), "{fix}");
    assert!(fix.contains("too long or unusual"), "{fix}");
    let empty = h(&[("Access-Control-Allow-Origin", "")]);
    let fix = run(&get(), None, empty).fix.expect("refused");
    assert!(fix.ends_with("instead of an empty value."), "{fix}");
}

#[test]
fn an_unanswered_request_fails_without_a_cors_message() {
    let put = get().method("PUT");
    let verdict = diagnose::<&str, &str>(&put, None, None);
    assert!(verdict.preflight_sent && !verdict.actual_sent && !verdict.readable);
    assert_eq!(verdict.console_message, None);
    assert!(verdict.fix.expect("a hint").starts_with("Nothing answered the preflight"));
}

#[test]
fn authorization_under_a_star_passes_with_a_warning() {
    let spec = get().header("Authorization", "Bearer t");
    let star = allowing(&[("Access-Control-Allow-Headers", "*")]);
    let verdict = run(&spec, Some((204, star)), allowing(&[]));
    assert!(verdict.readable);
    assert_eq!(verdict.warnings.len(), 1);
    assert!(verdict.warnings[0].contains("name Authorization"));
}

#[test]
fn a_preflight_answer_is_ignored_when_none_was_needed() {
    let verdict = run(&get(), Some((500, h(&[]))), allowing(&[]));
    assert!(verdict.readable && !verdict.preflight_sent);
}

/// Run with `cargo test --release --lib -- --ignored diagnosis_is_fast`.
#[test]
#[ignore = "a timing check, meaningful only in release builds"]
fn diagnosis_is_fast() {
    let simple = get();
    let json_put = get().method("PUT").header("Content-Type", "application/json");
    let preflight = allowing(&[
        ("Access-Control-Allow-Methods", "GET, POST, PUT"),
        ("Access-Control-Allow-Headers", "Content-Type"),
        ("Access-Control-Max-Age", "600"),
    ]);
    let actual = allowing(&[("Content-Type", "application/json"), ("Content-Length", "42")]);
    for spec in [json_put, simple] {
        let rounds = 100_000;
        let start = std::time::Instant::now();
        for _ in 0..rounds {
            let verdict = diagnose(
                std::hint::black_box(&spec),
                Some((204, preflight.as_slice())),
                Some((200, actual.as_slice())),
            );
            assert!(verdict.readable);
        }
        let each = start.elapsed() / rounds;
        eprintln!("one diagnosis of {} {}: {each:?}", spec.method, spec.path);
        assert!(each < std::time::Duration::from_micros(1), "{each:?}");
    }
}
