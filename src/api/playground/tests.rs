use axum::body::{Bytes, to_bytes};
use axum::extract::RawQuery;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;

use super::{Echo, echo, respond};

fn request_headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        headers.append(*name, HeaderValue::from_static(value));
    }
    headers
}

async fn body_of(res: Response) -> serde_json::Value {
    let bytes = to_bytes(res.into_body(), 1 << 16).await.expect("a body");
    serde_json::from_slice(&bytes).expect("JSON")
}

#[test]
fn playground_echo_names_headers_but_never_a_secret_value() {
    let headers = request_headers(&[
        ("origin", "http://localhost:3000"),
        ("cookie", "session=SECRET-COOKIE"),
        ("authorization", "Basic U0VDUkVULUFVVEg="),
        ("x-custom", "1"),
        ("x-custom", "2"),
    ]);
    let uri: Uri = "/playground/echo?tab=abc".parse().expect("uri");
    let echo = Echo::of("echo", &Method::PUT, &uri, &headers, b"12345");
    assert_eq!(echo.method, "PUT");
    assert_eq!(echo.path, "/playground/echo");
    assert_eq!(echo.origin.as_deref(), Some("http://localhost:3000"));
    assert_eq!(echo.headers, ["origin", "cookie", "authorization", "x-custom"]);
    assert!(echo.cookie && echo.authorization);
    assert_eq!(echo.body_bytes, 5);
    let json = serde_json::to_string(&echo).expect("serializes");
    assert!(!json.contains("SECRET") && !json.contains("U0VDUkVU"), "{json}");
}

#[tokio::test]
async fn playground_echo_answers_any_method_with_json_and_the_body_size() {
    let res = echo(
        Method::from_bytes(b"PATCH").expect("token"),
        "/playground/echo".parse().expect("uri"),
        HeaderMap::new(),
        Bytes::from_static(b"{}"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-echo-bytes"], "2");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    let body = body_of(res).await;
    assert_eq!((body["method"].as_str(), body["responder"].as_str()), (Some("PATCH"), Some("echo")));
    assert_eq!(body["cookie"], false);
}

#[tokio::test]
async fn playground_respond_sends_the_asked_headers_on_the_preflight_and_the_answer() {
    let query =
        "preflight=200&status=201&h=Access-Control-Allow-Origin:%20*&h=Access-Control-Allow-Credentials:%20true";
    let uri: Uri = format!("/playground/respond?{query}").parse().expect("uri");
    let preflight_headers =
        request_headers(&[("origin", "http://localhost:3000"), ("access-control-request-method", "PUT")]);
    let preflight =
        respond(Method::OPTIONS, uri.clone(), RawQuery(Some(query.into())), preflight_headers, Bytes::new()).await;
    assert_eq!(preflight.status(), StatusCode::OK);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    assert_eq!(preflight.headers()["access-control-allow-credentials"], "true");
    assert!(preflight.headers().get(header::SET_COOKIE).is_none());

    let actual =
        respond(Method::PUT, uri, RawQuery(Some(query.into())), HeaderMap::new(), Bytes::from_static(b"x")).await;
    assert_eq!(actual.status(), StatusCode::CREATED);
    assert_eq!(actual.headers()["access-control-allow-origin"], "*");
    assert_eq!(body_of(actual).await["responder"], "respond");
}

#[tokio::test]
async fn playground_respond_sends_a_header_twice_when_asked() {
    let query = "h=Access-Control-Allow-Origin:%20a&h=Access-Control-Allow-Origin:%20b";
    let uri: Uri = format!("/playground/respond?{query}").parse().expect("uri");
    let res = respond(Method::GET, uri, RawQuery(Some(query.into())), HeaderMap::new(), Bytes::new()).await;
    let values: Vec<_> = res.headers().get_all("access-control-allow-origin").iter().collect();
    assert_eq!(values, ["a", "b"]);
}

#[tokio::test]
async fn playground_respond_refuses_bad_input_with_a_clear_400_and_no_reflected_header() {
    for query in ["h=Set-Cookie:%20a=b", "h=Vary:%20a%0d%0aX-Evil:%201", "status=999", "nope=1"] {
        let uri: Uri = format!("/playground/respond?{query}").parse().expect("uri");
        let res = respond(Method::GET, uri, RawQuery(Some(query.into())), HeaderMap::new(), Bytes::new()).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query}");
        assert!(
            res.headers()
                .keys()
                .all(|n| !n.as_str().starts_with("access-control") && n != "set-cookie" && n != "x-evil")
        );
        let text = String::from_utf8(to_bytes(res.into_body(), 4096).await.expect("body").to_vec()).expect("utf-8");
        assert!(text.starts_with("bad playground answer: "), "{text}");
        assert!(!text.contains("a=b") && !text.contains("X-Evil"), "{text}");
    }
}

#[tokio::test]
async fn playground_respond_answers_204_without_a_body() {
    let query = "status=204";
    let uri: Uri = format!("/playground/respond?{query}").parse().expect("uri");
    let res = respond(Method::DELETE, uri, RawQuery(Some(query.into())), HeaderMap::new(), Bytes::new()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(to_bytes(res.into_body(), 16).await.expect("body").is_empty());
}
