//! The playground's resources on the real API origin (real TLS): the echo
//! under the shipped policy, the learner's responder outside it, and bad
//! responder input refused with a clear 400 that reflects nothing.

use crate::helpers::{Req, TestApp};

#[tokio::test]
async fn playground_echo_is_covered_by_the_shipped_policy_and_never_echoes_a_secret() {
    let app = TestApp::spawn().await;
    let page = app.running.page_url();
    let page = page.trim_end_matches('/');
    let preflight =
        app.api(Req::options("/playground/echo").origin(page).header("access-control-request-method", "PUT")).await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some(page));
    assert_eq!(preflight.header("access-control-max-age"), Some("0"));
    let put = app
        .api(
            Req::get("/playground/echo")
                .method("PUT")
                .origin(page)
                .header("authorization", "Basic c2VjcmV0")
                .header("cookie", "s=hush"),
        )
        .await;
    assert_eq!(put.status, 200);
    assert_eq!(put.header("access-control-expose-headers"), Some("X-Echo-Bytes"));
    assert!(put.body.contains("\"authorization\":true") && put.body.contains("\"cookie\":true"), "{}", put.body);
    assert!(!put.body.contains("c2VjcmV0") && !put.body.contains("hush"), "{}", put.body);
    let patch =
        app.api(Req::options("/playground/echo").origin(page).header("access-control-request-method", "PATCH")).await;
    assert!(patch.access_control().is_empty(), "PATCH is refused: {:?}", patch.headers);
}

#[tokio::test]
async fn playground_respond_answers_outside_the_policy_and_refuses_bad_input_with_400() {
    let app = TestApp::spawn().await;
    let page = app.running.page_url();
    let asked =
        "/playground/respond?preflight=200&h=Access-Control-Allow-Origin:%20*&h=Access-Control-Allow-Methods:%20PATCH";
    let preflight = app
        .api(Req::options(asked).origin("https://any.example").header("access-control-request-method", "PATCH"))
        .await;
    assert_eq!(preflight.status, 200);
    assert_eq!(preflight.access_control(), ["access-control-allow-origin", "access-control-allow-methods"]);
    assert!(preflight.headers.get("vary").is_none(), "the policy added nothing");
    for bad in [
        "/playground/respond?h=Set-Cookie:%20a%3Db",
        "/playground/respond?h=Vary:%20x%0d%0aX-Evil:%201",
        "/playground/respond?status=1",
    ] {
        let reply = app.api(Req::get(bad).origin(page.trim_end_matches('/'))).await;
        assert_eq!(reply.status, 400, "{bad}");
        assert!(reply.body.starts_with("bad playground answer: "), "{}", reply.body);
        assert!(
            reply.access_control().is_empty()
                && reply.headers.get("set-cookie").is_none()
                && reply.headers.get("x-evil").is_none()
        );
    }
}
