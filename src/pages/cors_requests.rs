//! The buttons of the `/cors` page: one per kind of cross-origin request.
//! Their ids are stable (tests, scenarios and learners' notes use them);
//! the request each sends is in `static/js/cors.js` under the same id.

/// One button.
#[derive(Debug)]
pub struct CorsButton {
    /// The element id, also the key in `cors.js`'s `requests`.
    pub id: &'static str,
    /// The button's text.
    pub label: &'static str,
    /// Simple, preflighted, credentialed.
    pub kind: &'static str,
    /// Why this request is what it is (trusted HTML, written here).
    pub explanation: &'static str,
    /// Whether the browser sends a preflight first.
    pub preflighted: bool,
}

/// Every button, in page order.
pub static REQUESTS: &[CorsButton] = &[
    CorsButton {
        id: "cors-simple-get",
        label: "Simple GET",
        kind: "simple",
        preflighted: false,
        explanation: "No custom header, a safelisted method: the browser sends it at once with <code>Origin</code>.",
    },
    CorsButton {
        id: "cors-simple-post",
        label: "Simple POST (form)",
        kind: "simple",
        preflighted: false,
        explanation: "The tutorial's request: <code>application/x-www-form-urlencoded</code> is a simple content type, so no preflight.",
    },
    CorsButton {
        id: "cors-json-post",
        label: "JSON POST",
        kind: "preflighted",
        preflighted: true,
        explanation: "<code>Content-Type: application/json</code> is not simple: an <code>OPTIONS</code> preflight asks first.",
    },
    CorsButton {
        id: "cors-custom-header",
        label: "GET with X-Requested-With",
        kind: "preflighted",
        preflighted: true,
        explanation: "Any custom request header needs the server's consent, listed in <code>Access-Control-Allow-Headers</code>.",
    },
    CorsButton {
        id: "cors-put",
        label: "PUT favourite driver",
        kind: "preflighted",
        preflighted: true,
        explanation: "PUT is not a simple method. It sets the class's favourite driver on the API origin: real state.",
    },
    CorsButton {
        id: "cors-delete",
        label: "DELETE favourite driver",
        kind: "preflighted",
        preflighted: true,
        explanation: "DELETE clears it. Note that CORS only decides whether the page may <em>read</em> the answer: a simple request that changes state runs anyway.",
    },
    CorsButton {
        id: "cors-basic-auth",
        label: "Include authentication (HTTP Basic)",
        kind: "credentialed, preflighted",
        preflighted: true,
        explanation: "<code>Authorization: Basic</code> (user / password) with <code>credentials: 'include'</code>. <code>Authorization</code> must be named in <code>Access-Control-Allow-Headers</code>: by the standard a <code>*</code> never covers it. (With credentials a <code>*</code> is no wildcard at all; without them, Chromium and Firefox still let it through for now, each with a deprecation warning.)",
    },
    CorsButton {
        id: "cors-cookie-login",
        label: "Log in (cookie)",
        kind: "credentialed",
        preflighted: false,
        explanation: "A simple POST with credentials: the API answers with <code>Set-Cookie</code>, which the browser stores only because the response allows credentials.",
    },
    CorsButton {
        id: "cors-cookie-me",
        label: "Who am I? (cookie)",
        kind: "credentialed",
        preflighted: false,
        explanation: "Sends the cookie back: the answer names the session's user, or 401 without it.",
    },
    CorsButton {
        id: "cors-cookie-logout",
        label: "Log out (cookie)",
        kind: "credentialed, preflighted",
        preflighted: true,
        explanation: "DELETE with credentials: preflighted; the answer expires the cookie.",
    },
    CorsButton {
        id: "cors-read-header",
        label: "Read X-Total-Count",
        kind: "simple",
        preflighted: false,
        explanation: "Scripts only see a few response headers unless the server lists others in <code>Access-Control-Expose-Headers</code>.",
    },
    CorsButton {
        id: "cors-public-get",
        label: "Public JSON (any origin)",
        kind: "simple",
        preflighted: false,
        explanation: "<code>/api/v1/public/*</code> allows every origin with <code>Access-Control-Allow-Origin: *</code>, which only works without credentials.",
    },
    CorsButton {
        id: "cors-null-origin",
        label: "Who am I? from a sandboxed iframe",
        kind: "credentialed, Origin: null",
        preflighted: false,
        explanation: "The same credentialed request, sent from a sandboxed iframe such as any site could embed: its origin is opaque, so the browser sends <code>Origin: null</code>. A policy that allows <code>null</code> lets every such frame read the answer: in Chromium with the user's cookie (so the user's data); Firefox sends no cookie from a sandboxed frame, and there the answer is a 401.",
    },
];
