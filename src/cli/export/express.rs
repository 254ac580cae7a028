//! A policy as a Node.js module applying Express's `cors` middleware, one
//! per path, in policy order. `cors` checks no requested method or header:
//! it lists them, and the browser decides. Run on its own, the module
//! serves a stand-in application (`PORT=8080 node cors-policy.js`).

use super::Export;
use super::routes::{
    AllowedHeaders, REGISTRY_NOTE, Route, STAND_IN_HEADERS, allowed_headers, caret_dollar, comment, header, methods,
    routes, shadowed_note,
};
use crate::cors::policy::{Condition, Origins};

/// The module.
pub(super) fn render(export: &Export) -> String {
    let mut out = header(
        "// ",
        "cors-policy.js: the CORS policy as Express `cors` options (npm cors, express; Debian: node-cors, \
         node-express). Use: require('./cors-policy')(app), before your routes",
        export,
    );
    out.push_str("'use strict';\n\nconst cors = require('cors');\n\nmodule.exports = function applyCors(app) {\n");
    if let Some(policy) = &export.policy {
        for route in routes(policy) {
            out.push_str(&route_code(&route));
        }
    }
    out.push_str("};\n\n// Run on its own: a stand-in for your application behind the policy, on $PORT (8080).\n");
    let headers: Vec<String> = STAND_IN_HEADERS.iter().map(|(n, v)| format!("'{n}': '{v}'")).collect();
    out.push_str(&format!(
        "if (require.main === module) {{\n  const express = require('express');\n  const app = express();\n  \
         module.exports(app);\n  app.use((req, res) => {{\n    res.set({{ {} }});\n    \
         res.type('text/plain').send('stand-in for your application\\n');\n  }});\n  \
         app.listen(Number(process.env.PORT) || 8080, '127.0.0.1');\n}}\n",
        headers.join(", ")
    ));
    out
}

fn route_code(route: &Route<'_>) -> String {
    let r = route.first.resource;
    let mut out = format!("  // {}\n", route.path);
    if let Some(note) = shadowed_note(route) {
        out.push_str(&comment("  ", "// ", &note));
    }
    let mut options = vec![format!("origin: {}", origin(route.first.origins, &mut out))];
    let dynamic_method = match methods(&r.methods) {
        Some(list) => {
            options.push(format!("methods: [{}]", quoted(list)));
            false
        }
        None => {
            options.push("methods: req.headers['access-control-request-method']".to_owned());
            true
        }
    };
    match allowed_headers(&r.headers) {
        AllowedHeaders::Any => out.push_str(&comment(
            "  ",
            "// ",
            "headers = \"*\": allowedHeaders left out, so cors echoes the requested list, Authorization included, \
             which the policy's \"*\" never covers.",
        )),
        AllowedHeaders::Names(names) => options.push(format!("allowedHeaders: [{}]", quoted(&names))),
    }
    if !r.expose.is_empty() {
        options.push(format!("exposedHeaders: [{}]", quoted(&r.expose)));
    }
    if r.credentials {
        options.push("credentials: true".to_owned());
    }
    if let Some(seconds) = r.max_age {
        options.push(format!("maxAge: {seconds}"));
    }
    let body = format!("{{\n    {},\n  }}", options.join(",\n    "));
    let middleware = match (&r.condition, dynamic_method) {
        (None, false) => format!("cors({body})"),
        (None, true) => format!("cors((req, callback) => callback(null, {body}))"),
        (Some(condition), _) => format!(
            "cors((req, callback) => callback(null, {} ? {body} : {{ origin: false }}))",
            js_condition(condition)
        ),
    };
    out.push_str(&format!("  {}, {middleware});\n", mount(route)));
    out
}

/// Where the middleware goes: `app.use` for a prefix (Express matches the
/// prefix and the paths below it), `app.all` for one path.
fn mount(route: &Route<'_>) -> String {
    match route.path.literal_prefix() {
        Some((prefix, true)) if prefix.is_empty() => "app.use('/'".to_owned(),
        Some((prefix, true)) => format!("app.use('{prefix}'"),
        _ => format!("app.all('{}'", route.path),
    }
}

fn origin(o: &Origins, out: &mut String) -> String {
    if o.registry.is_some() {
        out.push_str(&comment("  ", "// ", REGISTRY_NOTE));
    }
    if o.any {
        return "'*'".to_owned();
    }
    let mut list: Vec<String> = o.exact.iter().map(|e| format!("'{}'", e.as_str())).collect();
    if o.null {
        list.push("'null'".to_owned());
    }
    list.extend(o.patterns.iter().map(|p| format!("/{}/", caret_dollar(p.as_str()).replace('/', "\\/"))));
    format!("[{}]", list.join(", "))
}

fn quoted(list: &[String]) -> String {
    list.iter().map(|s| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))).collect::<Vec<_>>().join(", ")
}

fn js_condition(condition: &Condition) -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('\'', "\\'");
    match condition {
        Condition::HeaderPresent(name) => format!("req.headers['{}'] !== undefined", esc(name)),
        Condition::HeaderEquals(name, value) => format!("req.headers['{}'] === '{}'", esc(name), esc(value)),
    }
}
