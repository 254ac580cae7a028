//! The server's side of a verdict: what this server's CORS layer decided for
//! the preflight and the actual request, read from the exchange record, and
//! the fix that follows from it.
//!
//! A browser only sees the answer: a refused preflight carries no
//! `Access-Control-*` header at all, so it reports "no Allow-Origin" even when
//! the origin was allowed and the method or a header was not. The server
//! knows why it refused, so the inspector can name the real change to make.

use crate::exchanges::Exchange;

mod around;

/// What the setup in force says beyond the record (read when judging).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InForce {
    /// The scenario answers every covered preflight with this status before
    /// the policy runs (the "no OPTIONS route" mistake).
    pub preflight_status: Option<u16>,
    /// Hand-written headers, not a policy, answer this path.
    pub hand_written: bool,
    /// The CORS layer wraps the routes' handlers only: preflights go by it.
    pub on_routes_only: bool,
}

/// The server's story of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSide {
    /// What the CORS layer decided, and why, in a sentence or two.
    pub said: String,
    /// The change to make when the server refused; `None` when it granted
    /// (then what the browser objected to is the thing to fix).
    pub fix: Option<String>,
}

/// The story of the preflight (if any) and the actual request (if any); the
/// first refusal decides the fix. `None` when neither went through the CORS layer.
pub fn server_side(preflight: Option<&Exchange>, actual: Option<&Exchange>, in_force: InForce) -> Option<ServerSide> {
    let first = preflight.map(|p| told(p, true, in_force));
    if let Some(Some(story)) = &first
        && story.fix.is_some()
    {
        // Refused at the preflight: the actual request was never sent.
        return first.flatten();
    }
    let second = actual.and_then(|a| told(a, false, in_force));
    match (first.flatten(), second) {
        (Some(p), Some(a)) => Some(ServerSide { said: format!("{} {}", p.said, a.said), fix: a.fix }),
        (one, other) => one.or(other),
    }
}

fn told(e: &Exchange, preflight: bool, in_force: InForce) -> Option<ServerSide> {
    if let Some(story) = around::told(e, preflight, in_force) {
        return Some(story);
    }
    let what = if preflight { "the preflight" } else { "the request" };
    let origin = e.origin().unwrap_or("(no Origin)");
    let path = e.path();
    let method = if preflight { e.request_method().unwrap_or("?") } else { e.method() };
    let none = "so it carried no Access-Control-* header at all";
    let refused = |said: String, fix: String| Some(ServerSide { said, fix: Some(fix) });
    match e.cors {
        // The playground's responder is never decided, so never "granted".
        "granted" | "off" if in_force.hand_written => Some(ServerSide {
            said: format!(
                "Hand-written headers (no policy) answered {what} {method} {path}: the server checked nothing, \
                 and what they say is all the browser judges."
            ),
            fix: None,
        }),
        "granted" => Some(ServerSide {
            said: match (preflight, e.request_headers()) {
                (true, Some(asked)) => {
                    format!("The policy granted the preflight: origin {origin}, method {method}, headers {asked}.")
                }
                (true, None) => format!("The policy granted the preflight: origin {origin}, method {method}."),
                (false, _) => format!("The policy granted {method} {path} from {origin}."),
            },
            fix: None,
        }),
        "refused:origin" => refused(
            format!("The policy refused the origin {origin} for {path} (no block covering it admits it), {none}."),
            format!("Add {origin} to the origins of the block whose resource covers {path}."),
        ),
        "refused:method" => refused(
            format!(
                "The policy admits {origin} but refused the method {method}: the resource covering {path} \
                 does not list it, {none}."
            ),
            format!("Add {method} to the methods of the resource covering {path} (the origin is already allowed)."),
        ),
        "refused:header" => {
            let asked = e.request_headers().unwrap_or("?");
            refused(
                format!(
                    "The policy admits {origin} and {method} but refused a header the preflight asked for \
                     ({asked}): the resource covering {path} does not list it, {none}."
                ),
                format!(
                    "Add the headers it asked for ({asked}) to the headers of the resource covering {path} \
                     (those it does not list yet; the origin is already allowed)."
                ),
            )
        }
        "refused:malformed" => refused(
            format!(
                "The server could not read {what}'s Origin or Access-Control-Request-* headers (sent twice, \
                 or not plain text) and refused it, {none}."
            ),
            "Send Origin and each Access-Control-Request-* header once, as plain text.".to_owned(),
        ),
        "off" => refused(
            format!("CORS is switched off on this server: {what} got {} and no Access-Control-* header.", e.status),
            format!("Put the CORS middleware back, with a policy whose resource covers {path} for {origin}."),
        ),
        "n/a" if preflight && in_force.preflight_status == Some(e.status) => {
            let fix = if matches!(e.status, 401 | 403) {
                format!(
                    "Answer OPTIONS before authentication: a preflight never carries credentials, so let the \
                     CORS layer answer it for {path} before the auth check runs."
                )
            } else {
                format!(
                    "Answer OPTIONS before routing: put the CORS middleware in front of the router (or add an \
                     OPTIONS route for {path}), so the preflight reaches the policy."
                )
            };
            refused(
                format!(
                    "The preflight was answered {} before the CORS policy ran (no route answers OPTIONS), {none}.",
                    e.status
                ),
                fix,
            )
        }
        "n/a" if e.origin().is_some() => refused(
            format!(
                "No resource of the policy covers {path}, so the CORS layer left {what} to the application, \
                 which answered {} without any Access-Control-* header.",
                e.status
            ),
            format!("Add a resource for {path} to the block that allows {origin}."),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::RequestParts;

    fn preflight(cors: &'static str, status: u16, method: &str, headers: Option<&str>) -> Exchange {
        let parts = RequestParts {
            tab: Some("t1"),
            method: "OPTIONS",
            path: "/cors/results",
            origin: Some(b"http://localhost:3000"),
            request_method: Some(method.as_bytes()),
            request_headers: headers.map(str::as_bytes),
            sec_fetch: [None, None, None],
        };
        Exchange { status, cors, ..Exchange::new(1, "api", &parts, false) }
    }

    #[test]
    fn a_granted_preflight_asks_for_no_server_fix() {
        let p = preflight("granted", 204, "PUT", None);
        let story = server_side(Some(&p), None, InForce::default()).expect("a story");
        assert!(story.fix.is_none() && story.said.contains("granted"), "{story:?}");
    }

    #[test]
    fn hand_written_headers_are_named_as_such() {
        let p = preflight("granted", 204, "PUT", None);
        let story = server_side(Some(&p), None, InForce { hand_written: true, ..InForce::default() }).expect("story");
        assert!(story.said.starts_with("Hand-written headers"), "{story:?}");
    }

    #[test]
    fn a_401_preflight_is_fixed_before_authentication() {
        let p = preflight("n/a", 401, "GET", Some("authorization"));
        let in_force = InForce { preflight_status: Some(401), ..InForce::default() };
        let fix = server_side(Some(&p), None, in_force).and_then(|s| s.fix).expect("a fix");
        assert!(fix.starts_with("Answer OPTIONS before authentication"), "{fix}");
    }

    #[test]
    fn an_uncovered_path_asks_for_a_resource() {
        let p = preflight("n/a", 405, "PUT", None);
        let fix = server_side(Some(&p), None, InForce::default()).and_then(|s| s.fix).expect("a fix");
        assert!(fix.starts_with("Add a resource for /cors/results"), "{fix}");
    }
}
