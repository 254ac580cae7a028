//! `check` against a small server that answers with chosen headers: the
//! warnings, a preflight without credentials, and redirects reported (a
//! preflight's refused, an actual request's not followed silently).

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{check, stderr, stdout};

const PAGE: &str = "http://localhost:3000";

/// What the server received: method, path, and whether credentials came.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    method: String,
    path: String,
    credentials: bool,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// The scripted server on a free port; it stops with the test's runtime.
async fn server() -> (String, Log) {
    let log = Log::default();
    let app = axum::Router::new().fallback(answer).with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, log)
}

async fn answer(State(log): State<Log>, request: Request) -> Response {
    let headers = request.headers();
    let origin = headers.get("origin").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let credentials = headers.contains_key("authorization") || headers.contains_key("cookie");
    let (method, path) = (request.method().as_str().to_owned(), request.uri().path().to_owned());
    log.lock().expect("no panic holding the log").push(Seen {
        method: method.clone(),
        path: path.clone(),
        credentials,
    });
    let preflight = method == "OPTIONS";
    let mut out = HeaderMap::new();
    let mut set = |name: &'static str, value: &str| {
        out.insert(name, value.parse().expect("a valid value"));
    };
    let status = match path.as_str() {
        "/reflect" => {
            set("access-control-allow-origin", &origin);
            StatusCode::OK
        }
        "/max-age" => {
            set("access-control-allow-origin", &origin);
            set("vary", "Origin");
            set("access-control-allow-methods", "PUT");
            set("access-control-allow-headers", "authorization");
            set("access-control-max-age", "90000");
            StatusCode::OK
        }
        "/public" => {
            set("access-control-allow-origin", "*");
            set("access-control-allow-credentials", "true");
            StatusCode::OK
        }
        "/redirect" | "/preflight-redirect" if preflight == (path == "/preflight-redirect") => {
            set("access-control-allow-origin", &origin);
            set("vary", "Origin");
            set("location", "/reflect");
            StatusCode::FOUND
        }
        _ => {
            set("access-control-allow-origin", &origin);
            set("vary", "Origin");
            set("access-control-allow-methods", "PUT");
            StatusCode::NO_CONTENT
        }
    };
    (status, out).into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_origin_named_without_vary_is_a_warning() {
    let (base, _) = server().await;
    let output = check(&[&format!("{base}/reflect"), "--origin", PAGE]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(
        text.contains("Warning: The response names the request's own Origin") && text.contains("`Vary: Origin`"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_max_age_above_both_caps_is_a_warning_and_the_preflight_carries_no_credentials() {
    let (base, log) = server().await;
    let url = format!("{base}/max-age");
    let args = [&url, "--origin", PAGE, "--method", "PUT", "--header", "Authorization: Bearer abc", "--json"];
    let output = check(&args).await;
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("above every browser's cap") && warnings.contains("7200") && warnings.contains("86400"),
        "{warnings}"
    );
    let seen = log.lock().expect("no panic holding the log").clone();
    let methods: Vec<(&str, bool)> = seen.iter().map(|s| (s.method.as_str(), s.credentials)).collect();
    assert_eq!(methods, [("OPTIONS", false), ("PUT", true)], "the preflight goes without the Authorization header");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_resource_that_allows_credentials_is_a_warning_and_refuses_credentials() {
    let (base, _) = server().await;
    let url = format!("{base}/public");
    let output = check(&[&url, "--origin", PAGE]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("Warning: The response is public"), "{text}");
    let output = check(&[&url, "--origin", PAGE, "--credentials"]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("Chromium: blocked (") && text.contains("must not be the wildcard '*'"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirected_request_is_reported_not_followed() {
    let (base, log) = server().await;
    let output = check(&[&format!("{base}/redirect"), "--origin", PAGE]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains(&format!("follows the 302 redirect: GET {base}/reflect with Origin: {PAGE}")), "{text}");
    let paths: Vec<String> = log.lock().expect("no panic holding the log").iter().map(|s| s.path.clone()).collect();
    assert_eq!(paths, ["/redirect"], "check itself never follows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirected_preflight_fails_and_the_request_is_never_sent() {
    let (base, log) = server().await;
    let output = check(&[&format!("{base}/preflight-redirect"), "--origin", PAGE, "--method", "PUT"]).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Chromium: blocked (") && text.contains("Redirect is not allowed for a preflight request"),
        "{text}"
    );
    assert!(text.contains("Actual request: not sent"), "{text}");
    let methods: Vec<String> = log.lock().expect("no panic holding the log").iter().map(|s| s.method.clone()).collect();
    assert_eq!(methods, ["OPTIONS"]);
}
