//! Between `http` types and the core's plain ones: a request's headers read
//! as [`CorsRequest`] text (a header sent twice or not visible ASCII becomes
//! [`UNREADABLE`]), and a [`Decision`]'s headers turned into `HeaderName`s
//! and `HeaderValue`s (the policy's texts shared, never copied).

use std::borrow::Cow;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, header};
use smallvec::SmallVec;

use super::decision::{CorsHeader, Decision, Value};
use super::request::{CorsRequest, HeaderLookup, UNREADABLE};

/// The decision's headers as header values.
pub(super) fn convert(decision: &Decision<'_>) -> SmallVec<[(CorsHeader, HeaderValue); 4]> {
    let mut headers = SmallVec::new();
    for (name, value) in &decision.headers {
        if let Some(value) = header_value(value) {
            headers.push((*name, value));
        }
    }
    headers
}

const VARY_ORIGIN: HeaderValue = HeaderValue::from_static("Origin");
const TRUE: HeaderValue = HeaderValue::from_static("true");
const ANY: HeaderValue = HeaderValue::from_static("*");

/// The names the core writes are standard ones: constants, no lookup.
pub(super) fn header_name(name: CorsHeader) -> HeaderName {
    match name {
        CorsHeader::Vary => header::VARY,
        CorsHeader::AllowOrigin => header::ACCESS_CONTROL_ALLOW_ORIGIN,
        CorsHeader::AllowCredentials => header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        CorsHeader::AllowMethods => header::ACCESS_CONTROL_ALLOW_METHODS,
        CorsHeader::AllowHeaders => header::ACCESS_CONTROL_ALLOW_HEADERS,
        CorsHeader::ExposeHeaders => header::ACCESS_CONTROL_EXPOSE_HEADERS,
        CorsHeader::MaxAge => header::ACCESS_CONTROL_MAX_AGE,
    }
}

/// Values come from the policy or from a request header that was already
/// valid; one that is not a valid header value (a bug) is skipped, never a
/// panic.
fn header_value(value: &Value<'_>) -> Option<HeaderValue> {
    match value {
        // Literals of the core: the usual ones are constants, checked when
        // this file was compiled.
        Value::Static("Origin") => Some(VARY_ORIGIN),
        Value::Static("true") => Some(TRUE),
        Value::Static("*") => Some(ANY),
        Value::Static(text) => Some(HeaderValue::from_static(text)),
        // Copied, not shared: a request's header values are slices of its
        // connection's read buffer, and the exchange record would keep
        // that whole buffer alive.
        Value::Origin(origin) => HeaderValue::from_str(origin).ok(),
        Value::Shared(text) => HeaderValue::from_maybe_shared(text.bytes()).ok(),
        Value::Text(text) => HeaderValue::from_str(text).ok(),
    }
}

/// The request's headers as the pure core reads them.
pub(super) struct RequestHeaders<'a>(pub(super) &'a HeaderMap);

impl HeaderLookup for RequestHeaders<'_> {
    /// A resource's condition reads one value: a header sent twice is
    /// present but equals nothing, so a condition cannot be met by sending
    /// the expected value next to another one.
    fn get(&self, name: &str) -> Option<&str> {
        // Looked up by &str: http parses it on the stack, no allocation.
        single(self.0, name)
    }
}

pub(super) fn cors_request<'a, B>(
    req: &'a Request<B>,
    lookup: &'a RequestHeaders<'a>,
    request_headers: Option<&'a str>,
) -> CorsRequest<'a> {
    let headers = req.headers();
    // Only a preflight (OPTIONS) is asked what it intends; on other methods
    // the `Access-Control-Request-*` headers mean nothing, so they are not
    // even looked up.
    let options = req.method() == Method::OPTIONS;
    CorsRequest {
        headers: Some(lookup),
        method: req.method().as_str(),
        path: req.uri().path(),
        origin: single(headers, &header::ORIGIN),
        request_method: if options { single(headers, &header::ACCESS_CONTROL_REQUEST_METHOD) } else { None },
        request_headers: if options { request_headers } else { None },
    }
}

/// A header that holds one value (`Origin`, a method): `None` when absent;
/// [`UNREADABLE`] when sent twice or not visible ASCII, so that it never
/// matches anything and the request is refused, not read as "absent".
fn single(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<&str> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    Some(if values.next().is_some() { UNREADABLE } else { first.to_str().unwrap_or(UNREADABLE) })
}

/// A list header (`Access-Control-Request-Headers`): fields sent more than
/// once are one comma-joined list, as HTTP says (RFC 9110, 5.3); borrowed
/// unless it was repeated. [`UNREADABLE`] when any value is not visible
/// ASCII: refused, never read as "no headers requested".
pub(super) fn joined<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<Cow<'a, str>> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    let Ok(first) = first.to_str() else {
        return Some(Cow::Borrowed(UNREADABLE));
    };
    let mut list = Cow::Borrowed(first);
    for value in values {
        let Ok(value) = value.to_str() else {
            return Some(Cow::Borrowed(UNREADABLE));
        };
        let list = list.to_mut();
        list.push_str(", ");
        list.push_str(value);
    }
    Some(list)
}
