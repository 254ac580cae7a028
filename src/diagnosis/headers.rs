//! The response headers CORS reads, picked out of a response in one pass.

use std::borrow::Cow;

use super::syntax::trim_http_whitespace;

/// One header's value as the browser reads it: every line of that name
/// trimmed and joined with ", ". Joining is what turns two
/// `Access-Control-Allow-Origin` lines into one value with a comma in it.
pub(crate) type Value<'a> = Option<Cow<'a, str>>;

/// The headers of one response that the CORS checks look at.
#[derive(Debug, Default)]
pub(crate) struct CorsHeaders<'a> {
    pub(crate) allow_origin: Value<'a>,
    pub(crate) allow_credentials: Value<'a>,
    pub(crate) allow_methods: Value<'a>,
    pub(crate) allow_headers: Value<'a>,
    pub(crate) max_age: Value<'a>,
    pub(crate) expose_headers: Value<'a>,
    pub(crate) location: Value<'a>,
}

impl<'a> CorsHeaders<'a> {
    /// Reads `headers` (names compared case-insensitively) once, instead of
    /// scanning them again for every header a check needs.
    pub(crate) fn read<N: AsRef<str>, V: AsRef<str>>(headers: &'a [(N, V)]) -> Self {
        let mut cors = Self::default();
        for (name, value) in headers {
            if let Some(slot) = cors.slot(name.as_ref()) {
                let value = trim_http_whitespace(value.as_ref());
                *slot = Some(match slot.take() {
                    None => Cow::Borrowed(value),
                    Some(earlier) => Cow::Owned(format!("{earlier}, {value}")),
                });
            }
        }
        cors
    }

    /// Where a header of this name goes, if CORS reads it. Lengths first:
    /// most lines are not CORS headers and are turned away after one compare.
    fn slot(&mut self, name: &str) -> Option<&mut Value<'a>> {
        const PREFIX: &str = "access-control-";
        if name.len() == "location".len() {
            return name.eq_ignore_ascii_case("location").then_some(&mut self.location);
        }
        let (prefix, rest) = name.split_at_checked(PREFIX.len())?;
        let (slot, suffix) = match rest.len() {
            7 => (&mut self.max_age, "max-age"),
            12 => (&mut self.allow_origin, "allow-origin"),
            13 if rest.as_bytes()[6].eq_ignore_ascii_case(&b'm') => (&mut self.allow_methods, "allow-methods"),
            13 => (&mut self.allow_headers, "allow-headers"),
            14 => (&mut self.expose_headers, "expose-headers"),
            17 => (&mut self.allow_credentials, "allow-credentials"),
            _ => return None,
        };
        (is_lower(rest, suffix) && is_lower(prefix, PREFIX)).then_some(slot)
    }
}

/// `name` equals `lower` (all lower-case) but for case: half the work of
/// `eq_ignore_ascii_case`, which lower-cases both sides.
fn is_lower(name: &str, lower: &str) -> bool {
    name.len() == lower.len() && name.bytes().zip(lower.bytes()).all(|(n, l)| n.to_ascii_lowercase() == l)
}
