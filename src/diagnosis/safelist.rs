//! Which requests go straight out and which wait for a preflight: the
//! CORS-safelisted methods and request headers, value rules included.
//! <https://fetch.spec.whatwg.org/#cors-safelisted-request-header>

use super::request::RequestSpec;
use super::syntax::{ByteClass, is_token, trim_http_whitespace};

/// Longer values are never safelisted: a cap on what a simple request can smuggle.
///
/// The standard also caps the total of safelisted values at 1024 bytes. In
/// Chromium, with five safelisted names of at most 128 bytes each (a header
/// set twice is sent, and judged, as one joined value) the total never
/// passes 640, so that rule cannot fire and is left out; `repeated.rs`
/// warns where Firefox and the standard judge a repeated header otherwise.
const MAX_VALUE_BYTES: usize = 128;

/// Why a request needs a preflight; also what the preflight asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightReason {
    /// The method on the wire, when it is not `GET`, `HEAD` or `POST`.
    pub method: Option<String>,
    /// The CORS-unsafe request-header names, lower-case, sorted, each once:
    /// exactly what `Access-Control-Request-Headers` carries.
    pub headers: Vec<String>,
}

impl PreflightReason {
    /// The `Access-Control-Request-Headers` value Chromium sends (comma, no
    /// space), or None when only the method needs the preflight.
    pub fn request_headers(&self) -> Option<String> {
        (!self.headers.is_empty()).then(|| self.headers.join(","))
    }
}

/// Whether the browser sends a preflight before `spec`, and why.
pub fn needs_preflight(spec: &RequestSpec) -> Option<PreflightReason> {
    if !spec.is_cross_origin() {
        return None;
    }
    let method = spec.wire_method();
    let method = (!is_safelisted_method(method)).then(|| method.to_owned());
    let headers = unsafe_header_names(&spec.headers);
    (method.is_some() || !headers.is_empty()).then_some(PreflightReason { method, headers })
}

/// `GET`, `HEAD` and `POST`, compared after normalization (so byte for byte).
pub fn is_safelisted_method(wire_method: &str) -> bool {
    matches!(wire_method, "GET" | "HEAD" | "POST")
}

/// The CORS-unsafe request-header names among what the script set: sorted,
/// lower-case, deduplicated. Forbidden headers never reach the wire, so they
/// never count.
fn unsafe_header_names(headers: &[(String, String)]) -> Vec<String> {
    let mut names: Vec<String> = unsafe_headers(headers).map(str::to_ascii_lowercase).collect();
    names.sort_unstable();
    names
}

/// The same names as written by the script, unsorted.
fn unsafe_headers(headers: &[(String, String)]) -> impl Iterator<Item = &str> {
    headers.iter().enumerate().filter_map(|(i, (name, _))| {
        // Headers set twice are sent once, their values joined: judge them once.
        if headers[..i].iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return None;
        }
        let value = combined_value(&headers[i..], name);
        let counts = !is_forbidden_request_header(name, &value) && !is_safelisted_request_header(name, &value);
        counts.then_some(name.as_str())
    })
}

/// The value the browser sends for `name`: each value trimmed, repeats joined by ", ".
fn combined_value<'a>(headers: &'a [(String, String)], name: &str) -> std::borrow::Cow<'a, str> {
    let mut values = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| trim_http_whitespace(v));
    let first = values.next().unwrap_or_default();
    match values.next() {
        None => first.into(),
        Some(second) => {
            let mut joined = format!("{first}, {second}");
            values.for_each(|v| {
                joined.push_str(", ");
                joined.push_str(v);
            });
            joined.into()
        }
    }
}

/// A CORS-safelisted request header, with the value rules of its name.
pub fn is_safelisted_request_header(name: &str, value: &str) -> bool {
    if value.len() > MAX_VALUE_BYTES {
        return false;
    }
    let bytes = value.as_bytes();
    let is = |known: &str| name.eq_ignore_ascii_case(known);
    if is("accept") {
        !bytes.iter().any(|&b| UNSAFE.has(b))
    } else if is("accept-language") || is("content-language") {
        bytes.iter().all(|&b| LANGUAGE.has(b))
    } else if is("content-type") {
        !bytes.iter().any(|&b| UNSAFE.has(b)) && is_safelisted_content_type(value)
    } else if is("range") {
        is_simple_range(value)
    } else {
        is_chromium_client_hint(name, value)
    }
}

/// Chromium, not the standard, also lets a script send its legacy client
/// hints without a preflight, when their values look like what Chromium
/// itself would send.
pub(crate) fn is_chromium_client_hint(name: &str, value: &str) -> bool {
    let is = |known: &str| name.eq_ignore_ascii_case(known);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if is("width") || is("viewport-width") || is("rtt") {
        digits(value)
    } else if is("dpr") || is("device-memory") || is("downlink") {
        // 1*DIGIT [ "." 1*DIGIT ]
        let (whole, fraction) = value.split_once('.').unwrap_or((value, "0"));
        digits(whole) && digits(fraction)
    } else if is("ect") {
        ["slow-2g", "2g", "3g", "4g"].contains(&value)
    } else if is("save-data") {
        value.eq_ignore_ascii_case("on")
    } else {
        is("intervention")
    }
}

/// <https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte>
const UNSAFE: ByteClass = ByteClass::new(false, b"\"():<>?@[\\]{}\x7f").and_controls_but_tab();
/// What `Accept-Language` and `Content-Language` values may hold.
const LANGUAGE: ByteClass = ByteClass::new(true, b" *,-.;=");

/// The MIME type's essence is one a `<form>` could send.
fn is_safelisted_content_type(value: &str) -> bool {
    let Some((kind, rest)) = trim_http_whitespace(value).split_once('/') else {
        return false;
    };
    let subtype = trim_http_whitespace(rest.split(';').next().unwrap_or_default());
    if !is_token(kind) || !is_token(subtype) {
        return false;
    }
    [("application", "x-www-form-urlencoded"), ("multipart", "form-data"), ("text", "plain")]
        .iter()
        .any(|(k, s)| kind.eq_ignore_ascii_case(k) && subtype.eq_ignore_ascii_case(s))
}

/// One `bytes=start-[end]` range: lower-case unit, no whitespace, start
/// present and not past the end. Chromium reads each position as a signed
/// 64-bit number below its maximum (2^63 - 1 or more: a preflight, as the
/// corpus shows); the standard reads numbers of any size, Firefox up to
/// 2^64 - 1 (`chromium_only.rs` warns).
fn is_simple_range(value: &str) -> bool {
    let Some((start, end)) = range_positions(value) else {
        return false;
    };
    let position = |s: &str| s.parse::<i64>().ok().filter(|&p| p < i64::MAX);
    match (position(start), end) {
        (Some(_), "") => true,
        (Some(start), end) => position(end).is_some_and(|end| start <= end),
        (None, _) => false,
    }
}

/// A simple range as the standard reads it: positions of any size.
pub(crate) fn is_simple_range_of_any_size(value: &str) -> bool {
    let Some((start, end)) = range_positions(value) else {
        return false;
    };
    // Compared as numbers of any size: without leading zeros, the longer is larger.
    fn magnitude(digits: &str) -> (usize, &str) {
        let digits = digits.trim_start_matches('0');
        (digits.len(), digits)
    }
    end.is_empty() || magnitude(start) <= magnitude(end)
}

/// The start and end (maybe empty) of `bytes=start-[end]`, all digits,
/// the start present.
fn range_positions(value: &str) -> Option<(&str, &str)> {
    let (start, end) = value.strip_prefix("bytes=")?.split_once('-')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (!start.is_empty() && digits(start) && digits(end)).then_some((start, end))
}

/// Headers a script cannot set: the browser drops them without a word
/// (`fetch`) or with a console warning (`XMLHttpRequest`).
/// <https://fetch.spec.whatwg.org/#forbidden-request-header>
pub fn is_forbidden_request_header(name: &str, value: &str) -> bool {
    const NAMES: [&str; 22] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
        // Chromium still refuses this one, which the standard dropped in 2015.
        "user-agent",
    ];
    let starts_with = |prefix: &str| name.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix));
    if NAMES.iter().any(|n| n.eq_ignore_ascii_case(name)) || starts_with("proxy-") || starts_with("sec-") {
        return true;
    }
    // Method overrides may not smuggle a forbidden method past the check on `method`.
    ["x-http-method", "x-http-method-override", "x-method-override"].iter().any(|n| n.eq_ignore_ascii_case(name))
        && value.split(',').any(|m| {
            let m = trim_http_whitespace(m);
            ["CONNECT", "TRACE", "TRACK"].iter().any(|f| f.eq_ignore_ascii_case(m))
        })
}
