//! One corpus case: the request the page makes and what the server answers,
//! built with a few chained calls so the list reads like a table.

use f1_race_results::diagnosis::{CredentialsMode, RequestKind, RequestSpec};
use serde_json::json;

use super::server::{BODY, Reply, Script};

pub const ACAO: &str = "Access-Control-Allow-Origin";
pub const ACAC: &str = "Access-Control-Allow-Credentials";
pub const ACAM: &str = "Access-Control-Allow-Methods";
pub const ACAH: &str = "Access-Control-Allow-Headers";
pub const ACEH: &str = "Access-Control-Expose-Headers";
pub const MAX_AGE: &str = "Access-Control-Max-Age";
/// Stands for the runner page's origin in scripted header values; `{PAGE}`
/// for it in upper case, `{port}` for its port.
pub const PAGE: &str = "{page}";

#[derive(Debug, Clone)]
pub struct Case {
    pub name: &'static str,
    pub kind: RequestKind,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub credentials: CredentialsMode,
    /// Whether the request sends a (text) body.
    pub body: bool,
    /// Run from a page with an opaque origin (`Origin: null`).
    pub sandboxed: bool,
    pub preflight: Reply,
    pub actual: Reply,
    /// How many times the request runs (to see the preflight cache).
    pub repeat: u32,
}

/// A `fetch` GET whose preflight (if any) and response allow the page origin.
pub fn case(name: &'static str) -> Case {
    Case {
        name,
        kind: RequestKind::Fetch,
        method: "GET".to_owned(),
        headers: Vec::new(),
        credentials: CredentialsMode::SameOrigin,
        body: false,
        sandboxed: false,
        preflight: reply(204, &[(ACAO, PAGE)]),
        actual: reply(200, &[(ACAO, PAGE)]),
        repeat: 1,
    }
}

fn reply(status: u16, headers: &[(&str, &str)]) -> Reply {
    Reply { status, headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect() }
}

impl Case {
    pub fn xhr(mut self) -> Self {
        self.kind = RequestKind::Xhr;
        self
    }
    pub fn method(mut self, method: &str) -> Self {
        self.method = method.to_owned();
        self.body = !matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD");
        self
    }
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
    pub fn credentials(mut self, credentials: CredentialsMode) -> Self {
        self.credentials = credentials;
        self
    }
    pub fn include(self) -> Self {
        self.credentials(CredentialsMode::Include)
    }
    pub fn sandboxed(mut self) -> Self {
        self.sandboxed = true;
        self
    }
    pub fn preflight(mut self, status: u16, headers: &[(&str, &str)]) -> Self {
        self.preflight = reply(status, headers);
        self
    }
    pub fn actual(mut self, status: u16, headers: &[(&str, &str)]) -> Self {
        self.actual = reply(status, headers);
        self
    }
    pub fn repeat(mut self, times: u32) -> Self {
        self.repeat = times;
        self
    }

    /// The case as the diagnosis sees it, once the page's origin is known.
    pub fn spec(&self, page_origin: &str, api_origin: &str, path: &str) -> RequestSpec {
        let origin = if self.sandboxed { "null" } else { page_origin };
        let mut spec = RequestSpec::get(origin, api_origin, path)
            .method(&self.method)
            .credentials(self.credentials)
            .kind(self.kind);
        spec.headers.clone_from(&self.headers);
        spec
    }

    /// The answers with `{page}` replaced; the actual response also lists the
    /// `Content-Length` the server adds, since scripts may read it.
    pub fn script(&self, page_origin: &str) -> Script {
        let port = page_origin.rsplit(':').next().unwrap_or_default();
        let value = |v: &str| {
            v.replace(PAGE, page_origin).replace("{PAGE}", &page_origin.to_uppercase()).replace("{port}", port)
        };
        let resolve = |reply: &Reply| Reply {
            status: reply.status,
            headers: reply.headers.iter().map(|(n, v)| (n.clone(), value(v))).collect(),
        };
        Script { preflight: resolve(&self.preflight), actual: resolve(&self.actual) }
    }

    /// The headers the runner tries to read: every one the server sends.
    pub fn readable_candidates(&self) -> Vec<String> {
        let mut names = vec!["content-length".to_owned()];
        for (name, _) in &self.actual.headers {
            let name = name.to_ascii_lowercase();
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The runner's argument for this case.
    pub fn to_js(&self, url: &str) -> serde_json::Value {
        json!({
            "kind": match self.kind { RequestKind::Fetch => "fetch", RequestKind::Xhr => "xhr" },
            "url": url,
            "method": self.method,
            "headers": self.headers,
            "credentials": match self.credentials {
                CredentialsMode::Omit => "omit",
                CredentialsMode::SameOrigin => "same-origin",
                CredentialsMode::Include => "include",
            },
            "body": self.body.then_some("x"),
            "read": self.readable_candidates(),
            "expectBody": BODY,
        })
    }
}
