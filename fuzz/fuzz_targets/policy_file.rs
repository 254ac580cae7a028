//! The policy file parser: never panics, and every error points at a line
//! of the text.
#![no_main]

use f1_race_results::cors::Origin;
use f1_race_results::cors::file::{PolicyContext, fixed_env, parse};
use f1_race_results::cors::registry::OriginRegistry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let page = [Origin::parse("http://localhost:3000").expect("origin")];
    let registry = OriginRegistry::new();
    let env = fixed_env(&[("ALLOWED_ORIGINS", "https://a.example,https://b.example")]);
    let ctx = PolicyContext::new(&page, &registry, &env);
    if let Err(e) = parse("fuzz.toml", text, &ctx) {
        assert!(e.line >= 1 && e.line <= text.matches('\n').count() + 1, "{e}");
    }
});
