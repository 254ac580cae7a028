//! The API origin's CORS behaviour over real TLS.

use crate::helpers::{Req, TestApp};

const PAGE: &str = "http://localhost:3000";

/// The page origin as the app under test knows it (its port is random).
fn page_origin(app: &TestApp) -> String {
    format!("http://localhost:{}", app.running.page_port())
}

#[tokio::test]
async fn the_tutorials_curl_preflight_succeeds() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    let reply = app
        .api(
            Req::options("/cors/results")
                .origin(&origin)
                .header("access-control-request-headers", "Origin, Accept, Content-Type")
                .header("access-control-request-method", "POST"),
        )
        .await;
    assert!((200..300).contains(&reply.status), "{reply:?}");
    assert_eq!(reply.header("access-control-allow-origin"), Some(origin.as_str()));
    let methods = reply.header("access-control-allow-methods").unwrap_or_default();
    assert!(methods.split(", ").any(|m| m == "POST"), "{methods}");
    let allowed = reply.header("access-control-allow-headers").unwrap_or_default().to_ascii_lowercase();
    for needed in ["origin", "accept", "content-type"] {
        assert!(allowed.split(", ").any(|h| h == needed), "{needed} missing from {allowed}");
    }
    assert!(reply.body.is_empty(), "a preflight never reaches the handler");
}

#[tokio::test]
async fn simple_get_and_post_are_granted_to_every_page_name() {
    let app = TestApp::spawn().await;
    let port = app.running.page_port();
    for origin in
        [format!("http://localhost:{port}"), format!("http://127.0.0.1:{port}"), format!("http://[::1]:{port}")]
    {
        for req in [Req::get("/cors/results"), Req::post("/cors/results", "application/x-www-form-urlencoded", "a=1")] {
            let reply = app.api(req.origin(&origin)).await;
            assert_eq!(reply.status, 200);
            assert_eq!(reply.header("access-control-allow-origin"), Some(origin.as_str()));
            assert_eq!(reply.header("vary"), Some("Origin"));
            assert!(reply.body.contains("data-lap="), "the standings fragment");
        }
    }
}

#[tokio::test]
async fn refused_origins_get_no_access_control_headers() {
    let app = TestApp::spawn().await;
    let api_self = format!("http://localhost:{}", app.running.api_port());
    let wrong_port = format!("http://localhost:{}", app.running.page_port().wrapping_add(1));
    for origin in
        [api_self.as_str(), wrong_port.as_str(), "http://evil.example", "null", PAGE, "https://localhost:3000"]
    {
        if origin == PAGE && app.running.page_port() == 3000 {
            continue;
        }
        let simple = app.api(Req::get("/cors/results").origin(origin)).await;
        assert_eq!(simple.status, 200, "the server answers; only the browser withholds it");
        assert!(simple.access_control().is_empty(), "{origin}: {:?}", simple.headers);
        assert_eq!(simple.header("vary"), Some("Origin"));

        let preflight =
            app.api(Req::options("/cors/results").origin(origin).header("access-control-request-method", "POST")).await;
        assert!(preflight.access_control().is_empty(), "{origin}: {:?}", preflight.headers);
    }
}

#[tokio::test]
async fn preflights_for_other_methods_or_headers_are_refused() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    let put =
        app.api(Req::options("/cors/results").origin(&origin).header("access-control-request-method", "PUT")).await;
    assert!(put.access_control().is_empty(), "{:?}", put.headers);
    let custom = app
        .api(
            Req::options("/cors/results")
                .origin(&origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "x-custom"),
        )
        .await;
    assert!(custom.access_control().is_empty(), "{:?}", custom.headers);
}

#[tokio::test]
async fn ajax_and_jsonp_resources_of_the_api_send_no_cors_headers() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    for path in ["/ajax/results", "/jsonp/results?callback=refreshSection"] {
        let reply = app.api(Req::get(path).origin(&origin)).await;
        assert_eq!(reply.status, 200, "{path}");
        assert!(reply.access_control().is_empty(), "{path}: {:?}", reply.headers);
    }
}

#[tokio::test]
async fn without_the_middleware_nothing_is_granted() {
    let app = TestApp::spawn_with(|c| c.no_cors = true).await;
    let origin = page_origin(&app);
    let simple = app.api(Req::post("/cors/results", "text/plain", "x").origin(&origin)).await;
    assert_eq!(simple.status, 200);
    assert!(simple.access_control().is_empty(), "{:?}", simple.headers);
    assert_eq!(simple.header("vary"), None, "no middleware, no Vary");
    let preflight =
        app.api(Req::options("/cors/results").origin(&origin).header("access-control-request-method", "POST")).await;
    assert!(!(200..300).contains(&preflight.status), "nothing answers OPTIONS: {}", preflight.status);
}

#[tokio::test]
async fn the_api_origin_home_page_points_back_to_the_page_origin() {
    let app = TestApp::spawn().await;
    let reply = app.api(Req::get("/")).await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("You reached the API origin; its certificate is accepted by this browser."));
    assert!(reply.body.contains(&format!("href=\"{}/\"", page_origin(&app))));
}

#[tokio::test]
async fn the_cors_page_preflights_are_granted_by_the_default_policy() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    for (method, headers) in
        [("POST", "content-type"), ("GET", "x-requested-with"), ("POST", "content-type, x-requested-with")]
    {
        let reply = app
            .api(
                Req::options("/cors/results")
                    .origin(&origin)
                    .header("access-control-request-method", method)
                    .header("access-control-request-headers", headers),
            )
            .await;
        assert_eq!(reply.status, 204, "{method} {headers}");
        assert_eq!(reply.header("access-control-allow-origin"), Some(origin.as_str()), "{method} {headers}");
        assert_eq!(reply.header("access-control-max-age"), Some("600"));
    }
}
