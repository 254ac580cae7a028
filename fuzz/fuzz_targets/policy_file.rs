//! The policy file parser: never panics, and every error points at a line
//! of the text. A policy it accepts decides every request below without
//! panicking, and grants only with an `Access-Control-Allow-Origin`.
#![no_main]

use f1_race_results::cors::{CorsRequest, Origin, PolicyVerdict};
use f1_race_results::cors::file::{PolicyContext, fixed_env, parse};
use f1_race_results::cors::registry::OriginRegistry;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let page = [Origin::parse("http://localhost:3000").expect("origin")];
    let registry = OriginRegistry::new();
    let env = fixed_env(&[("ALLOWED_ORIGINS", "https://a.example,https://b.example")]);
    let ctx = PolicyContext::new(&page, &registry, &env);
    match parse("fuzz.toml", text, &ctx) {
        Err(e) => assert!(e.line >= 1 && e.line <= text.matches('\n').count() + 1, "{e}"),
        Ok(policy) => {
            for origin in [None, Some("http://localhost:3000"), Some("https://a.example"), Some("null"), Some("x")] {
                for path in ["/cors/results", "/api/v1/users/me", "/", "/a/b"] {
                    for (method, request_method) in [("GET", None), ("POST", None), ("OPTIONS", Some("PUT"))] {
                        let req = CorsRequest { method, path, origin, request_method, ..CorsRequest::default() };
                        let decision = policy.decide(&req);
                        let granted = decision.verdict == PolicyVerdict::Granted;
                        let allowed = decision.header("access-control-allow-origin").is_some();
                        assert_eq!(granted && origin.is_some(), allowed, "{req:?}");
                    }
                }
            }
        }
    }
});
