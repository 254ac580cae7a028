//! Unit tests, one rule of the Fetch standard (or one Chromium departure
//! from it) per test; the integration corpus checks the whole against
//! Chromium itself.

mod checks;
mod messages;
mod preflight;
mod repeated;
mod safelist;
mod words;

use super::*;

const PAGE: &str = "http://localhost:3000";
const API: &str = "https://localhost:3001";

/// A `fetch` GET from the page origin to the API origin.
fn get() -> RequestSpec {
    RequestSpec::get(PAGE, API, "/cors/results")
}

/// Header lines from literals.
fn h<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    pairs.to_vec()
}

/// A response allowing the page origin, plus `extra`.
fn allowing<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut headers = vec![("Access-Control-Allow-Origin", PAGE)];
    headers.extend_from_slice(extra);
    headers
}
