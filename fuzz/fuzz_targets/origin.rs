//! Origin parsing: never panics; a parsed origin's serialization parses to
//! itself; a list admits nothing but its own serializations.
#![no_main]

use f1_race_results::cors::Origin;
use f1_race_results::cors::policy::Origins;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The first line is configured, the rest are request Origin values.
    let mut lines = text.split('\n');
    let configured = lines.next().unwrap_or_default();
    if let Ok(origin) = Origin::parse(configured) {
        assert_eq!(Origin::parse(origin.as_str()).as_ref(), Ok(&origin));
        let list = Origins::list(1, &[configured]).expect("parsed once, parses again");
        assert!(list.admits(origin.as_str()));
        for candidate in lines {
            assert!(!list.admits(candidate) || candidate == origin.as_str(), "{candidate:?}");
        }
    }
});
