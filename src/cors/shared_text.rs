//! The policy's header texts, joined once when it is built and shared by
//! every response that carries them (a reference count, never a copy).

use bytes::Bytes;

use super::header_list::{Headers, Methods};

/// A header value from the policy, made once and shared by every response
/// that carries it: the middleware turns it into a header value by bumping
/// a reference count, not by copying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedText(Bytes);

impl SharedText {
    pub(super) fn new(text: String) -> Self {
        Self(Bytes::from(text))
    }

    /// The text (always UTF-8: it was made from a `String`).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The bytes, shared.
    pub fn bytes(&self) -> Bytes {
        self.0.clone()
    }
}

/// A resource's header values, joined once when the policy is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ResourceTexts {
    /// `Access-Control-Allow-Methods`; `None` echoes the request's method.
    pub(super) methods: Option<SharedText>,
    /// `Access-Control-Allow-Headers`; `None` echoes the request's headers.
    pub(super) headers: Option<SharedText>,
    pub(super) expose: Option<SharedText>,
    pub(super) max_age: Option<SharedText>,
}

impl ResourceTexts {
    /// The texts of a resource that allows `methods` and `headers`,
    /// exposes `expose` and lets a preflight be cached `max_age` seconds.
    pub(super) fn new(methods: &Methods, headers: &Headers, expose: &[String], max_age: Option<u32>) -> Self {
        Self {
            methods: match methods {
                Methods::List(list) => Some(SharedText::new(list.join(", "))),
                Methods::Any => None,
            },
            headers: match headers {
                Headers::List(list) | Headers::Exactly(list) => Some(SharedText::new(list.join(", "))),
                Headers::Any => None,
            },
            expose: (!expose.is_empty()).then(|| SharedText::new(expose.join(", "))),
            max_age: max_age.map(|s| SharedText::new(s.to_string())),
        }
    }
}
