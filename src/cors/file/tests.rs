use super::*;
use crate::cors::registry::OriginRegistry;

fn page() -> Vec<Origin> {
    ["http://localhost:3000", "http://127.0.0.1:3000"].iter().map(|o| Origin::parse(o).expect("origin")).collect()
}

fn load(text: &str) -> Result<Policy, PolicyFileError> {
    load_env(text, &[])
}

fn load_env(text: &str, vars: &[(&str, &str)]) -> Result<Policy, PolicyFileError> {
    let registry = OriginRegistry::new();
    let env = fixed_env(vars);
    let page = page();
    parse("test.toml", text, &PolicyContext::new(&page, &registry, &env))
}

fn err(text: &str) -> PolicyFileError {
    load(text).expect_err("the file must be refused")
}

#[test]
fn the_shipped_default_policy_loads() {
    let text = include_str!("../../../policies/default.toml");
    let policy = load(text).expect("the default policy is valid");
    assert_eq!(policy.blocks().len(), 2);
    let page_block = &policy.blocks()[1];
    assert!(page_block.origins.admits("http://localhost:3000"));
    assert!(page_block.origins.registry.is_some());
    assert_eq!(page_block.resources.len(), 4);
    let admin = &page_block.resources[2];
    assert_eq!(admin.headers, Headers::list(&["authorization", "content-type"]));
    assert_eq!((admin.credentials, admin.max_age), (true, Some(0)));
    // The playground's echo: never a cached preflight, so each request shows its own.
    let playground = &page_block.resources[3];
    assert_eq!((playground.credentials, playground.max_age), (true, Some(0)));
}

#[test]
fn every_option_is_read() {
    let policy = load(
        r#"
[[allow]]
origins = ["https://a.example", "null"]
origin_patterns = ['^https://([a-z0-9-]+\.)?b\.example$']
  [[allow.resource]]
  path = "/items/:id"
  methods = "*"
  headers = ["X-Api-Key"]
  expose = ["X-Total-Count"]
  credentials = true
  max_age = 86400
  if = { header = "X-Lab", equals = "on" }
"#,
    )
    .expect("valid");
    let block = &policy.blocks()[0];
    assert!(block.origins.admits("https://a.example") && block.origins.admits("null"));
    assert!(block.origins.admits("https://x.b.example") && !block.origins.admits("https://b.example.evil"));
    let r = &block.resources[0];
    assert!(r.path.matches("/items/7"));
    assert_eq!(r.methods, Methods::Any);
    assert_eq!(r.headers, Headers::list(&["x-api-key"]));
    assert_eq!(r.expose, vec!["X-Total-Count".to_owned()]);
    assert_eq!((r.credentials, r.max_age), (true, Some(86400)));
    assert_eq!(r.condition, Some(Condition::HeaderEquals("x-lab".into(), "on".into())));
}

#[test]
fn environment_origins_fill_a_block() {
    let text = "[[allow]]\norigins_env = \"ALLOWED_ORIGINS\"\n[[allow.resource]]\npath = \"*\"\n";
    let policy = load_env(text, &[("ALLOWED_ORIGINS", "https://a.example, https://b.example:443")]).expect("valid");
    let origins = &policy.blocks()[0].origins;
    assert!(origins.admits("https://a.example") && origins.admits("https://b.example"));
    let unset = err(text);
    assert!(unset.reason.contains("ALLOWED_ORIGINS is empty or unset"), "{unset}");
    let bad = load_env(text, &[("ALLOWED_ORIGINS", "a.example")]).expect_err("no scheme");
    assert!(bad.reason.contains("\"a.example\" is not an origin"), "{bad}");
}

#[test]
fn wildcard_with_credentials_names_the_block_and_its_line() {
    let e = err(
        "[[allow]]\norigins = [\"@page\"]\n[[allow.resource]]\npath = \"/a/*\"\n\n[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"/b/*\"\ncredentials = true\n",
    );
    assert_eq!(e.line, 6, "{e}");
    assert!(
        e.to_string().starts_with("test.toml:6: allow block 2: origins '*' cannot be combined with credentials"),
        "{e}"
    );
}

#[test]
fn mistakes_are_reported_with_file_line_and_reason() {
    let cases: &[(&str, usize, &str)] = &[
        ("[[allow]]\norgins = [\"*\"]\n", 2, "unknown field"),
        ("[[allow]]\norigins = [\"*\"\n", 2, ""),
        ("[[allow]]\norigins = [\"localhost:3000\"]\n[[allow.resource]]\npath = \"/x\"\n", 1, "is not an origin"),
        (
            "[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"x/*\"\n",
            3,
            "is not supported: use *, an exact path",
        ),
        // Rack's globs inside a segment have no TOML form: the error says what has.
        (
            "[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"/files/*.json\"\n",
            3,
            "a prefix ending in /* (/cors/*)",
        ),
        // An explicit empty list is a mistake, not "GET, HEAD, POST".
        (
            "[[allow]]\norigins = [\"*\"]\n\n[[allow.resource]]\npath = \"/x\"\nmethods = []\n",
            4,
            "methods = [] allows no method",
        ),
        (
            "[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"/x\"\nmethods = [\"GET\", \"\"]\n",
            3,
            "\"\" is not a method",
        ),
        (
            "[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"/x\"\nmethods = [\"G ET\"]\n",
            3,
            "is not a method",
        ),
        (
            "[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"/x\"\nheaders = [\"x-a\", \"\"]\n",
            3,
            "\"\" is not a header name",
        ),
        (
            "[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"/x\"\nheaders = [\"x-a\"]\nsafelisted_headers = false\n",
            3,
            "only for the lab's scenarios",
        ),
        (
            "[[allow]]\norigin_patterns = ['localhost']\n[[allow.resource]]\npath = \"/x\"\n",
            1,
            "must match the whole origin",
        ),
        ("[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"/x\"\nmethods = \"any\"\n", 3, "\"*\" or a list"),
        (
            "[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"/x\"\nheaders = [\"a b\"]\n",
            3,
            "not a header name",
        ),
        ("[[allow]]\norigins = [\"*\"]\n", 1, "at least one origin and one resource"),
        ("# nothing\n", 1, "no [[allow]] block"),
        ("[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"/x\"\nmax_age = -1\n", 5, ""),
    ];
    for (text, line, needle) in cases {
        let e = err(text);
        assert_eq!(e.line, *line, "{text:?} -> {e}");
        assert!(e.reason.contains(needle), "{text:?} -> {e}");
        assert!(e.to_string().starts_with(&format!("test.toml:{line}: ")), "{e}");
    }
}

#[test]
fn conditions_gate_their_resource() {
    use crate::cors::decision::PolicyVerdict;
    use crate::cors::request::CorsRequest;
    let policy =
        load("[[allow]]\norigins = [\"@page\"]\n[[allow.resource]]\npath = \"/x\"\nif = { header = \"X-Lab\" }\n")
            .expect("valid");
    use crate::cors::request::HeaderList;
    let req = |headers: &'static HeaderList<'static>| CorsRequest {
        method: "GET",
        path: "/x",
        origin: Some("http://localhost:3000"),
        headers: Some(headers),
        ..Default::default()
    };
    static WITH: HeaderList<'static> = HeaderList(&[("x-lab", "1")]);
    static WITHOUT: HeaderList<'static> = HeaderList(&[]);
    assert_eq!(policy.decide(&req(&WITH)).verdict, PolicyVerdict::Granted);
    assert_eq!(policy.decide(&req(&WITHOUT)).verdict, PolicyVerdict::OriginRefused);
}

#[test]
fn methods_left_out_are_get_head_post_and_max_age_left_out_is_sent_as_nothing() {
    let policy = load("[[allow]]\norigins = [\"*\"]\n[[allow.resource]]\npath = \"/x\"\n").expect("valid");
    let r = &policy.blocks()[0].resources[0];
    assert_eq!(r.methods, Methods::list(&["GET", "HEAD", "POST"]));
    // Unlike Rack::Cors (7200): see docs/policy-files.md.
    assert_eq!(r.max_age, None);
}
