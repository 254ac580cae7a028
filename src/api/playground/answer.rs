//! What `/playground/respond` answers, read from its query string: the
//! status of the actual response (`status`, default 200), of the preflight
//! (`preflight`, default 204), and the response headers both carry (`h`,
//! one `Name: value` each, repeatable). Pure: text in, an [`Answer`] or one
//! sentence out.
//!
//! Only these names may be set, so the responder can never set a cookie,
//! a content type or a redirect, only what CORS reads:
//! the six `Access-Control-*` response headers of the Fetch standard and
//! `Vary` ([`SETTABLE`]). A header may be given twice (the "sent twice"
//! mistake). Bad input gets one sentence that names the parameter by its
//! place, never by its text: nothing unparsable is reflected.

use std::fmt;

/// The response headers a learner may set, as written on the wire.
pub const SETTABLE: [&str; 7] = [
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "vary",
];

/// At most this many `h` parameters.
pub const MAX_HEADERS: usize = 12;
/// At most this many bytes in one header value.
pub const MAX_VALUE_BYTES: usize = 256;
/// At most this many bytes in the whole query string.
pub const MAX_QUERY_BYTES: usize = 4096;

/// The answer the learner asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The actual response's status.
    pub status: u16,
    /// The preflight's status.
    pub preflight_status: u16,
    /// Lower-case names from [`SETTABLE`] and their values (visible ASCII,
    /// spaces and tabs, trimmed), in the order given.
    pub headers: Vec<(&'static str, String)>,
}

impl Default for Answer {
    fn default() -> Self {
        Self { status: 200, preflight_status: 204, headers: Vec::new() }
    }
}

/// Why a query was refused (answered 400 with this sentence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadQuery {
    /// The query string is longer than [`MAX_QUERY_BYTES`].
    TooLong,
    /// A parameter other than `status`, `preflight`, `h` and `tab`.
    Unknown(usize),
    /// `status` or `preflight` given twice.
    Twice(&'static str),
    /// `status` or `preflight` not a number from 200 to 599.
    Status(&'static str),
    /// More than [`MAX_HEADERS`] headers.
    TooManyHeaders,
    /// The n-th `h` has no `:` or a name that is not a token.
    Unparsable(usize),
    /// The n-th `h` names a header the responder may not set.
    NotSettable(usize),
    /// The n-th `h`'s value is too long or holds a byte a field value may not.
    BadValue(usize),
}

impl fmt::Display for BadQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong => write!(f, "the query string is longer than {MAX_QUERY_BYTES} bytes"),
            Self::Unknown(n) => {
                write!(f, "parameter {n} is not one of status, preflight, h (a response header) and tab")
            }
            Self::Twice(key) => write!(f, "{key} is given twice"),
            Self::Status(key) => write!(f, "{key} must be a status from 200 to 599"),
            Self::TooManyHeaders => write!(f, "at most {MAX_HEADERS} response headers (h=…) may be set"),
            Self::Unparsable(n) => write!(f, "response header {n} is not `Name: value` with a valid header name"),
            Self::NotSettable(n) => write!(
                f,
                "response header {n} is not one the responder may set (only {}): it never sets cookies or \
                 anything but what CORS reads",
                SETTABLE.join(", ")
            ),
            Self::BadValue(n) => write!(
                f,
                "response header {n}'s value is longer than {MAX_VALUE_BYTES} bytes or holds a character a \
                 header value may not (only visible ASCII, spaces and tabs)"
            ),
        }
    }
}

/// Reads the answer from a raw (percent-encoded) query string.
pub fn parse(query: Option<&str>) -> Result<Answer, BadQuery> {
    let query = query.unwrap_or_default();
    if query.len() > MAX_QUERY_BYTES {
        return Err(BadQuery::TooLong);
    }
    let mut answer = Answer::default();
    let (mut status, mut preflight, mut headers) = (None, None, 0);
    for (i, (key, value)) in form_urlencoded::parse(query.as_bytes()).enumerate() {
        match &*key {
            "tab" => {}
            "status" => set_status(&mut status, "status", &value)?,
            "preflight" => set_status(&mut preflight, "preflight", &value)?,
            "h" => {
                headers += 1;
                if headers > MAX_HEADERS {
                    return Err(BadQuery::TooManyHeaders);
                }
                answer.headers.push(header(headers, &value)?);
            }
            _ => return Err(BadQuery::Unknown(i + 1)),
        }
    }
    answer.status = status.unwrap_or(answer.status);
    answer.preflight_status = preflight.unwrap_or(answer.preflight_status);
    Ok(answer)
}

fn set_status(slot: &mut Option<u16>, key: &'static str, value: &str) -> Result<(), BadQuery> {
    if slot.is_some() {
        return Err(BadQuery::Twice(key));
    }
    let status = value.parse::<u16>().ok().filter(|s| (200..=599).contains(s) && value.len() == 3);
    *slot = Some(status.ok_or(BadQuery::Status(key))?);
    Ok(())
}

/// One `Name: value` line, the n-th.
fn header(n: usize, line: &str) -> Result<(&'static str, String), BadQuery> {
    let (name, value) = line.split_once(':').ok_or(BadQuery::Unparsable(n))?;
    let name = name.trim_matches([' ', '\t']);
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(BadQuery::Unparsable(n));
    }
    let settable = SETTABLE.iter().find(|s| s.eq_ignore_ascii_case(name)).ok_or(BadQuery::NotSettable(n))?;
    let value = value.trim_matches([' ', '\t']);
    let printable = value.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
    if value.len() > MAX_VALUE_BYTES || !printable {
        return Err(BadQuery::BadValue(n));
    }
    Ok((settable, value.to_owned()))
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playground_answer_defaults_to_200_and_a_204_preflight_with_no_headers() {
        assert_eq!(parse(None), Ok(Answer::default()));
        assert_eq!(parse(Some("tab=abc123")), Ok(Answer::default()));
    }

    #[test]
    fn playground_answer_reads_statuses_and_headers_in_order_twice_included() {
        let q = "status=500&preflight=404&h=Access-Control-Allow-Origin%3A%20*&h=vary:%20Origin\
                 &h=access-control-allow-origin:%20http%3A%2F%2Flocalhost%3A3000&tab=x";
        let answer = parse(Some(q)).expect("valid");
        assert_eq!((answer.status, answer.preflight_status), (500, 404));
        assert_eq!(
            answer.headers,
            vec![
                ("access-control-allow-origin", "*".to_owned()),
                ("vary", "Origin".to_owned()),
                ("access-control-allow-origin", "http://localhost:3000".to_owned()),
            ]
        );
    }

    #[test]
    fn playground_answer_allows_an_empty_value() {
        let answer = parse(Some("h=Access-Control-Allow-Headers:")).expect("valid");
        assert_eq!(answer.headers, vec![("access-control-allow-headers", String::new())]);
    }

    #[test]
    fn playground_answer_refuses_bad_statuses() {
        for bad in ["status=99", "status=600", "status=abc", "status=", "status=0200", "status=101", "preflight=1000"] {
            assert!(matches!(parse(Some(bad)), Err(BadQuery::Status(_))), "{bad}");
        }
        assert_eq!(parse(Some("status=200&status=201")), Err(BadQuery::Twice("status")));
    }

    #[test]
    fn playground_answer_never_sets_anything_but_what_cors_reads() {
        for name in ["Set-Cookie", "Location", "Content-Type", "Access-Control-Request-Method", "X-Anything"] {
            let q = format!("h={name}:%20x");
            assert_eq!(parse(Some(&q)), Err(BadQuery::NotSettable(1)), "{name}");
        }
    }

    #[test]
    fn playground_answer_refuses_values_it_cannot_send_and_never_reflects_them() {
        for (q, want) in [
            ("h=Vary:%20a%0D%0ASet-Cookie:%20x=1", BadQuery::BadValue(1)),
            ("h=Vary:%20a%00b", BadQuery::BadValue(1)),
            ("h=Vary:%20caf%C3%A9", BadQuery::BadValue(1)),
            ("h=no%20colon", BadQuery::Unparsable(1)),
            ("h=Bad%20Name:%20x", BadQuery::Unparsable(1)),
            ("h=:%20x", BadQuery::Unparsable(1)),
            ("h=%3Cscript%3E:%20x", BadQuery::Unparsable(1)),
        ] {
            let err = parse(Some(q)).expect_err(q);
            assert_eq!(err, want, "{q}");
            let sentence = err.to_string();
            assert!(!sentence.contains("script") && !sentence.contains("Set-Cookie:") && !sentence.contains('\r'));
        }
        let long = format!("h=Vary:%20{}", "a".repeat(MAX_VALUE_BYTES + 1));
        assert_eq!(parse(Some(&long)), Err(BadQuery::BadValue(1)));
    }

    #[test]
    fn playground_answer_is_bounded() {
        let many = vec!["h=Vary:%20Origin"; MAX_HEADERS + 1].join("&");
        assert_eq!(parse(Some(&many)), Err(BadQuery::TooManyHeaders));
        assert_eq!(parse(Some(&"a".repeat(MAX_QUERY_BYTES + 1))), Err(BadQuery::TooLong));
        assert_eq!(parse(Some("tab=1&evil=%0d%0a")), Err(BadQuery::Unknown(2)));
    }
}
