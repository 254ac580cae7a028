//! What `export` writes for the shipped policy and the scenarios, read as
//! text; `tests/it/export/` runs each output in its real stack.

use super::*;

fn export(format: Format, scenario: Option<&str>) -> String {
    let args = ExportArgs {
        format,
        policy: None,
        scenario: scenario.map(str::to_owned),
        host: "localhost".to_owned(),
        page_port: 3000,
        api_port: 3001,
    };
    render(format, &load(&args).expect("loads"))
}

#[test]
fn the_shipped_policy_names_the_page_origin_with_its_port() {
    for format in [Format::RackCors, Format::TowerHttp, Format::Nginx, Format::Express] {
        let out = export(format, None);
        assert!(out.contains("http://localhost:3000"), "{format:?}:\n{out}");
        assert!(out.contains("http://127.0.0.1:3000"), "{format:?}");
        assert!(out.contains("@registry"), "{format:?}: the registry is named as not exported");
        assert!(out.contains("policies/default.toml"), "{format:?}");
    }
}

#[test]
fn quirks_that_are_not_policy_are_said_not_exported() {
    for (scenario, word) in
        [("no-preflight-handler", "404"), ("duplicate-allow-origin", "api.example"), ("cors-off", "removes")]
    {
        for format in [Format::RackCors, Format::Nginx] {
            let out = export(format, Some(scenario));
            assert!(out.contains("NOT EXPORTED") && out.contains(word), "{scenario} {format:?}:\n{out}");
        }
    }
}

#[test]
fn what_a_target_cannot_say_is_a_comment_where_it_differs() {
    let rack = export(Format::RackCors, Some("missing-allowed-header"));
    assert!(rack.contains("Rack::Cors always allows them"), "{rack}");
    let rack = export(Format::RackCors, None);
    assert!(rack.contains("/corsx is covered too"), "{rack}");
    let tower = export(Format::TowerHttp, Some("unanchored-pattern"));
    assert!(tower.contains("regex_lite::Regex::new(\"localhost\")"), "{tower}");
}

#[test]
fn unknown_scenarios_and_unreadable_files_are_one_sentence() {
    let mut args = ExportArgs {
        format: Format::Nginx,
        policy: None,
        scenario: Some("nope".to_owned()),
        host: "localhost".to_owned(),
        page_port: 3000,
        api_port: 3001,
    };
    let err = load(&args).expect_err("unknown");
    assert!(err.contains("no scenario \"nope\"") && err.contains("wrong-origin"), "{err}");
    args.scenario = None;
    args.policy = Some("/nonexistent/policy.toml".into());
    let err = load(&args).expect_err("missing file");
    assert!(err.starts_with("cannot read the policy file /nonexistent/policy.toml"), "{err}");
}
