//! The CORS setup in force on the API origin: a policy (or none, when the
//! middleware is removed) plus the deliberate mistakes a lab scenario adds
//! that no valid policy can express: a preflight answered 404, a header
//! sent twice, or hand-written headers (`*` with credentials, a reflected
//! Origin). The whole setup is swapped at once, so every request sees one.

use std::borrow::Cow;
use std::sync::Arc;

use smallvec::SmallVec;

use super::decision::{CorsHeader, Decision, PolicyVerdict, Value};
use super::policy::{PathPattern, Policy};
use super::request::CorsRequest;

/// The playground's responder (`api::playground`): it answers with the
/// headers the learner put in its query string, so the CORS layer leaves
/// it alone, as if the middleware were removed for that one path.
pub const HAND_WRITTEN_BY_THE_LEARNER: &str = "/playground/respond";

/// The policy and quirks in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// The scenario's name (`default` for the shipped policy).
    pub scenario: String,
    /// The policy; `None` when the middleware is removed.
    pub policy: Option<Arc<Policy>>,
    /// Mistakes beyond what a policy can say.
    pub quirks: Quirks,
}

/// Deliberate mistakes; all empty for a correct setup.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Quirks {
    /// Answer preflights with this status and no CORS headers (the
    /// "missing OPTIONS route" mistake: 404).
    pub preflight_status: Option<u16>,
    /// Headers added to every granted response, after the policy's own
    /// (e.g. a second `Access-Control-Allow-Origin`).
    pub extra_headers: Vec<(CorsHeader, String)>,
    /// Hand-written headers instead of a policy, for resources under these
    /// paths.
    pub raw: Option<RawHeaders>,
    /// The layers the API stack puts around this one (`api::quirks`).
    pub around: Around,
    /// The CORS layer wraps the routes' handlers only (a web framework's
    /// `route_layer`): a preflight never meets it and reaches the router,
    /// which has no OPTIONS route (405).
    pub on_routes_only: bool,
    /// Leave `Vary: Origin` out of every answer (what a hand-rolled
    /// reflection of the allowed origin forgets).
    pub no_vary: bool,
}

/// What the server does around the CORS layer in a scenario (the API
/// stack's `api::quirks` reads it); all empty for a correct setup.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Around {
    /// An authentication layer in front of CORS guards these paths: a
    /// request without a cookie or `Authorization` (every preflight) gets
    /// 401 before CORS runs; the login route itself stays open.
    pub auth_first: Vec<PathPattern>,
    /// These requests (method, path) fail in their handler, and the 500 is
    /// written by an error handler outside the CORS layer: no CORS headers.
    pub failing: Vec<(String, PathPattern)>,
    /// These paths are routed with a trailing slash: a request without it
    /// is redirected (308) behind the CORS layer, which adds its headers to
    /// the redirect, preflights included.
    pub slash_redirect: Vec<PathPattern>,
    /// A shared cache in front of the API keys responses by URL only.
    pub shared_cache: bool,
}

/// Hand-written CORS headers, the way a controller's `before_action` sets
/// them. Values may contain `{origin}`, `{request-method}` and
/// `{request-headers}`, replaced by the request's own values: reflection,
/// which is exactly the mistake some scenarios show.
#[derive(Debug, Clone, PartialEq)]
pub struct RawHeaders {
    /// Which paths get them.
    pub paths: Vec<PathPattern>,
    /// On actual requests that carry an Origin.
    pub actual: Vec<(CorsHeader, String)>,
    /// On preflights, answered 204 here.
    pub preflight: Vec<(CorsHeader, String)>,
}

impl Setup {
    /// The shipped policy, no quirks.
    pub fn correct(policy: Arc<Policy>) -> Self {
        Self { scenario: "default".to_owned(), policy: Some(policy), quirks: Quirks::default() }
    }

    /// Whether the middleware is removed: no policy and no hand-written
    /// headers, so no request gets anything.
    pub fn is_off(&self) -> bool {
        self.policy.is_none() && self.quirks.raw.is_none()
    }

    /// Decides one request; `None` when the middleware is removed for it
    /// (no policy, and no hand-written headers for its path), and always for
    /// [`HAND_WRITTEN_BY_THE_LEARNER`] (its log line and record say `off`).
    pub fn decide<'a>(&'a self, req: &CorsRequest<'a>) -> Option<Decision<'a>> {
        // The playground's responder writes its own headers, from its query:
        // no policy or quirk ever decides it, in any scenario.
        if req.path == HAND_WRITTEN_BY_THE_LEARNER {
            return None;
        }
        if let Some(raw) = &self.quirks.raw
            && raw.paths.iter().any(|p| p.matches(req.path))
        {
            return Some(raw.decide(req));
        }
        let preflight = req.is_preflight();
        if preflight && self.quirks.on_routes_only {
            // The layer wraps only the handlers: the preflight goes by it.
            return None;
        }
        let mut decision = self.policy.as_deref()?.decide(req);
        if preflight && self.quirks.around.slash_redirect.iter().any(|p| p.matches(req.path)) {
            // The router answers (a redirect); the layer adds its headers to that.
            decision.answer_here = false;
        }
        if let (Some(status), true) = (self.quirks.preflight_status, preflight && decision.answer_here) {
            return Some(Decision {
                answer_here: true,
                status,
                verdict: PolicyVerdict::NotCors,
                headers: SmallVec::new(),
            });
        }
        if decision.verdict == PolicyVerdict::Granted {
            let extra = self.quirks.extra_headers.iter().map(|(n, v)| (*n, Value::Text(Cow::Borrowed(v.as_str()))));
            decision.headers.extend(extra);
        }
        if self.quirks.no_vary {
            decision.headers.retain(|(name, _)| *name != CorsHeader::Vary);
        }
        Some(decision)
    }
}

impl RawHeaders {
    fn decide<'a>(&self, req: &CorsRequest<'a>) -> Decision<'a> {
        let preflight = req.is_preflight();
        let Some(origin) = req.origin else {
            return Decision {
                answer_here: preflight,
                status: 204,
                verdict: PolicyVerdict::NotCors,
                headers: SmallVec::new(),
            };
        };
        let fill = |value: &String| {
            value
                .replace("{origin}", origin)
                .replace("{request-method}", req.request_method.unwrap_or_default())
                .replace("{request-headers}", req.request_headers.unwrap_or_default())
        };
        let template = if preflight { &self.preflight } else { &self.actual };
        let headers = template.iter().map(|(name, value)| (*name, Value::Text(Cow::Owned(fill(value))))).collect();
        Decision { answer_here: preflight, status: 204, verdict: PolicyVerdict::Granted, headers }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors::defaults::tutorial_policy;
    use crate::cors::origin::Origin;

    fn policy() -> Arc<Policy> {
        let page = [Origin::parse("http://localhost:3000").expect("origin")];
        Arc::new(tutorial_policy(&page).expect("valid"))
    }

    const PAGE: &str = "http://localhost:3000";

    fn preflight() -> CorsRequest<'static> {
        CorsRequest {
            method: "OPTIONS",
            path: "/cors/results",
            origin: Some(PAGE),
            request_method: Some("POST"),
            request_headers: Some("content-type"),
            headers: None,
        }
    }

    #[test]
    fn a_missing_options_route_answers_preflights_with_404_only() {
        let setup =
            Setup { quirks: Quirks { preflight_status: Some(404), ..Quirks::default() }, ..Setup::correct(policy()) };
        let d = setup.decide(&preflight()).expect("middleware on");
        assert_eq!((d.answer_here, d.status, d.headers.len()), (true, 404, 0));
        let actual = CorsRequest { method: "GET", request_method: None, ..preflight() };
        assert_eq!(
            setup.decide(&actual).map(|d| d.verdict),
            Some(PolicyVerdict::Granted),
            "simple requests still work"
        );
    }

    #[test]
    fn extra_headers_go_on_granted_responses_only() {
        let extra = vec![(CorsHeader::AllowOrigin, "https://api.example".to_owned())];
        let setup = Setup { quirks: Quirks { extra_headers: extra, ..Quirks::default() }, ..Setup::correct(policy()) };
        let granted = setup.decide(&CorsRequest { method: "GET", request_method: None, ..preflight() }).expect("on");
        let origins: Vec<_> = granted.headers.iter().filter(|(n, _)| *n == CorsHeader::AllowOrigin).collect();
        assert_eq!(origins.len(), 2);
        let refused = setup.decide(&CorsRequest { origin: Some("http://evil.example"), ..preflight() }).expect("on");
        assert!(refused.headers.iter().all(|(n, _)| *n == CorsHeader::Vary));
    }

    #[test]
    fn raw_headers_reflect_what_the_request_says() {
        let raw = RawHeaders {
            paths: vec![PathPattern::parse(1, "/cors/*").expect("pattern")],
            actual: vec![(CorsHeader::AllowOrigin, "{origin}".to_owned())],
            preflight: vec![(CorsHeader::AllowHeaders, "{request-headers}".to_owned())],
        };
        let setup =
            Setup { policy: None, quirks: Quirks { raw: Some(raw), ..Quirks::default() }, scenario: "x".into() };
        let evil =
            CorsRequest { method: "GET", origin: Some("https://evil.example"), request_method: None, ..preflight() };
        let d = setup.decide(&evil).expect("raw applies");
        assert_eq!(d.header_pairs(), vec![("access-control-allow-origin", "https://evil.example".to_owned())]);
        let p = setup.decide(&preflight()).expect("raw applies");
        assert_eq!((p.answer_here, p.status), (true, 204));
        assert_eq!(p.header_pairs(), vec![("access-control-allow-headers", "content-type".to_owned())]);
        let elsewhere = CorsRequest { path: "/ajax/results", ..evil };
        assert!(setup.decide(&elsewhere).is_none(), "no policy behind the raw paths");
    }

    #[test]
    fn playground_responder_is_never_decided_even_under_a_scenario_covering_every_path() {
        let raw = RawHeaders {
            paths: vec![PathPattern::parse(1, "*").expect("pattern")],
            actual: vec![(CorsHeader::AllowOrigin, "{origin}".to_owned())],
            preflight: vec![],
        };
        let setup = Setup { quirks: Quirks { raw: Some(raw), ..Quirks::default() }, ..Setup::correct(policy()) };
        let respond = CorsRequest { path: HAND_WRITTEN_BY_THE_LEARNER, ..preflight() };
        assert!(setup.decide(&respond).is_none());
        assert!(setup.decide(&preflight()).is_some(), "every other path still is");
    }

    #[test]
    fn a_layer_on_the_routes_only_never_sees_a_preflight() {
        let setup = Setup { quirks: Quirks { on_routes_only: true, ..Quirks::default() }, ..Setup::correct(policy()) };
        assert!(setup.decide(&preflight()).is_none(), "the preflight goes by the layer");
        let actual = CorsRequest { method: "GET", request_method: None, ..preflight() };
        assert_eq!(setup.decide(&actual).map(|d| d.verdict), Some(PolicyVerdict::Granted));
    }

    #[test]
    fn a_redirected_path_leaves_its_preflight_to_the_router_with_the_headers() {
        let around =
            Around { slash_redirect: vec![PathPattern::parse(1, "/cors/results").expect("p")], ..Around::default() };
        let setup = Setup { quirks: Quirks { around, ..Quirks::default() }, ..Setup::correct(policy()) };
        let d = setup.decide(&preflight()).expect("on");
        assert_eq!((d.answer_here, d.verdict), (false, PolicyVerdict::Granted));
        assert!(d.headers.iter().any(|(n, _)| *n == CorsHeader::AllowOrigin));
        let other = CorsRequest { path: "/cors/other", ..preflight() };
        assert!(setup.decide(&other).expect("on").answer_here, "other paths: answered by the layer");
    }

    #[test]
    fn no_vary_drops_vary_and_nothing_else() {
        let setup = Setup { quirks: Quirks { no_vary: true, ..Quirks::default() }, ..Setup::correct(policy()) };
        let actual = CorsRequest { method: "GET", request_method: None, ..preflight() };
        let d = setup.decide(&actual).expect("on");
        assert!(d.headers.iter().all(|(n, _)| *n != CorsHeader::Vary), "{:?}", d.header_pairs());
        assert!(d.headers.iter().any(|(n, _)| *n == CorsHeader::AllowOrigin));
        let correct = Setup::correct(policy());
        assert!(correct.decide(&actual).expect("on").headers.iter().any(|(n, _)| *n == CorsHeader::Vary));
    }
}
