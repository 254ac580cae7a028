//! Deciding one request against a [`Policy`]: pure, no HTTP types, so the
//! rules can be read and tested on their own.
//!
//! Two differences from tower-http's `CorsLayer`, both on purpose:
//! - a refused origin gets no `Access-Control-*` header at all (CorsLayer
//!   sends its static headers to everyone); the browser then reports the
//!   plainest error, and nothing about the policy leaks to other sites;
//! - a preflight's requested method and headers are checked against the
//!   resource (CorsLayer only echoes what it allows and lets the browser
//!   decide); a refused preflight is answered with no CORS headers, as
//!   Rack::Cors does.

use std::borrow::Cow;

use smallvec::SmallVec;

use super::decision::{CorsHeader, Decision, PolicyVerdict, Value};
use super::header_list::{Headers, SAFELISTED_HEADERS, header_names, is_token_byte, parse_header_list};
use super::policy::{Admission, Policy, Resource};
use super::request::{CorsRequest, UNREADABLE};
use super::shared_text::{ResourceTexts, SharedText};

impl Policy {
    /// Decides one request.
    pub fn decide<'a>(&'a self, req: &CorsRequest<'a>) -> Decision<'a> {
        let preflight = req.is_preflight();
        let (covered, found) = self.lookup(req);
        let mut decision = Decision {
            answer_here: preflight && covered,
            status: 204,
            verdict: PolicyVerdict::NotCors,
            headers: SmallVec::new(),
        };
        if !covered {
            return decision;
        }
        // The answer depends on these request headers, so caches must key on them.
        decision.headers.push((CorsHeader::Vary, Value::Static(vary(preflight))));
        let Some(origin) = req.origin else {
            return decision;
        };
        let Some((b, r, admission)) = found else {
            // An unreadable Origin is admitted by nothing, not even `*`.
            decision.verdict =
                if origin == UNREADABLE { PolicyVerdict::MalformedRequest } else { PolicyVerdict::OriginRefused };
            return decision;
        };
        let (block, texts) = (&self.blocks[b], &self.texts[b][r]);
        let resource = &block.resources[r];
        if preflight && let Err(verdict) = resource_allows_preflight(resource, req) {
            decision.verdict = verdict;
            return decision;
        }
        let allow_origin = if block.origins.any && !resource.credentials {
            Value::Static("*")
        } else if let Admission::Exact(i) = admission {
            // Sent back from the policy's own list when it names the origin:
            // derived from configuration, never reflected from the request.
            Value::Shared(&self.origin_texts[b][i])
        } else {
            Value::Origin(origin)
        };
        decision.headers.push((CorsHeader::AllowOrigin, allow_origin));
        if resource.credentials {
            decision.headers.push((CorsHeader::AllowCredentials, Value::Static("true")));
        }
        if preflight {
            preflight_headers(&mut decision, resource, texts, req);
        } else if let Some(expose) = &texts.expose {
            decision.headers.push((CorsHeader::ExposeHeaders, Value::Shared(expose)));
        }
        decision.verdict = PolicyVerdict::Granted;
        decision
    }

    /// Whether any resource covers the path, and the block and resource that
    /// decide: in each block, the first resource whose path matches and
    /// whose condition holds; the first such block that admits the origin.
    /// One pass over the blocks (this runs for every request).
    fn lookup(&self, req: &CorsRequest<'_>) -> (bool, Option<(usize, usize, Admission)>) {
        let mut covered = false;
        for (b, block) in self.blocks.iter().enumerate() {
            let mut chosen = None;
            for (r, resource) in block.resources.iter().enumerate() {
                if resource.path.matches(req.path) {
                    covered = true;
                    if condition_holds(resource, req) {
                        chosen = Some(r);
                        break;
                    }
                }
            }
            if let (Some(r), Some(origin)) = (chosen, req.origin)
                && let Some(admission) = block.origins.admission(origin)
            {
                return (true, Some((b, r, admission)));
            }
        }
        (covered, None)
    }
}

fn condition_holds(resource: &Resource, req: &CorsRequest<'_>) -> bool {
    match (&resource.condition, req.headers) {
        (None, _) => true,
        (Some(condition), Some(headers)) => condition.holds(headers),
        (Some(_), None) => false,
    }
}

fn vary(preflight: bool) -> &'static str {
    if preflight { "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" } else { "Origin" }
}

/// Whether the resource allows what a preflight asks for (its method, each
/// header it names): the server's side. The browser's reading of the answer
/// is [`crate::diagnosis::check_preflight_response`].
fn resource_allows_preflight(resource: &Resource, req: &CorsRequest<'_>) -> Result<(), PolicyVerdict> {
    let method = req.request_method.unwrap_or_default();
    // A method is an HTTP token: `methods = "*"` echoes it, so an empty or
    // malformed one must never get that far.
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(PolicyVerdict::MalformedRequest);
    }
    if !resource.methods.allows(method) {
        return Err(PolicyVerdict::MethodRefused);
    }
    let mut names = header_names(req.request_headers.unwrap_or_default());
    // Checked name by name, without allocating: a malformed entry anywhere
    // outranks a refused one, as when the whole list is parsed first.
    let mut refused = false;
    for name in &mut names {
        match name {
            Some(name) => refused |= !resource.headers.allows(name),
            None => return Err(PolicyVerdict::MalformedRequest),
        }
    }
    if refused { Err(PolicyVerdict::HeaderRefused) } else { Ok(()) }
}

fn preflight_headers<'a>(
    decision: &mut Decision<'a>,
    resource: &Resource,
    texts: &'a ResourceTexts,
    req: &CorsRequest<'a>,
) {
    let methods = match &texts.methods {
        Some(list) => Value::Shared(list),
        None => Value::Text(Cow::Borrowed(req.request_method.unwrap_or_default())),
    };
    decision.headers.push((CorsHeader::AllowMethods, methods));
    let headers = match &texts.headers {
        Some(list) => with_safelisted(list, resource, req.request_headers.unwrap_or_default()),
        // Echo exactly what was asked (already checked to be well-formed).
        None => Value::Text(Cow::Owned(
            parse_header_list(req.request_headers.unwrap_or_default()).unwrap_or_default().join(", "),
        )),
    };
    if !headers.as_str().is_empty() {
        decision.headers.push((CorsHeader::AllowHeaders, headers));
    }
    if let Some(max_age) = &texts.max_age {
        decision.headers.push((CorsHeader::MaxAge, Value::Shared(max_age)));
    }
}

/// The policy's header list, plus the safelisted names the request asks for
/// that it does not name (allowed all the same, see
/// [`SAFELISTED_HEADERS`]): the browser checks them against
/// this answer. Shared, unless there is something to add.
fn with_safelisted<'a>(list: &'a SharedText, resource: &Resource, asked: &str) -> Value<'a> {
    let Headers::List(named) = &resource.headers else {
        return Value::Shared(list);
    };
    let mut added: SmallVec<[&str; 4]> = SmallVec::new();
    for name in header_names(asked).flatten() {
        let safelisted = SAFELISTED_HEADERS.iter().find(|s| s.eq_ignore_ascii_case(name));
        if let Some(s) = safelisted.filter(|s| !named.iter().any(|n| n == *s) && !added.contains(s)) {
            added.push(s);
        }
    }
    if added.is_empty() {
        return Value::Shared(list);
    }
    let mut text = list.as_str().to_owned();
    for name in added {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(name);
    }
    Value::Text(Cow::Owned(text))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod parity;
