//! The five scenarios of the CORS bugs people hit, on the wire over real
//! TLS: what the server around the CORS layer does (an auth layer's 401, a
//! 500 without CORS headers, a redirected preflight, the router's 405, a
//! shared cache serving one origin's answer to another), and what the
//! inspector tells of it.

use serde_json::{Value, json};

use crate::helpers::{Req, TestApp};

const JSON_POST: [(&str, &str); 2] =
    [("access-control-request-method", "POST"), ("access-control-request-headers", "content-type")];

fn preflight(path: &str, origin: &str, asked: &[(&str, &str)]) -> Req {
    asked.iter().fold(Req::options(path).origin(origin), |req, (n, v)| req.header(n, v))
}

async fn app_in(scenario: &str) -> (TestApp, String) {
    let app = TestApp::spawn().await;
    app.running.state().lab.apply(scenario).expect("known scenario");
    let page = app.running.page_url();
    (app, page)
}

#[tokio::test]
async fn auth_before_cors_answers_the_guarded_preflights_401_and_nothing_else() {
    let (app, page) = app_in("auth-before-cors").await;
    let put = [("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type")];
    let guarded = app.api(preflight("/api/v1/users/favourite", &page, &put)).await;
    assert_eq!(guarded.status, 401);
    assert!(guarded.access_control().is_empty(), "{:?}", guarded.headers);
    let open = app.api(preflight("/cors/results", &page, &JSON_POST)).await;
    assert_eq!((open.status, open.header("access-control-allow-origin")), (204, Some(page.as_str())));
    // Log in (the login route stays open), then the cookie goes through.
    let login = app.api(Req::post("/api/v1/users/session", "text/plain", "").origin(&page)).await;
    assert!((200..300).contains(&login.status), "{}", login.body);
    let cookie = login.header("set-cookie").and_then(|c| c.split(';').next()).expect("a session cookie").to_owned();
    let me = app.api(Req::get("/api/v1/users/me").origin(&page).header("cookie", &cookie)).await;
    assert_eq!((me.status, me.header("access-control-allow-credentials")), (200, Some("true")));
}

#[tokio::test]
async fn error_without_cors_fails_the_put_with_a_bare_500_after_a_granted_preflight() {
    let (app, page) = app_in("error-without-cors").await;
    let put = [("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type")];
    let pre = app.api(preflight("/api/v1/users/favourite", &page, &put)).await;
    assert_eq!((pre.status, pre.header("access-control-allow-origin")), (204, Some(page.as_str())));
    let req =
        Req::post("/api/v1/users/favourite", "application/json", r#"{"driver":"HAM"}"#).method("PUT").origin(&page);
    let failed = app.api(req).await;
    assert_eq!(failed.status, 500);
    assert!(failed.access_control().is_empty(), "{:?}", failed.headers);
    let delete = app.api(Req::get("/api/v1/users/favourite").method("DELETE").origin(&page)).await;
    assert_eq!(delete.header("access-control-allow-origin"), Some(page.as_str()), "only the PUT fails");
}

#[tokio::test]
async fn preflight_redirect_redirects_with_the_cors_headers_and_serves_the_slashed_path() {
    let (app, page) = app_in("preflight-redirect").await;
    let pre = app.api(preflight("/cors/results?tab=t1", &page, &JSON_POST)).await;
    assert_eq!((pre.status, pre.header("location")), (308, Some("/cors/results/?tab=t1")));
    assert_eq!(pre.header("access-control-allow-origin"), Some(page.as_str()), "the layer's headers are on it");
    let simple = app.api(Req::get("/cors/results").origin(&page)).await;
    assert_eq!(simple.status, 308, "every method is redirected");
    let followed = app.api(Req::get("/cors/results/").origin(&page)).await;
    assert_eq!((followed.status, followed.header("access-control-allow-origin")), (200, Some(page.as_str())));
    assert!(followed.body.contains("<table"), "the standings: {}", followed.body);
}

#[tokio::test]
async fn layer_order_405_lets_the_router_answer_preflights_and_the_layer_the_rest() {
    let (app, page) = app_in("layer-order-405").await;
    let pre = app.api(preflight("/cors/results", &page, &JSON_POST)).await;
    assert_eq!(pre.status, 405);
    assert_eq!(pre.header("allow"), Some("GET,HEAD,POST"), "axum's own 405");
    assert!(pre.access_control().is_empty(), "{:?}", pre.headers);
    let simple = app.api(Req::get("/cors/results").origin(&page)).await;
    assert_eq!(simple.header("access-control-allow-origin"), Some(page.as_str()));
}

#[tokio::test]
async fn a_shared_cache_without_vary_serves_the_first_origins_answer_to_the_next() {
    let (app, page) = app_in("vary-missing-shared-cache").await;
    let other = page.replace("localhost", "127.0.0.1");
    let first = app.api(Req::get("/cors/results?tab=a1").origin(&other)).await;
    assert_eq!(
        (first.header("x-cache"), first.header("access-control-allow-origin")),
        (Some("MISS"), Some(other.as_str()))
    );
    assert!(first.header("vary").is_none_or(|v| !v.to_ascii_lowercase().contains("origin")), "no Vary: Origin");
    let second = app.api(Req::get("/cors/results?tab=b2").origin(&page)).await;
    assert_eq!(second.header("x-cache"), Some("HIT"));
    assert_eq!(second.header("access-control-allow-origin"), Some(other.as_str()), "the other origin's answer");
    assert_eq!(second.header("x-cache-stored-for"), Some(other.as_str()));
    assert_eq!(second.body, first.body);
    // Credentialed requests and preflights never come from the cache.
    let me = app.api(Req::get("/cors/results?tab=b2").origin(&page).header("cookie", "f1_session=x")).await;
    assert_eq!(me.header("access-control-allow-origin"), Some(page.as_str()));
    // Back to the shipped policy: the cache is gone, Vary is back.
    app.running.state().lab.apply("default").expect("known");
    let fresh = app.api(Req::get("/cors/results").origin(&page)).await;
    assert_eq!((fresh.header("x-cache"), fresh.header("access-control-allow-origin")), (None, Some(page.as_str())));
}

/// Asks the inspector about the last exchange of `tab` on `path`.
async fn inspector_on(app: &TestApp, tab: &str, method: &str, path: &str, headers: Value) -> Value {
    let recent = app.running.state().exchanges.recent();
    let mine = |m: &str| recent.iter().rev().find(|e| e.tab() == Some(tab) && e.method() == m).map(|e| e.id);
    let body = json!({
        "tab": tab,
        "preflight": mine("OPTIONS"),
        "actual": mine(method),
        "request": {
            "method": method,
            "url": format!("{}{path}?tab={tab}", app.running.api_url()),
            "headers": headers,
            "credentials": "same-origin",
            "kind": "fetch",
        },
    });
    let reply = app.page(Req::post("/inspect/verdict", "application/json", &body.to_string())).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("JSON")
}

#[tokio::test]
async fn the_inspector_tells_the_server_side_of_a_cache_hit_and_of_an_auth_layer() {
    let (app, page) = app_in("vary-missing-shared-cache").await;
    let other = page.replace("localhost", "127.0.0.1");
    app.api(Req::get("/cors/results?tab=warm1").origin(&other)).await;
    app.api(Req::get("/cors/results?tab=learn1").origin(&page)).await;
    let verdict = inspector_on(&app, "learn1", "GET", "/cors/results", json!([])).await;
    assert_eq!(verdict["readable"], false);
    let said = verdict["server_said"].as_str().expect("a story");
    assert!(said.contains(&format!("stored for origin {other}")), "{said}");
    assert!(verdict["fix"].as_str().is_some_and(|f| f.contains("Vary: Origin")), "{verdict}");

    app.running.state().lab.apply("auth-before-cors").expect("known");
    let put = [("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type")];
    app.api(preflight("/api/v1/users/favourite?tab=auth1", &page, &put)).await;
    let verdict =
        inspector_on(&app, "auth1", "PUT", "/api/v1/users/favourite", json!([["Content-Type", "application/json"]]))
            .await;
    assert_eq!(verdict["readable"], false);
    assert!(verdict["server_said"].as_str().is_some_and(|s| s.contains("authentication layer")), "{verdict}");
    assert!(verdict["fix"].as_str().is_some_and(|f| f.contains("before authentication")), "{verdict}");
}

#[tokio::test]
async fn the_lab_page_shows_the_console_words_and_the_axum_code_that_causes_the_405_and_fixes_it() {
    let (app, _) = app_in("layer-order-405").await;
    let lab = app.page(Req::get("/lab")).await;
    assert_eq!(lab.status, 200);
    let mistake = lab.body.split(r#"id="code-mistake""#).nth(1).expect("the mistake's code");
    assert!(mistake.contains("get(results).post(results).route_layer(cors)"), "{mistake}");
    let fix = lab.body.split(r#"id="code-fix""#).nth(1).expect("the fix's code");
    assert!(fix.contains(".layer(cors);"), "{fix}");
    assert!(lab.body.contains("Status code: 405."), "Firefox's words are quoted");
    assert!(lab.body.contains("answers 405 with Allow"), "the quirk is described");
}
