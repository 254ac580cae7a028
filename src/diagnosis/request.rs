//! The request as the page's script made it: what the browser will send,
//! before any CORS rule looks at it.

/// Whether the request carries credentials (cookies, HTTP authentication).
///
/// Only `Include` changes the CORS rules: `Omit` and `SameOrigin` are alike
/// for a cross-origin request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CredentialsMode {
    /// `fetch(url, {credentials: 'omit'})`.
    Omit,
    /// The default of `fetch`, and of `XMLHttpRequest` without `withCredentials`.
    #[default]
    SameOrigin,
    /// `fetch(url, {credentials: 'include'})` or `xhr.withCredentials = true`.
    Include,
}

/// Which API made the request; Chromium words its messages after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestKind {
    /// `fetch()`.
    #[default]
    Fetch,
    /// `XMLHttpRequest`.
    Xhr,
}

/// One request, as the page's script asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSpec {
    /// The method the script passed, as written (`patch` stays `patch`).
    pub method: String,
    /// The serialized origin of the URL requested, e.g. `https://localhost:3001`.
    pub target_origin: String,
    /// The rest of the URL: path and query, e.g. `/cors/results`.
    pub path: String,
    /// The `Origin` the browser sends: the page's serialized origin, or
    /// `null` for an opaque one (a sandboxed page, a `data:` URL).
    pub page_origin: String,
    /// Headers the script set, in the order it set them.
    pub headers: Vec<(String, String)>,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// `fetch` or `XMLHttpRequest`.
    pub kind: RequestKind,
}

/// Methods the browser upper-cases (Fetch "normalize a method"); any other
/// method is sent exactly as the script wrote it.
const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

impl RequestSpec {
    /// A `GET` by `fetch` with no headers and the default credentials mode.
    pub fn get(page_origin: &str, target_origin: &str, path: &str) -> Self {
        Self {
            method: "GET".to_owned(),
            target_origin: target_origin.to_owned(),
            path: path.to_owned(),
            page_origin: page_origin.to_owned(),
            headers: Vec::new(),
            credentials: CredentialsMode::default(),
            kind: RequestKind::default(),
        }
    }

    /// The same request with another method.
    pub fn method(mut self, method: &str) -> Self {
        method.clone_into(&mut self.method);
        self
    }

    /// The same request with one more header set by the script.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The same request with another credentials mode.
    pub fn credentials(mut self, credentials: CredentialsMode) -> Self {
        self.credentials = credentials;
        self
    }

    /// The same request made by another API.
    pub fn kind(mut self, kind: RequestKind) -> Self {
        self.kind = kind;
        self
    }

    /// The URL as Chromium prints it in its console message.
    pub fn url(&self) -> String {
        format!("{}{}", self.target_origin, self.path)
    }

    /// The method on the wire: DELETE, GET, HEAD, OPTIONS, POST and PUT are
    /// upper-cased whatever their case, every other method is left alone.
    pub fn wire_method(&self) -> &str {
        // Normalizing only ever upper-cases, so an upper-case method is done.
        if !self.method.bytes().any(|b| b.is_ascii_lowercase()) {
            return &self.method;
        }
        NORMALIZED_METHODS.into_iter().find(|m| m.eq_ignore_ascii_case(&self.method)).unwrap_or(&self.method)
    }

    /// Whether CORS applies at all: a same-origin request is never checked.
    pub fn is_cross_origin(&self) -> bool {
        // An opaque origin ("null") is never the same as any other origin.
        self.page_origin == "null" || self.page_origin != self.target_origin
    }

    /// Whether the request is sent with credentials across origins.
    pub(crate) fn includes_credentials(&self) -> bool {
        self.credentials == CredentialsMode::Include
    }
}
