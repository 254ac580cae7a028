//! The CORS middleware of the API origin: reads the policy in force, lets the
//! pure [`Policy::decide`] rule, then answers a preflight itself or adds the
//! headers to the handler's response.
//!
//! The [`Setup`] sits behind an [`ArcSwap`]: loading it is one atomic read
//! per request, a switch replaces it whole (a request never sees half of
//! two policies), and a setup without a policy means the middleware is
//! removed, as when the tutorial's Rack::Cors block is deleted.

use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::decide::{CorsRequest, Decision, Verdict};
use super::policy::HeaderLookup;
use super::setup::Setup;

/// The setup in force, shared by the middleware and whoever switches it.
pub type PolicySwitch = Arc<ArcSwap<Setup>>;

/// What the middleware did, left in the response's extensions for the
/// access log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorsOutcome {
    /// The middleware is removed (`--no-cors`).
    Off,
    /// The policy's verdict.
    Decided(Verdict),
}

impl CorsOutcome {
    /// A short word for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Decided(v) => v.as_str(),
        }
    }
}

/// The middleware function; mount with `axum::middleware::from_fn_with_state`.
pub async fn cors(State(switch): State<PolicySwitch>, req: Request, next: Next) -> Response {
    let decision = {
        let setup = switch.load();
        let headers = RequestHeaders(req.headers());
        setup.decide(&cors_request(&req, &headers))
    };
    let Some(decision) = decision else {
        let mut res = next.run(req).await;
        res.extensions_mut().insert(CorsOutcome::Off);
        return res;
    };
    let outcome = CorsOutcome::Decided(decision.verdict);
    let mut res = if decision.answer_here {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::from_u16(decision.status).unwrap_or(StatusCode::NO_CONTENT);
        res
    } else {
        next.run(req).await
    };
    apply(res.headers_mut(), &decision);
    res.extensions_mut().insert(outcome);
    res
}

/// The request's headers as the pure core reads them.
struct RequestHeaders<'a>(&'a HeaderMap);

impl HeaderLookup for RequestHeaders<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|v| v.to_str().ok())
    }
}

fn cors_request<'a>(req: &'a Request, lookup: &'a RequestHeaders<'a>) -> CorsRequest<'a> {
    let headers = req.headers();
    CorsRequest {
        headers: Some(lookup),
        method: req.method().as_str(),
        path: req.uri().path(),
        origin: single(headers, &header::ORIGIN).map(|v| v.unwrap_or_default()),
        request_method: single(headers, &header::ACCESS_CONTROL_REQUEST_METHOD).map(|v| v.unwrap_or_default()),
        request_headers: single(headers, &header::ACCESS_CONTROL_REQUEST_HEADERS).map(|v| v.unwrap_or_default()),
    }
}

/// `None` when absent; `Some(None)` when present but unusable (sent twice,
/// or not visible ASCII), so that it can never match anything.
fn single<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<Option<&'a str>> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    Some(if values.next().is_some() { None } else { first.to_str().ok() })
}

fn apply(headers: &mut HeaderMap, decision: &Decision) {
    headers.reserve(decision.headers.len());
    for (name, value) in &decision.headers {
        // Values come from the policy or from a request header that was
        // already valid; a failure here would be a bug, so skip, never panic.
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
}
