//! The lab's policy editor over real HTTP: `POST /lab/policy` refuses what
//! is not the instructor's, what is too long and what does not build (with
//! its line), and puts what builds in force as `custom`, saved for a restart.

use std::process::Command;

use crate::helpers::{Req, TestApp};

fn page_origin(app: &TestApp) -> String {
    format!("http://localhost:{}", app.running.page_port())
}

/// Form-encodes a policy's text.
fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The editor's POST as the lab page sends it (`json`: as its script does).
fn typed(app: &TestApp, policy: &str, json: bool) -> Req {
    let csrf = app.running.state().lab.secrets.csrf.clone();
    let req = Req::post(
        "/lab/policy",
        "application/x-www-form-urlencoded",
        &format!("csrf={csrf}&policy={}", encoded(policy)),
    )
    .header("origin", &page_origin(app))
    .header("sec-fetch-site", "same-origin");
    if json { req.header("accept", "application/json") } else { req }
}

/// Only the page origin, on /cors/* GET, and it exposes X-Custom-Policy.
pub const ONLY_GET: &str = r#"# typed in the lab
[[allow]]
origins = ["@page"]
  [[allow.resource]]
  path = "/cors/*"
  methods = ["GET"]
  expose = ["X-Custom-Policy"]
"#;

/// Line 5 is wrong: 42 is no method.
pub const BROKEN: &str = r#"[[allow]]
origins = ["@page"]
  [[allow.resource]]
  path = "/cors/*"
  methods = ["GET", 42]
"#;

async fn cors_headers(app: &TestApp) -> (Option<String>, Option<String>) {
    let reply = app.api(Req::get("/cors/results").origin(&page_origin(app))).await;
    let h = |n: &str| reply.header(n).map(str::to_owned);
    (h("access-control-allow-origin"), h("access-control-expose-headers"))
}

#[tokio::test]
async fn the_policy_editor_refuses_foreign_and_oversized_posts_and_changes_nothing() {
    let app = TestApp::spawn_with(|c| c.lab_token_always = true).await;
    let before = cors_headers(&app).await;
    let no_csrf =
        Req::post("/lab/policy", "application/x-www-form-urlencoded", &format!("policy={}", encoded(ONLY_GET)));
    assert_eq!(app.page(no_csrf).await.status, 403, "without the CSRF token");
    let no_token = app.page(typed(&app, ONLY_GET, true)).await;
    assert_eq!(no_token.status, 403, "without the instructor token: {}", no_token.body);
    let foreign = typed(&app, ONLY_GET, false).header("origin", "http://evil.example");
    assert_eq!(app.page(foreign).await.status, 403, "from another origin");

    let token = app.running.lab_token().to_owned();
    let with_token = |policy: &str| {
        let csrf = app.running.state().lab.secrets.csrf.clone();
        let body = format!("csrf={csrf}&token={token}&policy={}", encoded(policy));
        Req::post("/lab/policy", "application/x-www-form-urlencoded", &body)
            .header("origin", &page_origin(&app))
            .header("accept", "application/json")
    };
    // Letters: form-encoded as themselves, so the body stays under the limit and the editor's own applies.
    let long = format!("{ONLY_GET}#{}", "a".repeat(f1_race_results::lab::custom::MAX_POLICY_BYTES));
    let too_long = app.page(with_token(&long)).await;
    assert_eq!(too_long.status, 413, "{}", too_long.body);
    assert!(too_long.body.contains("at most 8192"), "{}", too_long.body);
    let huge = app.page(with_token(&"#".repeat(3 * f1_race_results::MAX_BODY_BYTES))).await;
    assert_eq!(huge.status, 413, "beyond the body limit");
    assert_eq!(app.running.state().lab.current().scenario, "default");
    assert_eq!(cors_headers(&app).await, before, "nothing changed");
    let ok = app.page(with_token(ONLY_GET)).await;
    assert_eq!(ok.status, 200, "the instructor, with the token: {}", ok.body);
}

#[tokio::test]
async fn a_policy_that_does_not_build_is_refused_with_its_line_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let before = cors_headers(&app).await;
    let reply = app.page(typed(&app, BROKEN, true)).await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    let answer: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON");
    assert_eq!(answer["line"], 5, "{answer}");
    assert!(answer["error"].as_str().is_some_and(|e| e.starts_with("custom.toml:5: ")), "{answer}");

    // The plain form gets the page back: the text as typed, the error beside it.
    let script = "[[allow]]\norigins = [\"<script>x</script>\"]\n  [[allow.resource]]\n  path = 42\n";
    let page = app.page(typed(&app, script, false)).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"policy-error\" role=\"alert\" data-line=\"4\">custom.toml:4: "), "{}", page.body);
    assert!(!page.body.contains("<script>x"), "escaped, never echoed as markup");
    assert_eq!(app.running.state().lab.current().scenario, "default");
    assert_eq!(cors_headers(&app).await, before, "the next request still gets the old answer");
    assert!(!app.certs.path().join("data/custom-policy.toml").exists(), "nothing saved");
}

#[tokio::test]
async fn a_policy_that_builds_is_in_force_at_once_shown_with_its_diff_and_survives_a_restart() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    let reply = app.page(typed(&app, ONLY_GET, false)).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(cors_headers(&app).await, (Some(origin.clone()), Some("X-Custom-Policy".to_owned())));
    let post =
        app.api(Req::options("/cors/results").origin(&origin).header("access-control-request-method", "PUT")).await;
    assert!(post.header("access-control-allow-methods").is_none(), "PUT is not in the typed policy");

    let lab = app.page(Req::get("/lab")).await;
    assert!(lab.body.contains("<section id=\"in-force\" data-scenario=\"custom\">"), "{}", lab.body);
    assert!(lab.body.contains("id=\"policy-diff\""), "the diff against the shipped policy");
    assert!(lab.body.contains("<span class=\"added\">+ # typed in the lab</span>"), "{}", lab.body);
    assert!(lab.body.contains("expose = [&#34;X-Custom-Policy&#34;]"), "the editor shows it");
    let saved = std::fs::read_to_string(app.certs.path().join("data/custom-policy.toml")).expect("saved");
    assert_eq!(saved, ONLY_GET);

    // Another scenario, then back to the typed one from the list.
    app.running.state().lab.apply("cors-off").expect("known");
    app.running.state().lab.apply("custom").expect("typed earlier");
    assert_eq!(cors_headers(&app).await.1.as_deref(), Some("X-Custom-Policy"));

    let certs = app.stop().await;
    let again = TestApp::spawn_in(certs, |c| c.scenario = Some("custom".into())).await;
    assert_eq!(again.running.state().lab.current().scenario, "custom");
    assert_eq!(cors_headers(&again).await.1.as_deref(), Some("X-Custom-Policy"), "in force after a restart");
}

#[test]
fn the_binary_without_a_saved_policy_refuses_scenario_custom_in_one_sentence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_f1-race-results"))
        .args(["--page-port", "0", "--api-port", "0", "--other-port", "0", "--scenario", "custom", "--certs-dir"])
        .arg(dir.path().join("certs"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--scenario custom: no policy was saved in"), "{stderr}");
    assert!(stderr.contains("custom-policy.toml yet: type one in the lab's editor"), "{stderr}");
}

#[test]
fn the_binary_restarted_with_scenario_custom_answers_with_the_saved_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("data")).expect("data dir");
    std::fs::write(dir.path().join("data/custom-policy.toml"), ONLY_GET).expect("saved as the lab saves it");
    let started = crate::binary::start_in(dir.path(), |c| {
        c.args(["--scenario", "custom"]);
    });
    let mut child = started.child;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let tls = crate::helpers::connector_trusting(&dir.path().join("certs/ca.pem"));
    let origin = format!("http://localhost:{}", started.page_port);
    let reply = runtime
        .block_on(async { crate::helpers::get_over_tls(&tls, started.api_port, "/cors/results", &origin).await });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(reply.header("access-control-expose-headers"), Some("X-Custom-Policy"));
}

#[tokio::test]
async fn any_scenarios_policy_can_be_loaded_into_the_editor() {
    let app = TestApp::spawn().await;
    let editor = |body: &str| {
        let start = body.find("id=\"policy-editor\"").expect("the editor");
        body[start..].split("</textarea>").next().unwrap_or_default().to_owned()
    };
    let shipped = editor(&app.page(Req::get("/lab")).await.body);
    assert!(shipped.contains("# The CORS policy the app ships with"), "{shipped}");
    let wrong = editor(&app.page(Req::get("/lab?load=wrong-origin")).await.body);
    assert!(wrong.contains("origins = [&#34;@api&#34;]"), "{wrong}");
    let quirk = editor(&app.page(Req::get("/lab?load=no-preflight-handler")).await.body);
    assert!(quirk.contains("# no-preflight-handler: its mistake is beyond what a policy file can say"), "{quirk}");
    assert!(quirk.contains("[[allow]]"), "followed by the policy it starts from");
    let unknown = app.page(Req::get("/lab?load=%3Cscript%3E")).await.body;
    assert!(!unknown.contains("<script>") && !unknown.contains("&#60;script"), "never echoed");
    assert_eq!(editor(&unknown), shipped, "an unknown name loads the policy in force");
}
