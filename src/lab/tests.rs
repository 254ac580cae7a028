use std::sync::Arc;

use super::instructor::Secrets;
use super::store::RegistryStore;
use super::*;
use crate::cors::defaults::{DEFAULT_POLICY, DEFAULT_POLICY_NAME};
use crate::cors::file::{PolicyContext, fixed_env, parse};
use crate::cors::{Origin, Setup};
use crate::pages::cors_requests::REQUESTS;

fn lab() -> Lab {
    let page = vec![Origin::parse("http://localhost:3000").expect("origin")];
    let api = vec![Origin::parse("https://localhost:3001").expect("origin")];
    let registry = OriginRegistry::new();
    let env = fixed_env(&[]);
    let ctx = PolicyContext {
        page_origins: &page,
        api_origins: &api,
        registry: &registry,
        env: &env,
        ports: (3000, 3001),
        allow_unanchored: true,
    };
    let policy = Arc::new(parse(DEFAULT_POLICY_NAME, DEFAULT_POLICY, &ctx).expect("the shipped policy"));
    let switch: crate::cors::PolicySwitch =
        Arc::new(arc_swap::ArcSwap::from_pointee(Setup::correct(Arc::clone(&policy))));
    let secrets = Secrets { token: "t".into(), csrf: "c".into(), token_always: false };
    let dir = std::env::temp_dir().join("f1-lab-unit-never-written");
    Lab::new(&policy, DEFAULT_POLICY, &ctx, switch, secrets, RegistryStore::new(dir)).expect("every scenario builds")
}

#[test]
fn every_scenario_builds_and_predicts_every_button() {
    let lab = lab();
    assert!(lab.entries().len() >= 17, "default + at least 16 scenarios");
    for entry in &lab.entries()[1..] {
        let scenario = entry.scenario.as_ref().expect("a scenario");
        for button in REQUESTS.iter().map(|b| b.id).chain(["jsonp", "iframe"]) {
            let outcome = scenario.expect.outcomes.get(button).map(String::as_str);
            assert!(matches!(outcome, Some("ok" | "blocked")), "{} predicts {outcome:?} for {button}", entry.name());
        }
        assert!(!scenario.symptom.is_empty() && !scenario.cause.is_empty() && !scenario.solution.is_empty());
    }
    let off = lab.entry("cors-off").expect("cors-off");
    assert!(off.setup.policy.is_none(), "cors-off removes the middleware");
}

#[test]
fn the_default_is_restored_exactly_after_any_sequence_of_switches() {
    let lab = lab();
    let original = lab.current();
    let names: Vec<String> = lab.entries().iter().map(|e| e.name().to_owned()).collect();
    // A fixed but scrambled walk through every scenario, some twice.
    for step in 0..names.len() * 3 {
        let name = &names[(step * 7 + 3) % names.len()];
        lab.apply(name).expect("known");
        assert_eq!(lab.current().scenario, *name);
    }
    lab.apply(DEFAULT).expect("default");
    assert_eq!(*lab.current(), *original);
    assert!(Arc::ptr_eq(&lab.current(), &lab.entries()[0].setup));
}

#[test]
fn unknown_scenarios_are_refused_listing_the_known_ones() {
    let lab = lab();
    let err = lab.apply("nope").expect_err("unknown");
    assert!(err.to_string().contains("cors-off") && err.to_string().contains("wildcard-with-credentials"));
    assert_eq!(lab.current().scenario, DEFAULT, "nothing changed");
}

#[test]
fn subscribers_see_every_switch() {
    let lab = lab();
    let mut rx = lab.subscribe();
    lab.apply("cors-off").expect("known");
    assert!(rx.has_changed().expect("sender alive"));
    assert_eq!(rx.borrow_and_update().scenario, "cors-off");
}

#[test]
fn the_samples_show_what_each_mistake_lets_through() {
    let lab = lab();
    let allow_origin = |name: &str, probe: usize| {
        let setup = &lab.entry(name).expect("known").setup;
        let samples = samples::samples(setup, "http://localhost:3000", "https://localhost:3001");
        samples[probe].headers.iter().find(|(n, _)| n == "access-control-allow-origin").map(|(_, v)| v.clone())
    };
    // Probe 3 is the look-alike site, 4 the sandboxed iframe (Origin: null).
    assert_eq!(allow_origin(DEFAULT, 3), None);
    assert_eq!(allow_origin("unanchored-pattern", 3).as_deref(), Some("http://localhost.evil.test"));
    assert_eq!(allow_origin(DEFAULT, 4), None);
    assert_eq!(allow_origin("null-origin-allowed", 4).as_deref(), Some("null"));
    assert_eq!(allow_origin("reflect-any-origin", 3).as_deref(), Some("http://localhost.evil.test"));
    assert_eq!(allow_origin("wildcard-with-credentials", 1).as_deref(), Some("*"));
    let preflight_404 = samples::samples(
        &lab.entry("no-preflight-handler").expect("known").setup,
        "http://localhost:3000",
        "https://localhost:3001",
    );
    assert!(preflight_404[0].status.starts_with("404"), "{}", preflight_404[0].status);
}

#[test]
fn the_samples_say_what_the_server_decided() {
    let lab = lab();
    let preflight = |name: &str| {
        let setup = &lab.entry(name).expect("known").setup;
        samples::samples(setup, "http://localhost:3000", "https://localhost:3001").swap_remove(0).status
    };
    let cases = [
        (DEFAULT, "the policy granted it"),
        ("methods-get-only", "the policy refused the method POST"),
        ("missing-allowed-header", "the policy refused a header it asked for (content-type)"),
        ("no-preflight-handler", "answered before the policy ran"),
        ("wildcard-with-credentials", "hand-written headers"),
    ];
    for (name, said) in cases {
        let status = preflight(name);
        assert!(status.contains(said), "{name}: {status}");
    }
}

#[test]
fn the_samples_say_what_the_browser_does() {
    let lab = lab();
    let page = "http://localhost:3000";
    let of = |name: &str| samples::samples(&lab.entry(name).expect("known").setup, page, "https://localhost:3001");
    assert!(of(DEFAULT).iter().take(3).all(|s| s.readable), "the page's own requests work");
    assert!(!of(DEFAULT)[3].readable && !of(DEFAULT)[4].readable, "look-alikes and null do not");
    let wildcard = of("wildcard-with-credentials");
    assert!(wildcard[1].readable && !wildcard[2].readable);
    assert!(
        wildcard[2].browser.contains("must not be the wildcard '*' when the request's credentials mode is 'include'"),
        "{}",
        wildcard[2].browser
    );
    let firefox = wildcard[2].firefox.as_deref().unwrap_or_default();
    assert!(firefox.contains("(Reason: Credential is not supported if the CORS header"), "{firefox}");
    assert_eq!(wildcard[1].firefox, None, "nothing to say when it is readable");
    let duplicate = of("duplicate-allow-origin");
    let firefox = duplicate[1].firefox.as_deref().unwrap_or_default();
    assert!(duplicate[1].browser.contains("contains multiple values"), "{}", duplicate[1].browser);
    assert!(firefox.contains("CORS header ‘Access-Control-Allow-Origin’ does not match"), "{firefox}");
    let off = of("cors-off");
    assert!(off.iter().all(|s| !s.readable));
    assert!(off[1].browser.contains("No 'Access-Control-Allow-Origin' header is present"), "{}", off[1].browser);
    // Chromium checks Access-Control-Allow-Origin before the status: a bare 404 reads as a missing header.
    assert!(
        of("no-preflight-handler")[0]
            .browser
            .contains("Response to preflight request doesn't pass access control check")
    );
}
