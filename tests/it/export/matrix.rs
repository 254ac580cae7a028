//! The requests every export is held to: allowed, refused and look-alike
//! origins; simple, preflighted and credentialed requests; covered and
//! uncovered paths. Each is sent as a browser would (the preflight first
//! when one is needed), and the answers are judged by the app's own
//! diagnosis, as the inspector judges them.

use f1_race_results::diagnosis::{CredentialsMode, RequestSpec, diagnose, needs_preflight};

use crate::helpers::{Reply, Req};

/// The headers every stand-in application sends (and the app on some
/// paths): what a policy exposes is judged on them.
const STAND_IN: [(&str, &str); 3] = [("x-total-count", "22"), ("x-race-lap", "1"), ("x-page", "1")];

/// `(name, method, path, headers the script sets, credentials)`.
type Request = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str)], bool);

/// One request of the matrix.
pub struct Case {
    /// `origin-name/request-name`, as the expected-differences table names it.
    pub name: String,
    pub spec: RequestSpec,
}

/// What the browser makes of one request: the parts every stack must agree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub actual_sent: bool,
    pub readable: bool,
    /// Which of the stand-in's headers the script can read.
    pub exposed: Vec<String>,
    /// How long the preflight is cached, when one passed.
    pub cache: Option<u32>,
}

/// The matrix for an app whose page origin is on `page_port` and API origin on `api_port`.
pub fn cases(page_port: u16, api_port: u16) -> Vec<Case> {
    let target = format!("https://localhost:{api_port}");
    let origins = [
        ("page", format!("http://localhost:{page_port}")),
        ("page-127", format!("http://127.0.0.1:{page_port}")),
        ("other-site", "https://evil.example".to_owned()),
        ("look-alike", "http://localhost.evil.test".to_owned()),
        ("null", "null".to_owned()),
        ("other-port", "http://localhost:8080".to_owned()),
        ("https-page", format!("https://localhost:{page_port}")),
    ];
    let json: &'static [(&str, &str)] = &[("Content-Type", "application/json")];
    let basic: &'static [(&str, &str)] = &[("Authorization", "Basic dXNlcjpwYXNzd29yZA==")];
    let requests: [Request; 15] = [
        ("simple-get", "GET", "/cors/results", &[], false),
        ("form-post", "POST", "/cors/results", &[("Content-Type", "application/x-www-form-urlencoded")], false),
        ("json-post", "POST", "/cors/results", json, false),
        ("custom-header", "GET", "/cors/results", &[("X-Requested-With", "XMLHttpRequest")], false),
        ("patch", "PATCH", "/cors/results", &[], false),
        ("users-put", "PUT", "/api/v1/users/favourite", json, true),
        ("users-me", "GET", "/api/v1/users/me", &[], true),
        ("users-delete", "DELETE", "/api/v1/users/session", &[], true),
        ("admin-basic", "GET", "/api/v1/admin/standings", basic, true),
        ("public-get", "GET", "/api/v1/public/standings", &[], false),
        ("public-credentials", "GET", "/api/v1/public/standings", &[], true),
        ("public-authorization", "GET", "/api/v1/public/standings", basic, false),
        ("uncovered-get", "GET", "/ajax/results", &[], false),
        ("uncovered-json", "POST", "/ajax/results", json, false),
        ("look-alike-path", "GET", "/cors-archive", &[], false),
    ];
    let mut out = Vec::new();
    for (origin_name, origin) in &origins {
        for (request_name, method, path, headers, credentials) in requests {
            let mut spec = RequestSpec::get(origin, &target, path).method(method);
            for (name, value) in headers {
                spec = spec.header(name, value);
            }
            if credentials {
                spec = spec.credentials(CredentialsMode::Include);
            }
            out.push(Case { name: format!("{origin_name}/{request_name}"), spec });
        }
    }
    out
}

/// The preflight a browser sends for `spec`, if it sends one.
pub fn preflight(spec: &RequestSpec) -> Option<Req> {
    let reason = needs_preflight(spec)?;
    let mut req =
        Req::options(&spec.path).origin(&spec.page_origin).header("access-control-request-method", spec.wire_method());
    if let Some(headers) = reason.request_headers() {
        req = req.header("access-control-request-headers", &headers);
    }
    Some(req)
}

/// The actual request (no cookie or credentials are needed to judge CORS).
pub fn actual(spec: &RequestSpec) -> Req {
    let mut req = Req::get(&spec.path).method(spec.wire_method()).origin(&spec.page_origin);
    for (name, value) in &spec.headers {
        req = req.header(name, value);
    }
    req
}

/// Judges one request from the answers a server gave.
pub fn judge(spec: &RequestSpec, preflight: Option<&Reply>, actual: Option<&Reply>) -> Outcome {
    let lines = |reply: &Reply| -> Vec<(String, String)> {
        let mut lines: Vec<(String, String)> = reply
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        for (name, value) in STAND_IN {
            if !lines.iter().any(|(n, _)| n == name) {
                lines.push((name.to_owned(), value.to_owned()));
            }
        }
        lines
    };
    let pre = preflight.map(|r| (r.status, lines(r)));
    let act = actual.map(|r| (r.status, lines(r)));
    let verdict =
        diagnose(spec, pre.as_ref().map(|(s, l)| (*s, l.as_slice())), act.as_ref().map(|(s, l)| (*s, l.as_slice())));
    Outcome {
        actual_sent: verdict.actual_sent,
        readable: verdict.readable,
        exposed: verdict.exposed.into_iter().filter(|n| STAND_IN.iter().any(|(s, _)| s == n)).collect(),
        cache: verdict.preflight_cache_seconds,
    }
}
