//! Reading one cookie from a request's `Cookie` header(s).

use axum::http::{HeaderMap, header};

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn a_cookie_is_found_among_others_and_only_by_its_full_name() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; f1_session=abc"));
        headers.append(header::COOKIE, HeaderValue::from_static("f1_lab=t"));
        assert_eq!(cookie(&headers, "f1_session"), Some("abc"));
        assert_eq!(cookie(&headers, "f1_lab"), Some("t"));
        assert_eq!(cookie(&headers, "f1"), None);
        assert_eq!(cookie(&HeaderMap::new(), "a"), None);
    }
}
