//! A policy as nginx configuration for the `http { }` block: one `map` per
//! allow block (the origins it admits, sent back as configured, never
//! reflected unless a pattern admitted them), and one regex `location` per
//! path, in policy order, answering preflights itself. nginx checks no
//! requested method or header: it lists them, and the browser decides.

use super::Export;
use super::routes::{
    AllowedHeaders, Entry, REGISTRY_NOTE, Route, STAND_IN_HEADERS, allowed_headers, caret_dollar, comment, header,
    methods, routes, shadowed_note,
};
use crate::cors::policy::PathPattern;

/// The configuration, to include in `http { }`; it listens on 8080.
pub(super) fn render(export: &Export) -> String {
    let mut out = header(
        "# ",
        "nginx configuration for the http { } block (nginx or nginx-light): the CORS policy as maps and locations",
        export,
    );
    let Some(policy) = &export.policy else {
        return out;
    };
    out.push_str(
        "\n# 1 for a preflight: OPTIONS with an Origin and an Access-Control-Request-Method.\n\
         map \"$request_method:$http_origin:$http_access_control_request_method\" $cors_preflight {\n    \
         default 0;\n    \"~^OPTIONS:.+:[^:]+$\" 1;\n}\n",
    );
    for (b, block) in policy.blocks().iter().enumerate() {
        let o = &block.origins;
        if o.any {
            continue;
        }
        out.push_str(&format!("\n# allow block {}: the origins it admits, or \"\".\n", b + 1));
        if o.registry.is_some() {
            out.push_str(&comment("", "# ", REGISTRY_NOTE));
        }
        out.push_str(&format!("map $http_origin $cors_origin_{} {{\n    default \"\";\n", b + 1));
        for origin in &o.exact {
            out.push_str(&format!("    \"{0}\" \"{0}\";\n", origin.as_str()));
        }
        if o.null {
            out.push_str("    \"null\" \"null\";\n");
        }
        for pattern in &o.patterns {
            out.push_str(&format!("    \"~{}\" $http_origin;\n", caret_dollar(pattern.as_str()).replace('"', "\\\"")));
        }
        out.push_str("}\n");
    }
    out.push_str("\nserver {\n    listen 8080;\n");
    for route in routes(policy) {
        out.push_str(&location(&route));
    }
    out.push_str("\n    # Paths no resource covers: no CORS headers.\n    location / {\n");
    out.push_str(&stand_in());
    out.push_str("    }\n}\n");
    out
}

fn location(route: &Route<'_>) -> String {
    let Entry { block, origins, resource: r } = route.first;
    let mut out = format!("\n    # {}\n", route.path);
    if let Some(note) = shadowed_note(route) {
        out.push_str(&comment("    ", "# ", &note));
    }
    if let Some(condition) = &r.condition {
        out.push_str(&comment("    ", "# ", &super::routes::condition_note(condition)));
    }
    let allow_origin = if origins.any { "\"*\"".to_owned() } else { format!("$cors_origin_{block}") };
    out.push_str(&format!("    location ~ \"{}\" {{\n", regex(route.path)));
    out.push_str("        if ($cors_preflight) {\n");
    let add = |out: &mut String, indent: &str, name: &str, value: &str| {
        out.push_str(&format!("{indent}add_header {name} {value} always;\n"));
    };
    let inner = "            ";
    add(&mut out, inner, "Access-Control-Allow-Origin", &allow_origin);
    if r.credentials {
        add(&mut out, inner, "Access-Control-Allow-Credentials", "true");
    }
    match methods(&r.methods) {
        Some(list) => add(&mut out, inner, "Access-Control-Allow-Methods", &format!("\"{}\"", list.join(", "))),
        None => add(&mut out, inner, "Access-Control-Allow-Methods", "$http_access_control_request_method"),
    }
    match allowed_headers(&r.headers) {
        AllowedHeaders::Any => {
            out.push_str(&comment(
                inner,
                "# ",
                "headers = \"*\": the requested list is echoed, Authorization included, which the policy's \"*\" never covers.",
            ));
            add(&mut out, inner, "Access-Control-Allow-Headers", "$http_access_control_request_headers");
        }
        AllowedHeaders::Names(names) if names.is_empty() => {}
        AllowedHeaders::Names(names) => {
            add(&mut out, inner, "Access-Control-Allow-Headers", &format!("\"{}\"", names.join(", ")));
        }
    }
    if let Some(seconds) = r.max_age {
        add(&mut out, inner, "Access-Control-Max-Age", &seconds.to_string());
    }
    add(&mut out, inner, "Vary", "\"Origin, Access-Control-Request-Method, Access-Control-Request-Headers\"");
    out.push_str(&format!("{inner}return 204;\n        }}\n"));
    let outer = "        ";
    add(&mut out, outer, "Access-Control-Allow-Origin", &allow_origin);
    if r.credentials {
        add(&mut out, outer, "Access-Control-Allow-Credentials", "true");
    }
    if !r.expose.is_empty() {
        add(&mut out, outer, "Access-Control-Expose-Headers", &format!("\"{}\"", r.expose.join(", ")));
    }
    add(&mut out, outer, "Vary", "Origin");
    out.push_str(&stand_in());
    out.push_str("    }\n");
    out
}

/// The stand-in for the application behind nginx.
fn stand_in() -> String {
    let mut out =
        String::from("        # Your application: replace the next lines with proxy_pass http://127.0.0.1:8000;\n");
    for (name, value) in STAND_IN_HEADERS {
        out.push_str(&format!("        add_header {name} {value};\n"));
    }
    out.push_str("        default_type text/plain;\n        return 200 \"stand-in for your application\\n\";\n");
    out
}

/// The path pattern as an nginx location regex.
fn regex(path: &PathPattern) -> String {
    let text = path.to_string();
    if text == "*" {
        return "^/".to_owned();
    }
    let (body, open) = match text.strip_suffix("/*") {
        Some(prefix) => (prefix, true),
        None => (text.as_str(), false),
    };
    let mut out = String::from("^");
    for segment in body.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        if segment.starts_with(':') {
            out.push_str("[^/]+");
        } else {
            for c in segment.chars() {
                if !c.is_ascii_alphanumeric() && !matches!(c, '-' | '_' | '~') {
                    out.push('\\');
                }
                out.push(c);
            }
        }
    }
    if out == "^" {
        out.push('/');
    }
    out.push_str(if open { "(/|$)" } else { "$" });
    out
}
