//! What the setup in force answers to a few telling requests, and what a
//! browser does with each answer (the pure diagnosis): the lab's "sample
//! exchanges", computed, never written by hand.

use crate::cors::request::{CorsRequest, HeaderList};
use crate::cors::{Decision, PolicyVerdict, Setup};
use crate::diagnosis::{CredentialsMode, RequestSpec, diagnose};

/// One sample exchange shown on the page.
pub struct Sample {
    /// What it shows.
    pub title: &'static str,
    /// The request, as lines.
    pub request: Vec<String>,
    /// Who answers, with which status.
    pub status: String,
    /// Every CORS-related response header.
    pub headers: Vec<(String, String)>,
    /// What the browser does with it, in a sentence (with Chrome's console line).
    pub browser: String,
    /// Firefox's console line, when it blocks (it decides alike, in other words).
    pub firefox: Option<String>,
    /// Whether the browser lets the script read the answer.
    pub readable: bool,
}

/// A request the lab page shows the setup's answer to.
struct Probe {
    title: &'static str,
    method: &'static str,
    path: &'static str,
    /// `None`: the page origin.
    origin: Option<&'static str>,
    /// Method and headers a preflight asks for.
    preflight: Option<(&'static str, &'static str)>,
    credentials: bool,
}

const PROBES: &[Probe] = &[
    Probe {
        title: "The page's preflight for a JSON POST",
        method: "OPTIONS",
        path: "/cors/results",
        origin: None,
        preflight: Some(("POST", "content-type")),
        credentials: false,
    },
    Probe {
        title: "The page's GET",
        method: "GET",
        path: "/cors/results",
        origin: None,
        preflight: None,
        credentials: false,
    },
    Probe {
        title: "The page's credentialed GET",
        method: "GET",
        path: "/api/v1/users/me",
        origin: None,
        preflight: None,
        credentials: true,
    },
    Probe {
        title: "A look-alike site's GET",
        method: "GET",
        path: "/cors/results",
        origin: Some("http://localhost.evil.test"),
        preflight: None,
        credentials: false,
    },
    Probe {
        title: "A sandboxed iframe's credentialed GET (Origin: null)",
        method: "GET",
        path: "/api/v1/users/me",
        origin: Some("null"),
        preflight: None,
        credentials: true,
    },
];

/// What the setup answers to a few telling requests.
pub fn samples(setup: &Setup, page: &str, api: &str) -> Vec<Sample> {
    let with_cookie = HeaderList(&[("cookie", "f1_session=…")]);
    PROBES
        .iter()
        .map(|probe| {
            let origin = probe.origin.unwrap_or(page);
            let req = CorsRequest {
                method: probe.method,
                path: probe.path,
                origin: Some(origin),
                request_method: probe.preflight.map(|p| p.0),
                request_headers: probe.preflight.map(|p| p.1),
                headers: Some(&with_cookie),
            };
            let mut request = vec![format!("{} {}", probe.method, probe.path), format!("Origin: {origin}")];
            if let Some((m, h)) = probe.preflight {
                request.push(format!("Access-Control-Request-Method: {m}"));
                request.push(format!("Access-Control-Request-Headers: {h}"));
            }
            if probe.credentials {
                request.push("Cookie: (present)".to_owned());
            }
            let (status, headers) = match setup.decide(&req) {
                None if setup.quirks.on_routes_only => (
                    "405 from the router: the CORS layer wraps the routes' handlers only, and no route answers OPTIONS"
                        .to_owned(),
                    Vec::new(),
                ),
                None => ("answered by the handler; the CORS middleware is removed".to_owned(), Vec::new()),
                Some(d) if d.answer_here => {
                    (format!("{} from the CORS middleware; {}", d.status, decided(setup, &req, &d)), d.header_pairs())
                }
                Some(d)
                    if req.is_preflight() && setup.quirks.around.slash_redirect.iter().any(|p| p.matches(req.path)) =>
                {
                    (format!("308 from the router (to {}/); {}", req.path, decided(setup, &req, &d)), d.header_pairs())
                }
                Some(d) => (format!("answered by the handler; {}", decided(setup, &req, &d)), d.header_pairs()),
            };
            let headers: Vec<(String, String)> = headers.into_iter().map(|(n, v)| (n.to_owned(), v)).collect();
            let (readable, browser, firefox) = browser_verdict(setup, probe, origin, api, &with_cookie);
            Sample { title: probe.title, request, status, headers, browser, firefox, readable }
        })
        .collect()
}

/// What the server decided, in words: the side a browser never sees (a
/// refused preflight carries no Access-Control-* header, whatever the reason),
/// as the inspector tells it for a real click.
fn decided(setup: &Setup, req: &CorsRequest<'_>, d: &Decision<'_>) -> String {
    if setup.quirks.raw.as_ref().is_some_and(|raw| raw.paths.iter().any(|p| p.matches(req.path))) {
        return "hand-written headers: nothing is checked".to_owned();
    }
    match d.verdict {
        PolicyVerdict::Granted => "the policy granted it".to_owned(),
        PolicyVerdict::OriginRefused => "the policy refused the origin".to_owned(),
        PolicyVerdict::MethodRefused => {
            format!("the policy refused the method {}", req.request_method.unwrap_or_default())
        }
        PolicyVerdict::HeaderRefused => {
            format!("the policy refused a header it asked for ({})", req.request_headers.unwrap_or_default())
        }
        PolicyVerdict::MalformedRequest => "the request could not be read".to_owned(),
        PolicyVerdict::NotCors if d.answer_here => {
            "answered before the policy ran (no route answers OPTIONS)".to_owned()
        }
        PolicyVerdict::NotCors => "no resource of the policy covers this path".to_owned(),
    }
}

/// What the setup answers to the request the probe stands for, as the status
/// and headers a browser would get (a missing middleware: the handler's own
/// answer, 405 for a preflight).
fn answer(setup: &Setup, req: &CorsRequest<'_>, handler_status: u16) -> (u16, Vec<(String, String)>) {
    match setup.decide(req) {
        None => (handler_status, Vec::new()),
        Some(d) => {
            // A slash-routed path: the router redirects the preflight.
            let redirected =
                req.is_preflight() && setup.quirks.around.slash_redirect.iter().any(|p| p.matches(req.path));
            let status = match (d.answer_here, redirected) {
                (true, _) => d.status,
                (false, true) => 308,
                (false, false) => 200,
            };
            (status, d.header_pairs().into_iter().map(|(n, v)| (n.to_owned(), v)).collect())
        }
    }
}

/// Whether the script may read the answer, what Chrome does (with its console
/// line) and what Firefox's console says when it blocks.
fn browser_verdict(
    setup: &Setup,
    probe: &Probe,
    origin: &str,
    api: &str,
    cookie: &HeaderList<'_>,
) -> (bool, String, Option<String>) {
    let method = probe.preflight.map_or(probe.method, |p| p.0);
    let mut spec = RequestSpec::get(origin, api, probe.path).method(method);
    if probe.preflight.is_some() {
        spec = spec.header("Content-Type", "application/json");
    }
    if probe.credentials {
        spec = spec.credentials(CredentialsMode::Include);
    }
    let actual =
        CorsRequest { method, path: probe.path, origin: Some(origin), headers: Some(cookie), ..Default::default() };
    let preflight = probe.preflight.map(|(m, h)| {
        let req = CorsRequest { request_method: Some(m), request_headers: Some(h), method: "OPTIONS", ..actual };
        answer(setup, &req, 405)
    });
    let actual = answer(setup, &actual, 200);
    let verdict =
        diagnose(&spec, preflight.as_ref().map(|(s, h)| (*s, h.as_slice())), Some((actual.0, actual.1.as_slice())));
    let firefox = verdict.firefox.map(|w| w.message);
    match verdict.console_message {
        _ if verdict.readable => (true, "The browser lets the script read the answer.".to_owned(), None),
        Some(message) => (false, format!("Blocked. Chrome's console says: {message}"), firefox),
        None => (false, "Blocked.".to_owned(), firefox),
    }
}
