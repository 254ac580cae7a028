//! The few pieces of HTTP syntax the CORS checks need: tokens, whitespace,
//! comma-separated lists, and whether a value reads as a URL.

/// Strips leading and trailing HTTP whitespace (tab, LF, CR, space).
pub(crate) fn trim_http_whitespace(s: &str) -> &str {
    // Byte by byte: `trim_matches` with a char set is several times slower,
    // and every header value and list item passes through here.
    let is_space = |b: &u8| matches!(b, b'\t' | b'\n' | b'\r' | b' ');
    let bytes = s.as_bytes();
    let start = bytes.iter().position(|b| !is_space(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !is_space(b)).map_or(start, |last| last + 1);
    // Both ends sit next to ASCII bytes, so on character boundaries.
    s.get(start..end).unwrap_or_default()
}

/// A byte class as a lookup table: one load per byte, however long the list.
pub(crate) struct ByteClass([bool; 256]);

impl ByteClass {
    /// The ASCII letters and digits (when `alphanumeric`) plus `extra`.
    pub(crate) const fn new(alphanumeric: bool, extra: &[u8]) -> Self {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = alphanumeric && (b as u8).is_ascii_alphanumeric();
            b += 1;
        }
        let mut i = 0;
        while i < extra.len() {
            table[extra[i] as usize] = true;
            i += 1;
        }
        Self(table)
    }

    /// The same class plus the control bytes 0x00-0x1F, tab excepted.
    pub(crate) const fn and_controls_but_tab(mut self) -> Self {
        let mut b = 0;
        while b < 0x20 {
            self.0[b] = b != b'\t' as usize;
            b += 1;
        }
        self
    }

    /// Whether `b` belongs to the class.
    pub(crate) fn has(&self, b: u8) -> bool {
        self.0[usize::from(b)]
    }
}

const TOKEN: ByteClass = ByteClass::new(true, b"!#$%&'*+-.^_`|~");

/// An RFC 9110 token: one or more of `!#$%&'*+-.^_`|~`, digits and letters.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| TOKEN.has(b))
}

/// The items of a `#token` list (`Access-Control-Allow-Methods` & co.),
/// empty items skipped.
pub(crate) fn list_items(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(trim_http_whitespace).filter(|item| !item.is_empty())
}

/// Reads a `#token` list in one pass: whether an item is `wanted`, or None
/// when an item is not a token, which makes the whole header unusable.
pub(crate) fn scan_list(value: &str, mut wanted: impl FnMut(&str) -> bool) -> Option<bool> {
    let mut found = false;
    for item in list_items(value) {
        if !is_token(item) {
            return None;
        }
        found = found || wanted(item);
    }
    Some(found)
}

/// Whether Chromium's URL parser (GURL) takes `value` for a URL at all. It
/// only decides which message a wrong `Access-Control-Allow-Origin` gets
/// ("invalid value" or "not equal"), so an approximation is enough: a scheme,
/// and for the web schemes a host with an optional numeric port.
pub(crate) fn parses_as_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !scheme_ok {
        return false;
    }
    let special = ["http", "https", "ws", "wss", "ftp"].iter().any(|s| s.eq_ignore_ascii_case(scheme));
    if !special {
        return true;
    }
    let authority = rest.trim_start_matches(['/', '\\']);
    let authority = authority.split(['/', '\\', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = match host_port.strip_prefix('[') {
        // An IPv6 literal must be closed (`http://[::1` is invalid to GURL,
        // as the corpus shows), then may have a port.
        Some(literal) => {
            let Some((address, after)) = literal.split_once(']') else {
                return false;
            };
            let port = if after.is_empty() { Some("") } else { after.strip_prefix(':') };
            let hex = |b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.';
            match port {
                Some(port) if !address.is_empty() && address.bytes().all(hex) => (host_port, port),
                _ => return false,
            }
        }
        None => host_port.rsplit_once(':').unwrap_or((host_port, "")),
    };
    (host.starts_with('[') || is_domain_or_ipv4(host))
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().map_or(port.is_empty(), |p| p <= 65535)
}

/// A host GURL takes (approximately): not empty, no forbidden code point
/// (a second `:` is one), `%` only before two hex digits, and a host whose
/// last label is a number read as an IPv4 address, each part in range
/// (`127.1` is 127.0.0.1; `256.0.0.1` is invalid, as the corpus shows).
fn is_domain_or_ipv4(host: &str) -> bool {
    let bytes = host.as_bytes();
    let forbidden = |b: &u8| b" #/:<>?@[\\]^|".contains(b) || b.is_ascii_control();
    let escapes_ok = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'%')
        .all(|(i, _)| bytes.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)));
    if host.is_empty() || bytes.iter().any(forbidden) || !escapes_ok {
        return false;
    }
    let labels: Vec<&str> = host.strip_suffix('.').unwrap_or(host).split('.').collect();
    let numeric = |label: &str| !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit());
    if !labels.last().is_some_and(|last| numeric(last)) {
        return true;
    }
    // An IPv4 address: up to four decimal parts, the last filling what is left.
    let Some((last, parts)) = labels.split_last() else {
        return false;
    };
    let value = |label: &str| if numeric(label) { label.parse::<u64>().ok() } else { None };
    let room = 256u64.pow(u32::try_from(5 - labels.len().min(4)).unwrap_or(1));
    labels.len() <= 4
        && parts.iter().all(|p| value(p).is_some_and(|v| v <= 255))
        && value(last).is_some_and(|v| v < room)
}
