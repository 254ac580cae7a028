//! The origins `probe` sends, derived from the one the server should allow:
//! the classes Corsy and CORScanner look for (an unrelated origin, prefix
//! and suffix look-alikes, `null`, another subdomain, the other scheme,
//! special characters before the domain, an unescaped dot, a trailing
//! slash, case, other ports, shared hosting domains). Pure: no network.

/// One kind of look-alike, with what it teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// The allowed origin itself: the probe reaches the policy.
    Allowed,
    /// An unrelated site: the Origin reflected whatever it is.
    AnyOrigin,
    /// `http://localhost.evil.test`: a pattern that is not anchored at its end.
    Prefix,
    /// `http://evillocalhost`: not anchored at its start.
    Suffix,
    /// `null`: sandboxed frames, `file:` pages.
    Null,
    /// `http://evil.localhost`: every subdomain trusted.
    Subdomain,
    /// The other scheme (http for https, https for http).
    Scheme,
    /// `http://localhost%60.evil.test`: a character a loose parser stops at.
    SpecialCharacter,
    /// `wwwxexample.com` for `www.example.com`: a dot a regex reads as any character.
    UnescapedDot,
    /// The allowed origin with a trailing slash.
    TrailingSlash,
    /// The allowed origin in other letters' case.
    Case,
    /// The allowed host on another port.
    Port,
    /// A shared hosting domain anyone can publish on.
    ThirdParty,
}

impl Class {
    /// Its name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::AnyOrigin => "any-origin",
            Self::Prefix => "prefix",
            Self::Suffix => "suffix",
            Self::Null => "null",
            Self::Subdomain => "subdomain",
            Self::Scheme => "scheme",
            Self::SpecialCharacter => "special-character",
            Self::UnescapedDot => "unescaped-dot",
            Self::TrailingSlash => "trailing-slash",
            Self::Case => "case",
            Self::Port => "port",
            Self::ThirdParty => "third-party",
        }
    }

    /// The lab scenario that teaches it, if one does.
    pub fn scenario(self) -> Option<&'static str> {
        match self {
            Self::AnyOrigin => Some("reflect-any-origin"),
            Self::Prefix | Self::Suffix | Self::SpecialCharacter | Self::UnescapedDot | Self::Subdomain => {
                Some("unanchored-pattern")
            }
            Self::Null => Some("null-origin-allowed"),
            _ => None,
        }
    }

    /// The one-line fix.
    pub fn fix(self) -> &'static str {
        match self {
            Self::Allowed => "nothing: this is the origin you allow",
            Self::AnyOrigin => "check the Origin against an explicit list; never echo it back",
            Self::Prefix | Self::Suffix | Self::SpecialCharacter | Self::Subdomain => {
                "compare whole origins (or anchor the pattern: ^https://app\\.example\\.com$)"
            }
            Self::UnescapedDot => "escape the dots of the pattern (\\.) and anchor it",
            Self::Null => "never allow null: sandboxed frames of any site send it",
            Self::Scheme => "allow only the scheme you serve: an http origin can be spoofed on the network",
            Self::TrailingSlash | Self::Case => "compare the Origin byte for byte with the allowed list",
            Self::Port => "compare the port too: another port is another origin",
            Self::ThirdParty => "never allow shared hosting domains: anyone can publish a page there",
        }
    }
}

/// The characters CORScanner puts between the allowed host and an attacker's domain.
const SPECIAL: &[&str] = &["%60", "_", "!", "~", "$", "&", "'", "(", "*", "+", ",", ";", "=", "-", "\""];

/// Shared hosting domains anyone can publish on.
const HOSTING: &[&str] = &["x.github.io", "x.herokuapp.com", "x.netlify.app", "x.vercel.app", "x.pages.dev"];

/// The parts of an allowed origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Allowed {
    /// Reads `scheme://host[:port]`, or says what is wrong in a phrase.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (scheme, rest) = raw.split_once("://").ok_or("an origin is scheme://host[:port]")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err("the origin's scheme must be http or https".to_owned());
        }
        let (host, port) = match rest.find(']') {
            Some(end) => (&rest[..=end], rest[end + 1..].strip_prefix(':')),
            None => rest.split_once(':').map_or((rest, None), |(h, p)| (h, Some(p))),
        };
        let port = port.map(|p| p.parse::<u16>().map_err(|_| "the origin's port is not a number")).transpose()?;
        let plain = |c: char| c.is_ascii_alphanumeric() || "-.[]:".contains(c);
        if host.is_empty() || !host.chars().all(plain) {
            return Err("the origin's host must be a plain name, with no path".to_owned());
        }
        Ok(Self { scheme, host: host.to_ascii_lowercase(), port })
    }

    fn port_suffix(&self) -> String {
        self.port.map(|p| format!(":{p}")).unwrap_or_default()
    }

    /// The allowed origin, as the browser would send it.
    pub fn origin(&self) -> String {
        format!("{}://{}{}", self.scheme, self.host, self.port_suffix())
    }
}

/// Every origin to try, with its class; the allowed origin first.
pub fn candidates(allowed: &Allowed) -> Vec<(Class, String)> {
    let (scheme, host, port) = (&allowed.scheme, &allowed.host, allowed.port_suffix());
    let other_scheme = if scheme == "https" { "http" } else { "https" };
    let mut out = vec![
        (Class::Allowed, allowed.origin()),
        (Class::AnyOrigin, "https://evil.test".to_owned()),
        (Class::Prefix, format!("{scheme}://{host}.evil.test")),
        (Class::Suffix, format!("{scheme}://evil{host}")),
        (Class::Null, "null".to_owned()),
        (Class::Subdomain, format!("{scheme}://evil.{host}{port}")),
        (Class::Scheme, format!("{other_scheme}://{host}{port}")),
    ];
    out.extend(SPECIAL.iter().map(|c| (Class::SpecialCharacter, format!("{scheme}://{host}{c}.evil.test"))));
    if let Some((left, right)) = host.split_once('.') {
        out.push((Class::UnescapedDot, format!("{scheme}://{left}x{right}{port}")));
    }
    out.push((Class::TrailingSlash, format!("{}/", allowed.origin())));
    out.push((Class::Case, format!("{}://{}{port}", scheme.to_ascii_uppercase(), host.to_ascii_uppercase())));
    let other_port = if allowed.port == Some(8080) { 8081 } else { 8080 };
    out.push((Class::Port, format!("{scheme}://{host}:{other_port}")));
    if allowed.port.is_some() {
        out.push((Class::Port, format!("{scheme}://{host}")));
    }
    out.extend(HOSTING.iter().map(|h| (Class::ThirdParty, format!("https://{h}"))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins_of(raw: &str) -> Vec<(Class, String)> {
        candidates(&Allowed::parse(raw).expect("an origin"))
    }

    #[test]
    fn the_classes_of_the_tools_are_derived_from_the_allowed_origin() {
        let all = origins_of("http://localhost:3000");
        let has = |class: Class, origin: &str| all.contains(&(class, origin.to_owned()));
        assert!(has(Class::Allowed, "http://localhost:3000"));
        assert!(has(Class::AnyOrigin, "https://evil.test"));
        assert!(has(Class::Prefix, "http://localhost.evil.test"));
        assert!(has(Class::Suffix, "http://evillocalhost"));
        assert!(has(Class::Null, "null"));
        assert!(has(Class::Subdomain, "http://evil.localhost:3000"));
        assert!(has(Class::Scheme, "https://localhost:3000"));
        assert!(has(Class::SpecialCharacter, "http://localhost%60.evil.test"));
        assert!(has(Class::SpecialCharacter, "http://localhost_.evil.test"));
        assert!(has(Class::TrailingSlash, "http://localhost:3000/"));
        assert!(has(Class::Case, "HTTP://LOCALHOST:3000"));
        assert!(has(Class::Port, "http://localhost:8080") && has(Class::Port, "http://localhost"));
        assert!(has(Class::ThirdParty, "https://x.github.io"));
        assert!(all.iter().all(|(c, _)| *c != Class::UnescapedDot), "localhost has no dot");
    }

    #[test]
    fn a_dotted_host_gets_an_unescaped_dot_look_alike() {
        let all = origins_of("https://app.example.com");
        assert!(all.contains(&(Class::UnescapedDot, "https://appxexample.com".to_owned())));
        assert!(all.contains(&(Class::Scheme, "http://app.example.com".to_owned())));
    }

    #[test]
    fn what_is_not_an_origin_is_refused_with_a_reason() {
        for bad in ["localhost:3000", "ftp://x", "http://x/path", "http://x:port", "http://"] {
            assert!(Allowed::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Allowed::parse("HTTP://LocalHost:3000").map(|a| a.origin()), Ok("http://localhost:3000".into()));
        assert_eq!(Allowed::parse("http://[::1]:3000").map(|a| a.origin()), Ok("http://[::1]:3000".into()));
    }
}
