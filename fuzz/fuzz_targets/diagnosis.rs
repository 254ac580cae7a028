//! The browser model: never panics on any request and any answers, and its
//! verdict holds together.
//!
//! Input, one item a line: method, page origin, then request headers as
//! `name: value` until an empty line, then the preflight answer (a status
//! line, then headers, until an empty line), then the actual answer.
#![no_main]

use f1_race_results::diagnosis::{CredentialsMode, RequestSpec, diagnose};
use libfuzzer_sys::fuzz_target;

type Headers = Vec<(String, String)>;

fn headers<'a>(lines: &mut impl Iterator<Item = &'a str>) -> Headers {
    lines.take_while(|l| !l.is_empty()).filter_map(|l| l.split_once(':')).map(|(n, v)| (n.to_owned(), v.to_owned())).collect()
}

fn answer<'a>(lines: &mut impl Iterator<Item = &'a str>) -> Option<(u16, Headers)> {
    let status = lines.next()?.trim().parse().ok()?;
    Some((status, headers(lines)))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut lines = text.split('\n');
    let method = lines.next().unwrap_or("GET");
    let page = lines.next().unwrap_or("http://localhost:3000");
    let mut spec = RequestSpec::get(page, "https://localhost:3001", "/cors/results").method(method);
    for (name, value) in headers(&mut lines) {
        spec = spec.header(&name, &value);
    }
    if data.first().is_some_and(|b| b % 2 == 0) {
        spec = spec.credentials(CredentialsMode::Include);
    }
    let preflight = answer(&mut lines);
    let actual = answer(&mut lines);
    let verdict = diagnose(
        &spec,
        preflight.as_ref().map(|(s, h)| (*s, h.as_slice())),
        actual.as_ref().map(|(s, h)| (*s, h.as_slice())),
    );
    assert!(!(verdict.readable && verdict.failure.is_some()), "{verdict:?}");
    assert!(!verdict.readable || verdict.actual_sent, "{verdict:?}");
});
