//! What a browser does with a redirected actual request (`redirect:
//! "follow"`, the default of `fetch`): `check` does not follow it, it says
//! where the browser would go next and with what, or why it fails there.
//! <https://fetch.spec.whatwg.org/#http-redirect-fetch>

use serde::Serialize;

use crate::cli::http::client::Answer;
use crate::cli::http::target::Target;
use crate::diagnosis::RequestSpec;

/// The statuses a browser follows when they carry a `Location`.
const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

/// Where the browser goes after a redirect that passed the CORS check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Redirect {
    /// The status of the redirect.
    pub(crate) status: u16,
    /// The `Location`, resolved against the request's URL.
    pub(crate) location: String,
    /// The method of the next request (303, and 301/302 after a POST, turn into GET).
    pub(crate) method: String,
    /// The `Origin` of the next request: `null` once the redirect crossed origins.
    pub(crate) origin: String,
    /// Why a browser stops here instead (the fetch fails), if it does.
    pub(crate) fails: Option<String>,
}

/// The redirect in `answer`, if it is one a browser would follow.
pub(crate) fn redirect(spec: &RequestSpec, target: &Target, answer: &Answer) -> Option<Redirect> {
    if !REDIRECTS.contains(&answer.status) {
        return None;
    }
    let location = answer.headers.iter().find(|(n, _)| n == "location").map(|(_, v)| v.trim())?;
    let location = resolve(target, location);
    let method = spec.wire_method();
    let to_get = answer.status == 303 && method != "HEAD" || matches!(answer.status, 301 | 302) && method == "POST";
    let method = if to_get { "GET" } else { method }.to_owned();
    let next = Target::parse(&location);
    let fails = match &next {
        Err(_) => Some("the Location is not an http(s) URL a browser can fetch".to_owned()),
        Ok(_)
            if location
                .split_once("://")
                .is_some_and(|(_, rest)| rest.split('/').next().unwrap_or_default().contains('@')) =>
        {
            Some("the Location carries a user name or password, which a browser refuses on a CORS request".to_owned())
        }
        Ok(_) => None,
    };
    // The tainted origin flag: leaving the current URL's origin while the
    // page is not of that origin makes every later Origin `null`.
    let crossed = next.as_ref().is_ok_and(|n| n.origin() != target.origin());
    let origin = if crossed && spec.page_origin != target.origin() { "null" } else { &spec.page_origin };
    Some(Redirect { status: answer.status, location, method, origin: origin.to_owned(), fails })
}

/// `location` resolved against the target's URL (absolute, scheme-relative,
/// absolute path, or relative path).
fn resolve(target: &Target, location: &str) -> String {
    if location.contains("://") {
        location.to_owned()
    } else if let Some(rest) = location.strip_prefix("//") {
        format!("{}://{rest}", target.scheme())
    } else if location.starts_with('/') {
        format!("{}{location}", target.origin())
    } else {
        let path = target.path.split('?').next().unwrap_or("/");
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        format!("{}{dir}/{location}", target.origin())
    }
}
