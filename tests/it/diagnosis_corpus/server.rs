//! Two plain-HTTP servers on 127.0.0.1, two origins: the page origin serves
//! the runner page, the API origin answers `/case/<id>` exactly as that
//! case scripts it, and remembers what the browser sent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use tokio::net::TcpListener;

/// The body of every actual response (the page checks it arrived intact).
pub const BODY: &str = "ok";

/// One scripted response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

/// What one case's URL answers.
#[derive(Debug, Clone)]
pub struct Script {
    pub preflight: Reply,
    pub actual: Reply,
}

/// What the browser sent to one case's URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    pub preflights: u32,
    pub actuals: u32,
    /// `Access-Control-Request-Method` of the last preflight.
    pub request_method: Option<String>,
    /// `Access-Control-Request-Headers` of the last preflight.
    pub request_headers: Option<String>,
    /// `Origin` of the last request.
    pub origin: Option<String>,
}

#[derive(Default)]
struct Cases {
    scripts: HashMap<String, Script>,
    seen: HashMap<String, Seen>,
}

/// Both servers; they stop when the test's runtime ends.
pub struct Servers {
    pub page_origin: String,
    pub api_origin: String,
    cases: Arc<Mutex<Cases>>,
}

impl Servers {
    pub async fn start(runner_html: &'static str) -> Self {
        let cases = Arc::new(Mutex::new(Cases::default()));
        let api = Router::new().fallback(answer).with_state(cases.clone());
        let page = Router::new().route("/", axum::routing::get(move || async move { Html(runner_html) })).route(
            "/sandboxed",
            axum::routing::get(move || async move {
                // An opaque origin: the browser sends `Origin: null`.
                ([("content-security-policy", "sandbox allow-scripts")], Html(runner_html))
            }),
        );
        Self { page_origin: serve(page).await, api_origin: serve(api).await, cases }
    }

    /// Scripts the answers of `/case/<id>`.
    pub fn script(&self, id: &str, script: Script) {
        lock(&self.cases).scripts.insert(id.to_owned(), script);
    }

    /// What the browser sent to `/case/<id>` so far.
    pub fn seen(&self, id: &str) -> Seen {
        lock(&self.cases).seen.get(id).cloned().unwrap_or_default()
    }
}

async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let port = listener.local_addr().expect("bound").port();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://127.0.0.1:{port}")
}

/// Answers `/case/<id>` as scripted, recording the request first.
async fn answer(State(cases): State<Arc<Mutex<Cases>>>, request: Request) -> Response {
    let id = request.uri().path().trim_start_matches("/case/").to_owned();
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    // A script may send OPTIONS itself: only a preflight asks for a method.
    let preflight =
        request.method() == Method::OPTIONS && request.headers().contains_key("access-control-request-method");
    let reply = {
        // No await while the lock is held.
        let mut cases = lock(&cases);
        let Some(script) = cases.scripts.get(&id).cloned() else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let seen = cases.seen.entry(id).or_default();
        seen.origin = header("origin");
        if preflight {
            seen.preflights += 1;
            seen.request_method = header("access-control-request-method");
            seen.request_headers = header("access-control-request-headers");
            script.preflight
        } else {
            seen.actuals += 1;
            script.actual
        }
    };
    let body = if preflight { "" } else { BODY };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(reply.status).expect("a valid scripted status");
    for (name, value) in &reply.headers {
        response.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).expect("a valid scripted header name"),
            HeaderValue::from_str(value).expect("a valid scripted header value"),
        );
    }
    response
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
