//! JSONP: the API origin answers `callback(<JSON string>);` as a script.
//!
//! The callback name is the one thing a JSONP endpoint reflects, and the
//! classic way to turn it into a cross-site scripting hole; so it must be a
//! JavaScript identifier or a dotted path of at most 64 characters, and
//! anything else gets a 400 whose text never repeats the input.

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// The longest callback accepted, in bytes (all ASCII).
pub const MAX_CALLBACK_LEN: usize = 64;

/// Why a callback was refused; the text is what the client sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    /// No `callback` parameter.
    #[error("missing callback parameter: call /jsonp/results?callback=refreshSection")]
    Missing,
    /// More than one `callback` parameter.
    #[error("the callback parameter is given more than once")]
    Repeated,
    /// Not an identifier or dotted path.
    #[error(
        "invalid callback: use a JavaScript identifier or dotted path (letters, digits, _ and $) of at most 64 characters"
    )]
    Invalid,
}

/// Finds the single `callback` parameter of a query string and validates it.
pub fn callback_from_query(query: Option<&str>) -> Result<String, CallbackError> {
    let mut found = None;
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if key == "callback" {
            if found.is_some() {
                return Err(CallbackError::Repeated);
            }
            found = Some(value.into_owned());
        }
    }
    let callback = found.ok_or(CallbackError::Missing)?;
    if is_valid_callback(&callback) { Ok(callback) } else { Err(CallbackError::Invalid) }
}

/// `refreshSection`, `app.handlers.refresh`, `$jsonp_1`: yes. Anything with
/// brackets, quotes, spaces, escapes, non-ASCII or empty segments: no. A
/// reserved word as the first segment: no, because `import(…)`, `typeof(…)`,
/// `delete(…)` or `new(…)` are not calls of a function named by the page.
///
/// Dotted paths are allowed on purpose, including odd ones such as
/// `constructor.constructor` (the `Function` constructor) or `__proto__`:
/// the caller chooses only *what* is called, never *with what*. The one
/// argument is always our own JSON string literal (the standings fragment,
/// rendered from the simulation, no request data in it), so even a callee
/// that turns a string into code gets HTML, a syntax error. The response is
/// `nosniff` JavaScript, so it runs only where a page deliberately includes
/// it as a script, and that page chose the callback; the 64-byte cap also
/// rules out the long alphanumeric payloads of Rosetta Flash.
pub fn is_valid_callback(name: &str) -> bool {
    let ident = |s: &str| {
        let mut bytes = s.bytes();
        bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'$')
            && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    };
    let first = name.split('.').next().unwrap_or_default();
    name.len() <= MAX_CALLBACK_LEN && name.split('.').all(ident) && !RESERVED.contains(&first)
}

/// ECMAScript's reserved words, plus those of strict mode: not identifiers,
/// so not the name of a function. (After a dot they are property names,
/// which is fine: `promise.catch`.)
const RESERVED: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "implements",
    "interface",
    "let",
    "package",
    "private",
    "protected",
    "public",
    "static",
];

/// `GET /jsonp/results?callback=NAME`
pub async fn results(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let callback = match callback_from_query(query.as_deref()) {
        Ok(callback) => callback,
        Err(err) => {
            return (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], err.to_string())
                .into_response();
        }
    };
    let rendered = match state.standings.for_snapshot(state.race.current()) {
        Ok(rendered) => rendered,
        Err(err) => return err.into_response(),
    };
    let mut body = Vec::with_capacity(callback.len() + rendered.js_string.len() + 3);
    body.extend_from_slice(callback.as_bytes());
    body.push(b'(');
    body.extend_from_slice(&rendered.js_string);
    body.extend_from_slice(b");");
    (
        [
            (header::CONTENT_TYPE, "application/javascript; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_dotted_paths_are_accepted() {
        let long = "a".repeat(64);
        let ok =
            ["refreshSection", "app.handlers.refresh", "$", "_cb1", "jQuery1102_1390", "promise.catch", "a.default"];
        let odd_but_safe = ["constructor.constructor", "__proto__", "imports", "eval", long.as_str()];
        for ok in ok.into_iter().chain(odd_but_safe) {
            assert!(is_valid_callback(ok), "{ok:?}");
        }
    }

    #[test]
    fn payloads_are_refused() {
        let bad = [
            "",
            "alert(1)//",
            "a;alert(1)",
            "<script>",
            "a b",
            "a..b",
            ".a",
            "a.",
            "1abc",
            "a-b",
            "a[0]",
            "a\u{2028}",
            "\u{e9}t\u{e9}",
            "a\"",
            "a'",
            "a/**/",
            &"a".repeat(65),
            "a\\u0028",
            "import",
            "typeof",
            "new.target",
            "this.x",
        ];
        for b in bad {
            assert!(!is_valid_callback(b), "{b:?}");
        }
    }

    #[test]
    fn the_query_must_hold_exactly_one_callback() {
        assert_eq!(callback_from_query(Some("callback=refreshSection")), Ok("refreshSection".to_owned()));
        assert_eq!(callback_from_query(Some("callback=app%2Erefresh&_=1")), Ok("app.refresh".to_owned()));
        assert_eq!(callback_from_query(None), Err(CallbackError::Missing));
        assert_eq!(callback_from_query(Some("cb=x")), Err(CallbackError::Missing));
        assert_eq!(callback_from_query(Some("callback=a&callback=b")), Err(CallbackError::Repeated));
        assert_eq!(callback_from_query(Some("callback=alert(1)%2F%2F")), Err(CallbackError::Invalid));
    }

    #[test]
    fn errors_never_echo_the_input() {
        let payload = "<script>alert(1)</script>";
        let err = callback_from_query(Some(&format!("callback={payload}"))).expect_err("refused");
        assert!(!err.to_string().contains("script>"));
    }
}
