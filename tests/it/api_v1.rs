//! The reference's API layout over real TLS: public, users (cookies,
//! state), admin (HTTP Basic), each with its preflight and actual request.

use crate::helpers::{Req, TestApp};

fn page_origin(app: &TestApp) -> String {
    format!("http://localhost:{}", app.running.page_port())
}

fn preflight(path: &str, origin: &str, method: &str, headers: &str) -> Req {
    Req::options(path)
        .origin(origin)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", headers)
}

#[tokio::test]
async fn public_data_is_for_any_origin_without_credentials() {
    let app = TestApp::spawn().await;
    for origin in ["http://evil.example", page_origin(&app).as_str()] {
        let reply = app.api(Req::get("/api/v1/public/standings").origin(origin)).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
        assert_eq!(reply.header("access-control-allow-credentials"), None);
        let json: serde_json::Value = serde_json::from_str(&reply.body).expect("JSON");
        assert_eq!(json["rows"].as_array().map(Vec::len), Some(22));
    }
    let pre = app.api(preflight("/api/v1/public/standings", "http://evil.example", "GET", "x-anything")).await;
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
    assert_eq!(pre.header("access-control-max-age"), Some("3600"));
    assert_eq!(pre.header("access-control-allow-headers"), Some("x-anything"));
    let put = app.api(preflight("/api/v1/public/standings", "http://evil.example", "PUT", "")).await;
    assert!(put.access_control().is_empty(), "read-only: {:?}", put.headers);
}

#[tokio::test]
async fn the_cookie_session_carries_every_attribute_a_cross_site_cookie_needs() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    let login = app.api(Req::post("/api/v1/users/session", "text/plain", "").origin(&origin)).await;
    assert_eq!(login.status, 201);
    assert_eq!(login.header("access-control-allow-origin"), Some(origin.as_str()));
    assert_eq!(login.header("access-control-allow-credentials"), Some("true"));
    let cookie = login.header("set-cookie").expect("a cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=None", "Partitioned", "Path=/"] {
        assert!(cookie.split("; ").any(|a| a == attribute), "{attribute} missing: {cookie}");
    }
    let pair = cookie.split(';').next().expect("name=value");

    let me = app.api(Req::get("/api/v1/users/me").origin(&origin).header("cookie", pair)).await;
    assert_eq!(me.status, 200);
    assert!(me.body.contains("learner-"));
    let stranger = app.api(Req::get("/api/v1/users/me").origin(&origin)).await;
    assert_eq!(stranger.status, 401);
    assert_eq!(stranger.header("access-control-allow-credentials"), Some("true"), "errors are readable too");

    let pre = app.api(preflight("/api/v1/users/session", &origin, "DELETE", "")).await;
    assert_eq!(pre.header("access-control-allow-credentials"), Some("true"));
    assert!(pre.header("access-control-allow-methods").unwrap_or_default().contains("DELETE"));
    let logout = app.api(Req::get("/api/v1/users/session").origin(&origin)).await;
    assert_eq!(logout.status, 405, "GET is not a way to log out");
    let out = app.api(Req::get("/api/v1/users/session").method("DELETE").origin(&origin).header("cookie", pair)).await;
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")));
    let after = app.api(Req::get("/api/v1/users/me").origin(&origin).header("cookie", pair)).await;
    assert_eq!(after.status, 401, "the session is gone on the server too");
}

#[tokio::test]
async fn the_favourite_driver_is_real_state_changed_by_preflighted_methods() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    let pre = app.api(preflight("/api/v1/users/favourite", &origin, "PUT", "content-type")).await;
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some(origin.as_str()));
    let set = app
        .api(
            Req::post("/api/v1/users/favourite", "application/json", r#"{"driver":"ham"}"#)
                .method("PUT")
                .origin(&origin),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert!(set.body.contains("\"favourite\":\"HAM\"") && set.body.contains("Lewis Hamilton"));
    let get = app.api(Req::get("/api/v1/users/favourite")).await;
    assert!(get.body.contains("\"favourite\":\"HAM\""));
    let bad = app
        .api(Req::post("/api/v1/users/favourite", "application/json", r#"{"driver":"<script>"}"#).method("PUT"))
        .await;
    assert_eq!(bad.status, 422);
    assert!(!bad.body.contains("<script>"), "never echoed: {}", bad.body);
    let junk = app.api(Req::post("/api/v1/users/favourite", "application/json", "{").method("PUT")).await;
    assert_eq!(junk.status, 400);
    let cleared = app.api(Req::get("/api/v1/users/favourite").method("DELETE").origin(&origin)).await;
    assert!(cleared.body.contains("\"favourite\":null"));
}

#[tokio::test]
async fn admin_needs_basic_auth_and_authorization_listed_by_name() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    let pre = app.api(preflight("/api/v1/admin/standings", &origin, "GET", "authorization")).await;
    assert_eq!(pre.status, 204);
    let allowed = pre.header("access-control-allow-headers").unwrap_or_default();
    assert!(allowed.split(", ").any(|h| h == "authorization"), "{allowed}");
    assert_eq!(pre.header("access-control-max-age"), Some("0"));
    assert_eq!(pre.header("access-control-allow-credentials"), Some("true"));
    let custom = app.api(preflight("/api/v1/admin/standings", &origin, "GET", "authorization, x-requested-with")).await;
    assert!(custom.access_control().is_empty(), "only Authorization and Content-Type");

    let ok = app
        .api(Req::get("/api/v1/admin/standings").origin(&origin).header("authorization", "Basic dXNlcjpwYXNzd29yZA=="))
        .await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("\"admin\":true"));
    let wrong = app
        .api(Req::get("/api/v1/admin/standings").origin(&origin).header("authorization", "Basic dXNlcjp3cm9uZw=="))
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.header("www-authenticate").is_some_and(|v| v.starts_with("Basic")));
}

#[tokio::test]
async fn the_tutorial_resource_exposes_its_custom_headers() {
    let app = TestApp::spawn().await;
    let reply = app.api(Req::get("/cors/results").origin(&page_origin(&app))).await;
    assert_eq!(reply.header("access-control-expose-headers"), Some("X-Total-Count, X-Race-Lap"));
    assert_eq!(reply.header("x-total-count"), Some("22"));
    let lap: u32 = reply.header("x-race-lap").and_then(|l| l.parse().ok()).expect("a lap number");
    assert!(lap <= 57);
}

#[tokio::test]
async fn other_origins_get_nothing_from_the_page_origin_resources() {
    let app = TestApp::spawn().await;
    for path in ["/api/v1/users/me", "/api/v1/admin/standings", "/cors/results"] {
        let reply = app.api(Req::get(path).origin("https://evil.example")).await;
        assert!(reply.access_control().is_empty(), "{path}: {:?}", reply.headers);
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = TestApp::spawn().await;
    let big = "x".repeat(f1_race_results::MAX_BODY_BYTES + 1);
    let reply = app.api(Req::post("/cors/results", "text/plain", &big)).await;
    assert_eq!(reply.status, 413);
    let small = app.api(Req::post("/cors/results", "text/plain", "standings=latest")).await;
    assert_eq!(small.status, 200);
}
