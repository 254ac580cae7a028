//! Origins no correct setup may admit, built around the app's real ports so
//! that the near misses are as near as they can be.

/// One hostile `Origin` value and what it tries.
#[derive(Debug, Clone)]
pub struct Hostile {
    pub what: &'static str,
    pub value: String,
}

fn h(what: &'static str, value: impl Into<String>) -> Hostile {
    Hostile { what, value: value.into() }
}

/// Characters a sloppy pattern or parser might let through before a dot:
/// `http://localhost_.evil.test:PORT` and friends.
pub const BEFORE_THE_DOT: &[&str] =
    &["_", "`", "%60", "!", "~", ";", "|", "&", "'", "(", "*", ",", "$", "=", "+", "{", "-", "}"];

/// Values any HTTP client can send (visible ASCII and spaces).
pub fn origins(page_port: u16, api_port: u16) -> Vec<Hostile> {
    let p = page_port;
    let page = format!("http://localhost:{p}");
    let mut list = vec![
        // Reflection probes: an allowlist would never name these.
        h("another site", "https://evil.test"),
        h("another site over http", "http://evil.test"),
        h("the API origin itself", format!("https://localhost:{api_port}")),
        // Prefixes and suffixes of the real origin.
        h("page origin as a subdomain", format!("{page}.evil.test")),
        h("localhost as a subdomain", "http://localhost.evil.test"),
        h("prefixed host", format!("http://evillocalhost:{p}")),
        h("dashed host", "http://evil-localhost.test"),
        h("port with a digit more", format!("{page}0")),
        h("port with a leading zero", format!("http://localhost:0{p}")),
        h("the next port", format!("http://localhost:{}", p.wrapping_add(1))),
        h("port twice", format!("{page}:{p}")),
        h("loopback IP as a subdomain", format!("http://127.0.0.1:{p}.evil.test")),
        // Opaque and scheme variants.
        h("opaque origin", "null"),
        h("Null in capitals", "Null"),
        h("a wildcard", "*"),
        h("empty", ""),
        h("https instead of http", format!("https://localhost:{p}")),
        h("default port", "http://localhost:80"),
        h("no port", "http://localhost"),
        h("websocket scheme", format!("ws://localhost:{p}")),
        h("file scheme", "file://"),
        h("file path", "file:///etc/passwd"),
        h("javascript URL", "javascript:alert(1)"),
        h("data URL", "data:text/html,<script>alert(1)</script>"),
        h("scheme-relative", format!("//localhost:{p}")),
        h("no scheme", format!("localhost:{p}")),
        h("one slash", format!("http:/localhost:{p}")),
        // URL parts an origin never has.
        h("userinfo before evil host", format!("{page}@evil.test")),
        h("userinfo before our host", format!("http://evil.test@localhost:{p}")),
        h("trailing slash", format!("{page}/")),
        h("a path", format!("{page}/cors")),
        h("a query", format!("{page}?x=1")),
        h("a fragment", format!("{page}#x")),
        h("a backslash", format!("{page}\\")),
        h("percent-encoded colon", format!("http://localhost%3A{p}")),
        // Case and spelling: browsers send the lower-case serialization only.
        h("upper case", format!("HTTP://LOCALHOST:{p}")),
        h("capitalized host", format!("http://Localhost:{p}")),
        h("trailing dot", format!("http://localhost.:{p}")),
        h("IPv4 in hex", format!("http://0x7f.0.0.1:{p}")),
        h("IPv4 as a number", format!("http://2130706433:{p}")),
        h("short IPv4", format!("http://127.1:{p}")),
        h("uncompressed IPv6", format!("http://[0:0:0:0:0:0:0:1]:{p}")),
        h("punycode look-alike", format!("http://xn--lcalhost-9wg:{p}")),
        // Whitespace inside (leading and trailing are in `padded`).
        h("space in the host", format!("http://local host:{p}")),
        h("space before the port", format!("http://localhost: {p}")),
        h("space after the scheme", format!("http:// localhost:{p}")),
        // Two origins in one header.
        h("two origins, space-separated", format!("{page} http://evil.test")),
        h("two origins, comma-separated", format!("{page}, http://evil.test")),
        h("evil first, comma-separated", format!("http://evil.test, {page}")),
        h("the page origin twice", format!("{page},{page}")),
        // Size.
        h("an 8 KB origin", format!("http://{}.test", "a".repeat(8 * 1024))),
        h("the page origin then 2 KB", format!("{page}{}", "a".repeat(2048))),
    ];
    for c in BEFORE_THE_DOT {
        list.push(h("special character before the dot", format!("http://localhost{c}.evil.test:{p}")));
    }
    list
}

/// The page origin with optional whitespace around it. HTTP strips leading
/// and trailing spaces and tabs from every field value (RFC 9110, 5.5), so
/// the server reads exactly the page origin: these must be answered as the
/// page origin, never with the whitespace echoed.
pub fn padded(page_port: u16) -> Vec<String> {
    let page = format!("http://localhost:{page_port}");
    vec![format!(" {page}"), format!("{page} "), format!("\t{page}"), format!("{page}\t"), format!("  {page}  ")]
}

/// Values only a raw write can carry: bytes that are not visible ASCII.
pub fn raw_origins(page_port: u16) -> Vec<(&'static str, Vec<u8>)> {
    let page = format!("http://localhost:{page_port}");
    let with = |bytes: &[u8]| [page.as_bytes(), bytes].concat();
    vec![
        ("a byte that is not UTF-8", with(b"\xff")),
        ("Latin-1 in the host", format!("http://l\u{f6}calhost:{page_port}").into_bytes()),
        ("Latin-1 byte in the host", [b"http://l\xf6calhost:".as_slice(), page_port.to_string().as_bytes()].concat()),
        ("a lone continuation byte", with(b"\x80")),
        ("a NUL byte", with(b"\x00")),
        ("a vertical tab", with(b"\x0b")),
        ("DEL", with(b"\x7f")),
        ("a bare CR inside", with(b"\rX-Evil: 1")),
    ]
}
