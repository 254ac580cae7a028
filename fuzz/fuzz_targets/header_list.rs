//! `Access-Control-Request-Headers` parsing: never panics; what it accepts
//! is a list of non-empty lower-case tokens that parses to itself again.
#![no_main]

use f1_race_results::cors::header_list::parse_header_list;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(names) = parse_header_list(text) {
        for name in &names {
            assert!(!name.is_empty() && !name.bytes().any(|b| b.is_ascii_uppercase() || b.is_ascii_whitespace()));
        }
        assert_eq!(parse_header_list(&names.join(", ")), Some(names));
    }
});
