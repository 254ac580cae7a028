//! What `export` exports: the shipped policy, a policy file, or a lab
//! scenario's policy, with `@page` (and a scenario's `@api`) expanded for
//! the given host and ports, and the scenario's quirks, which are not
//! policy, as sentences for a comment.

use std::sync::Arc;

use super::ExportArgs;
use crate::cors::Policy;
use crate::cors::defaults::{DEFAULT_POLICY, DEFAULT_POLICY_NAME};
use crate::cors::file::{PolicyContext, parse, process_env};
use crate::cors::origin::Origin;
use crate::cors::registry::OriginRegistry;
use crate::cors::setup::Setup;
use crate::lab::scenario;

/// A policy ready to be written for another stack.
#[derive(Debug, Clone)]
pub struct Export {
    /// Where it came from, for the output's first comment.
    pub source: String,
    /// The policy; `None` when the scenario removes the middleware.
    pub policy: Option<Arc<Policy>>,
    /// What the scenario does beyond its policy, which no export reproduces.
    pub not_exported: Vec<String>,
}

/// Reads what `args` names; a mistake is one sentence.
pub fn load(args: &ExportArgs) -> Result<Export, String> {
    let page = origins("http", &args.host, args.page_port)?;
    let api = origins("https", &args.host, args.api_port)?;
    let registry = OriginRegistry::new();
    let ctx = PolicyContext {
        page_origins: &page,
        api_origins: &api,
        registry: &registry,
        env: &process_env,
        ports: (args.page_port, args.api_port),
        allow_unanchored: args.scenario.is_some(),
    };
    let shipped = parse(DEFAULT_POLICY_NAME, DEFAULT_POLICY, &ctx).map_err(|e| format!("invalid CORS policy: {e}"))?;
    if let Some(path) = &args.policy {
        let bytes = crate::fsutil::read_bounded(path)
            .map_err(|e| format!("cannot read the policy file {}: {}", path.display(), crate::tls::io_reason(&e)))?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))?;
        let policy =
            parse(&path.display().to_string(), &text, &ctx).map_err(|e| format!("invalid CORS policy: {e}"))?;
        return Ok(Export { source: path.display().to_string(), policy: Some(Arc::new(policy)), not_exported: vec![] });
    }
    let Some(name) = &args.scenario else {
        return Ok(Export {
            source: DEFAULT_POLICY_NAME.to_owned(),
            policy: Some(Arc::new(shipped)),
            not_exported: vec![],
        });
    };
    let all = scenario::all().map_err(|e| e.to_string())?;
    let Some(found) = all.iter().find(|s| &s.name == name) else {
        let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
        return Err(format!("there is no scenario {name:?}: choose one of {}", names.join(", ")));
    };
    let setup = found.setup(&ctx, &Arc::new(shipped)).map_err(|e| e.to_string())?;
    Ok(Export {
        source: format!("scenarios/{name}.toml ({})", found.title),
        not_exported: quirks(&setup),
        policy: setup.policy,
    })
}

fn origins(scheme: &str, host: &str, port: u16) -> Result<Vec<Origin>, String> {
    Origin::from_parts(scheme, host, port).map_err(|_| format!("--host {host:?} is not a host name"))?;
    Ok(crate::app::origins_of(scheme, host, port))
}

/// The scenario's quirks, each as a sentence: none is policy, so no
/// target's CORS configuration can say it.
fn quirks(setup: &Setup) -> Vec<String> {
    let mut out = Vec::new();
    if setup.is_off() {
        out.push("This scenario removes the CORS middleware: there is nothing to configure.".to_owned());
    }
    if let Some(status) = setup.quirks.preflight_status {
        out.push(format!(
            "This scenario answers every preflight (OPTIONS) with {status} before the policy runs: a missing \
             OPTIONS route, not policy. The configuration below answers preflights."
        ));
    }
    for (name, value) in &setup.quirks.extra_headers {
        out.push(format!(
            "This scenario also adds `{}: {value}` to every allowed answer (a second layer writing CORS headers), \
             which is not policy and is left out.",
            name.as_str()
        ));
    }
    let joined = |paths: &[crate::cors::policy::PathPattern]| {
        paths.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    };
    let around = &setup.quirks.around;
    if !around.auth_first.is_empty() {
        out.push(format!(
            "This scenario puts an authentication layer in front of CORS on {}: it answers 401 to any request \
             without a cookie or Authorization, preflights included. That is layer order, not policy; the \
             configuration below is the policy alone.",
            joined(&around.auth_first)
        ));
    }
    for (method, path) in &around.failing {
        out.push(format!(
            "This scenario's handler for {method} {path} fails with a 500 written outside the CORS layer (no CORS \
             headers): an error handler's mistake, not policy."
        ));
    }
    if !around.slash_redirect.is_empty() {
        out.push(format!(
            "This scenario redirects {} to the same path with a trailing slash (308), preflights included: \
             routing, not policy.",
            joined(&around.slash_redirect)
        ));
    }
    if around.shared_cache {
        out.push(
            "This scenario puts a shared cache keyed by URL only in front of the API: infrastructure, not policy."
                .to_owned(),
        );
    }
    if setup.quirks.on_routes_only {
        out.push(
            "This scenario attaches the CORS layer to the routes' handlers only, so preflights reach the router \
             (405): layer order, not policy. The configuration below answers preflights."
                .to_owned(),
        );
    }
    if setup.quirks.no_vary {
        out.push(
            "This scenario leaves `Vary: Origin` out of its answers, which no policy says; each target sends \
             the Vary it always sends."
                .to_owned(),
        );
    }
    if let Some(raw) = &setup.quirks.raw {
        let paths: Vec<String> = raw.paths.iter().map(ToString::to_string).collect();
        out.push(format!(
            "This scenario writes CORS headers by hand on {} (reflecting what the request says), which no policy \
             expresses; only the policy for the other paths is exported.",
            paths.join(", ")
        ));
    }
    out
}
