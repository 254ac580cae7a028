//! Policies: the file parser never panics and always points inside the
//! text; a decision never grants what the policy does not say.

use f1_race_results::cors::file::{PolicyContext, fixed_env, parse};
use f1_race_results::cors::policy::{Block, Headers, Methods, Origins, PathPattern, Policy, Resource};
use f1_race_results::cors::registry::OriginRegistry;
use f1_race_results::cors::request::CorsRequest;
use f1_race_results::cors::{Origin, PolicyVerdict};
use proptest::prelude::*;

/// Lines a policy file is made of, right and wrong, to be shuffled.
const LINES: &[&str] = &[
    "[[allow]]",
    "[[allow.resource]]",
    "[allow]",
    "origins = [\"@page\", \"@registry\"]",
    "origins = [\"*\"]",
    "origins = [\"null\", \"https://a.example:443\"]",
    "origins = [\"localhost:3000\"]",
    "origins = []",
    "origins_env = \"NOPE\"",
    "origin_patterns = [\"^https://a\\\\.example$\"]",
    "origin_patterns = [\"example\"]",
    "origin_patterns = [\"^(unclosed$\"]",
    "origin_patterns_unchecked = [\"x\"]",
    "path = \"/cors/*\"",
    "path = \"*\"",
    "path = \"no-slash\"",
    "path = \"/a/*/b\"",
    "methods = [\"GET\", \"post\"]",
    "methods = \"*\"",
    "methods = \"all\"",
    "headers = \"*\"",
    "headers = [\"Content-Type\", \"bad header\"]",
    "expose = [\"X-Total-Count\"]",
    "credentials = true",
    "credentials = \"yes\"",
    "max_age = 600",
    "max_age = -1",
    "if = { header = \"X-Lab\", equals = \"on\" }",
    "unknown = 1",
    "= broken",
    "\"unterminated",
    "",
    "# a comment",
];

fn policy_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(LINES), 0..24).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #[test]
    fn the_file_parser_never_panics_and_points_inside_the_text(
        text in prop_oneof![policy_text(), any::<String>(), policy_text().prop_map(|t| t + "\n")],
    ) {
        let page = [Origin::parse("http://localhost:3000").expect("origin")];
        let registry = OriginRegistry::new();
        let env = fixed_env(&[]);
        let ctx = PolicyContext::new(&page, &registry, &env);
        if let Err(e) = parse("p.toml", &text, &ctx) {
            let lines = text.matches('\n').count() + 1;
            prop_assert!(e.line >= 1 && e.line <= lines, "line {} of {}: {}", e.line, lines, e);
            let prefix = format!("p.toml:{}: ", e.line);
            prop_assert!(e.to_string().starts_with(&prefix), "{}", e);
        }
    }
}

const ORIGINS: &[&str] =
    &["http://localhost:3000", "https://a.example", "http://127.0.0.1:3000", "https://b.example:8443"];
const PATHS: &[&str] = &["/cors/*", "/api/v1/users/*", "/items/:id", "/exact", "*"];

/// A policy's blocks as plain data: origins (indexes into ORIGINS), `*`,
/// `null`, and resources (path index, methods, headers, credentials).
type BlockSpec = (Vec<usize>, bool, bool, Vec<(usize, bool, bool, bool)>);

fn block(spec: &BlockSpec) -> Block {
    let (exact, any, null, resources) = spec;
    let mut origins =
        Origins::list(1, &exact.iter().map(|i| ORIGINS[i % ORIGINS.len()]).collect::<Vec<_>>()).expect("valid origins");
    origins.any = *any;
    origins.null = *null;
    let resources = resources
        .iter()
        .map(|(path, any_method, any_header, credentials)| Resource {
            path: PathPattern::parse(1, PATHS[path % PATHS.len()]).expect("valid path"),
            methods: if *any_method { Methods::Any } else { Methods::list(&["GET", "POST"]) },
            headers: if *any_header { Headers::Any } else { Headers::list(&["Content-Type"]) },
            expose: vec!["X-Total-Count".to_owned()],
            // `*` with credentials cannot be built; that is tested elsewhere.
            credentials: *credentials && !*any,
            max_age: Some(60),
            condition: None,
        })
        .collect();
    Block { origins, resources }
}

fn block_spec() -> impl Strategy<Value = BlockSpec> {
    let resource = (0usize..5, any::<bool>(), any::<bool>(), any::<bool>());
    (prop::collection::vec(0usize..4, 0..3), any::<bool>(), any::<bool>(), prop::collection::vec(resource, 1..3))
}

/// A request Origin: configured, a near miss, `null`, or anything.
fn request_origin() -> impl Strategy<Value = Option<String>> {
    let configured = prop::sample::select(ORIGINS).prop_map(str::to_owned);
    let near = (prop::sample::select(ORIGINS), any::<char>()).prop_map(|(o, c)| format!("{o}{c}"));
    prop::option::of(prop_oneof![configured, near, Just("null".to_owned()), Just(String::new()), any::<String>()])
}

proptest! {
    #[test]
    fn decisions_grant_only_what_the_policy_says(
        specs in prop::collection::vec(block_spec(), 1..4),
        origin in request_origin(),
        method in prop::sample::select(vec!["GET", "POST", "OPTIONS", "PUT", "DELETE"]),
        path in prop::sample::select(vec!["/cors/results", "/api/v1/users/me", "/items/7", "/exact", "/other", "/"]),
        request_method in prop::option::of(prop::sample::select(vec!["GET", "POST", "PUT", "PATCH"])),
        request_headers in prop::option::of("[a-zA-Z, -]{0,30}"),
    ) {
        let blocks: Vec<Block> = specs.iter().map(block).filter(|b| !b.origins.is_empty()).collect();
        prop_assume!(!blocks.is_empty());
        let policy = Policy::new(blocks).expect("valid by construction");
        let req = CorsRequest {
            method,
            path,
            origin: origin.as_deref(),
            request_method,
            request_headers: request_headers.as_deref(),
            headers: None,
        };
        let decision = policy.decide(&req);
        let header = |name: &str| decision.headers.iter().filter(|(n, _)| n.as_str() == name).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        let allow_origin = header("access-control-allow-origin");
        if decision.verdict != PolicyVerdict::Granted {
            prop_assert!(allow_origin.is_empty(), "{:?} carries {:?}", decision.verdict, allow_origin);
            prop_assert!(header("access-control-allow-credentials").is_empty());
        }
        prop_assert!(allow_origin.len() <= 1);
        match allow_origin.first() {
            Some(&"*") => prop_assert!(header("access-control-allow-credentials").is_empty(), "* with credentials"),
            Some(value) => {
                let sent = origin.as_deref().unwrap_or_default();
                prop_assert_eq!(*value, sent, "not the request's Origin");
                let named = policy.blocks().iter().any(|b| {
                    b.origins.any || b.origins.exact.iter().any(|o| o.as_str() == sent) || (sent == "null" && b.origins.null)
                });
                prop_assert!(named, "{:?} is in no block", sent);
            }
            None => {}
        }
    }
}
