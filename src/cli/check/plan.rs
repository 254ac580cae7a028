//! What a browser would send for the request `check` was asked about:
//! the [`RequestSpec`] the diagnosis judges, and the preflight and actual
//! request on the wire, built with the same model (`needs_preflight`).
//! Pure: no I/O.

use http::{HeaderName, HeaderValue};

use super::args::CheckArgs;
pub(crate) use crate::cli::http::client::Wire;
use crate::cli::http::target::{Target, fetch_site, parse_origin};
use crate::diagnosis::safelist::is_forbidden_request_header;
use crate::diagnosis::{CredentialsMode, PreflightReason, RequestSpec, needs_preflight};

/// A Chromium on Linux; servers that sniff browsers see one.
const USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

/// Methods `fetch()` refuses to send at all.
const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// Everything `check` will send, decided before anything is sent.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Where it goes.
    pub(crate) target: Target,
    /// The request as the page's script made it: what the diagnosis judges.
    pub(crate) spec: RequestSpec,
    /// Why a preflight goes first, if one does.
    pub(crate) reason: Option<PreflightReason>,
    /// The preflight, when a browser sends one: never with credentials.
    pub(crate) preflight: Option<Wire>,
    /// The actual request.
    pub(crate) actual: Wire,
}

impl Plan {
    /// Checks the arguments and builds the plan; an error is one sentence
    /// that repeats nothing from the input but validated names.
    pub(crate) fn new(args: &CheckArgs) -> Result<Self, String> {
        let target = Target::parse(&args.url)?;
        let origin = parse_origin(&args.origin)?;
        let method = method(args)?;
        let credentials = if args.credentials { CredentialsMode::Include } else { CredentialsMode::SameOrigin };
        let mut script = Vec::new();
        let mut cookie = None;
        for line in &args.headers {
            let (name, value) = header(line)?;
            if name.eq_ignore_ascii_case("cookie") {
                if !args.credentials {
                    return Err(
                        "a browser sends cookies across origins only in credentials mode include: add --credentials"
                            .to_owned(),
                    );
                }
                cookie = Some(value);
            } else if is_forbidden_request_header(&name, &value) {
                return Err(format!(
                    "a page's script cannot set {name}: the browser sets or drops it (use --origin for Origin)"
                ));
            } else {
                script.push((name, value));
            }
        }
        if let Some(content_type) = &args.content_type {
            script.push(("Content-Type".to_owned(), checked_value(content_type, "--content-type")?));
        } else if args.data.is_some() && !script.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
            // What fetch() sets for a string body.
            script.push(("Content-Type".to_owned(), "text/plain;charset=UTF-8".to_owned()));
        }
        let mut spec =
            RequestSpec::get(&origin, &target.origin(), &target.path).method(&method).credentials(credentials);
        spec.headers = script;
        let reason = needs_preflight(&spec);
        let preflight = reason.as_ref().map(|reason| preflight(&spec, &target, reason));
        let actual = actual(&spec, &target, cookie, args.data.as_deref().unwrap_or_default());
        Ok(Self { target, spec, reason, preflight, actual })
    }
}

/// The method: `--method`, else POST with `--data`, else GET.
fn method(args: &CheckArgs) -> Result<String, String> {
    let method = match &args.method {
        Some(method) => method.trim().to_owned(),
        None if args.data.is_some() => "POST".to_owned(),
        None => "GET".to_owned(),
    };
    if http::Method::from_bytes(method.as_bytes()).is_err() {
        return Err("--method must be a token such as GET, POST or PATCH".to_owned());
    }
    if FORBIDDEN_METHODS.iter().any(|m| m.eq_ignore_ascii_case(&method)) {
        return Err(format!("fetch() refuses the method {}: a browser never sends it", method.to_ascii_uppercase()));
    }
    let bodiless = ["GET", "HEAD"].iter().any(|m| m.eq_ignore_ascii_case(&method));
    if bodiless && args.data.is_some() {
        return Err("fetch() refuses a body on GET or HEAD: drop --data or choose another --method".to_owned());
    }
    Ok(method)
}

/// Reads one `--header 'Name: value'`.
fn header(line: &str) -> Result<(String, String), String> {
    let Some((name, value)) = line.split_once(':') else {
        return Err(
            "--header needs a colon between the name and the value, e.g. --header 'X-Requested-With: XMLHttpRequest'"
                .to_owned(),
        );
    };
    let name = name.trim();
    if HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err("--header: the text before the colon is not a valid header name".to_owned());
    }
    Ok((name.to_owned(), checked_value(value, "--header")?))
}

/// A header value as a browser would send it (trimmed), if it can be sent.
fn checked_value(value: &str, flag: &str) -> Result<String, String> {
    let value = value.trim_matches([' ', '\t']);
    HeaderValue::from_str(value).map(|_| value.to_owned()).map_err(|_| {
        format!("{flag}: the value holds a character no header may carry (a line break or a control character)")
    })
}

/// The preflight: Origin, the method and the unsafe header names, the
/// `Sec-Fetch-*` a browser adds; no credentials, no script headers.
fn preflight(spec: &RequestSpec, target: &Target, reason: &PreflightReason) -> Wire {
    let mut headers = vec![
        ("Accept".to_owned(), "*/*".to_owned()),
        ("Access-Control-Request-Method".to_owned(), spec.wire_method().to_owned()),
    ];
    if let Some(names) = reason.request_headers() {
        headers.push(("Access-Control-Request-Headers".to_owned(), names));
    }
    headers.push(("Origin".to_owned(), spec.page_origin.clone()));
    headers.extend(fetch_metadata(spec, target));
    Wire { method: "OPTIONS".to_owned(), headers, body: Vec::new() }
}

/// The actual request: the script's headers, Origin, `Sec-Fetch-*`, and
/// the cookie when credentials are included.
fn actual(spec: &RequestSpec, target: &Target, cookie: Option<String>, body: &str) -> Wire {
    let mut headers = spec.headers.clone();
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("accept")) {
        headers.push(("Accept".to_owned(), "*/*".to_owned()));
    }
    let method = spec.wire_method();
    // Same-origin GET and HEAD go without Origin; everything else carries it.
    if spec.is_cross_origin() || !matches!(method, "GET" | "HEAD") {
        headers.push(("Origin".to_owned(), spec.page_origin.clone()));
    }
    headers.extend(fetch_metadata(spec, target));
    if let Some(cookie) = cookie {
        headers.push(("Cookie".to_owned(), cookie));
    }
    Wire { method: method.to_owned(), headers, body: body.as_bytes().to_vec() }
}

/// `Sec-Fetch-*` and `User-Agent`, as on every request `fetch()` makes.
fn fetch_metadata(spec: &RequestSpec, target: &Target) -> [(String, String); 4] {
    let site = if spec.page_origin == "null" { "cross-site" } else { fetch_site(&spec.page_origin, target) };
    [
        ("Sec-Fetch-Mode".to_owned(), "cors".to_owned()),
        ("Sec-Fetch-Site".to_owned(), site.to_owned()),
        ("Sec-Fetch-Dest".to_owned(), "empty".to_owned()),
        ("User-Agent".to_owned(), USER_AGENT.to_owned()),
    ]
}
