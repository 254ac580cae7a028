//! A scenario's `[around]` table: what the server does around its CORS
//! layer (an auth layer in front of it, a failing handler, a trailing-slash
//! redirect behind it, the layer on the routes only, a shared cache, `Vary`
//! left out), as written, read into [`Around`] and described for the lab.

use serde::Deserialize;

use crate::cors::policy::PathPattern;
use crate::cors::setup::Around;

/// `[around]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AroundDoc {
    /// Paths an authentication layer in front of CORS guards.
    #[serde(default)]
    auth_first: Vec<String>,
    /// `[method, path]` pairs whose handler fails (500 without CORS headers).
    #[serde(default)]
    failing: Vec<(String, String)>,
    /// Paths routed with a trailing slash (a 308 without it).
    #[serde(default)]
    slash_redirect: Vec<String>,
    /// The CORS layer on the routes only: preflights reach the router.
    #[serde(default)]
    pub(super) cors_on_routes_only: bool,
    /// A URL-keyed shared cache in front of the API.
    #[serde(default)]
    shared_cache: bool,
    /// `false` leaves `Vary: Origin` out.
    #[serde(default = "yes")]
    pub(super) vary: bool,
}

fn yes() -> bool {
    true
}

impl Default for AroundDoc {
    fn default() -> Self {
        Self {
            auth_first: Vec::new(),
            failing: Vec::new(),
            slash_redirect: Vec::new(),
            cors_on_routes_only: false,
            shared_cache: false,
            vary: true,
        }
    }
}

fn path(raw: &str) -> Result<PathPattern, String> {
    PathPattern::parse(1, raw).map_err(|e| e.to_string())
}

impl AroundDoc {
    /// The quirks it describes, or why it cannot be used.
    pub(super) fn read(&self) -> Result<Around, String> {
        let failing = self
            .failing
            .iter()
            .map(|(method, p)| {
                let known = ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&method.as_str());
                if known { Ok((method.clone(), path(p)?)) } else { Err(format!("failing: unknown method {method:?}")) }
            })
            .collect::<Result<_, String>>()?;
        let slash_redirect = self.slash_redirect.iter().map(|p| path(p)).collect::<Result<Vec<_>, _>>()?;
        if let Some(open) = self.slash_redirect.iter().find(|p| p.ends_with('*') || p.ends_with('/')) {
            return Err(format!("slash_redirect: {open:?} must name one path, without a trailing slash"));
        }
        Ok(Around {
            auth_first: self.auth_first.iter().map(|p| path(p)).collect::<Result<_, _>>()?,
            failing,
            slash_redirect,
            shared_cache: self.shared_cache,
        })
    }

    /// The lab page's lines for it (empty when it changes nothing).
    pub(super) fn describe(&self) -> String {
        let mut out = String::new();
        if !self.auth_first.is_empty() {
            out.push_str(&format!(
                "An authentication layer runs before CORS on {}: without a cookie or Authorization \
                 (so every preflight) it answers 401 and no CORS header.\n",
                self.auth_first.join(", ")
            ));
        }
        for (method, path) in &self.failing {
            out.push_str(&format!(
                "{method} {path} fails in its handler: the error handler, outside the CORS layer, answers 500 \
                 with no CORS header.\n"
            ));
        }
        for path in &self.slash_redirect {
            out.push_str(&format!(
                "{path} is routed as {path}/: every request without the slash is redirected (308), \
                 preflights included; the CORS layer adds its headers to the redirect.\n"
            ));
        }
        if self.cors_on_routes_only {
            out.push_str(
                "The CORS layer wraps the routes' handlers only (route_layer): a preflight reaches the router, \
                 which has no OPTIONS route and answers 405 with Allow.\n",
            );
        }
        if self.shared_cache {
            out.push_str(
                "A shared cache in front of the API stores every 200 answer to a GET without credentials for \
                 60 s, keyed by path and query only (not Origin).\n",
            );
        }
        if !self.vary {
            out.push_str("No answer carries Vary: Origin.\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Result<AroundDoc, toml::de::Error> {
        toml::from_str(text)
    }

    #[test]
    fn an_empty_table_changes_nothing() {
        let around = doc("").expect("parses");
        assert_eq!(around.read().expect("reads"), Around::default());
        assert!(around.vary && !around.cors_on_routes_only && around.describe().is_empty());
    }

    #[test]
    fn every_quirk_is_read_and_described() {
        let around = doc(r#"
            auth_first = ["/api/v1/users/*"]
            failing = [["PUT", "/api/v1/users/favourite"]]
            slash_redirect = ["/cors/results"]
            cors_on_routes_only = true
            shared_cache = true
            vary = false
        "#)
        .expect("parses");
        let read = around.read().expect("reads");
        assert_eq!((read.auth_first.len(), read.failing.len(), read.slash_redirect.len()), (1, 1, 1));
        assert!(read.shared_cache);
        let text = around.describe();
        for words in ["401", "500", "308", "405", "shared cache", "Vary"] {
            assert!(text.contains(words), "{words}: {text}");
        }
    }

    #[test]
    fn mistakes_in_the_table_are_refused_with_a_reason() {
        assert!(doc("unknown = 1").is_err());
        let bad_method = doc(r#"failing = [["BREW", "/x"]]"#).expect("parses").read();
        assert!(bad_method.is_err_and(|e| e.contains("BREW")));
        let open = doc(r#"slash_redirect = ["/cors/*"]"#).expect("parses").read();
        assert!(open.is_err_and(|e| e.contains("one path")));
    }
}
