//! A policy as a `config.ru` with a `Rack::Cors` block: the app's policy
//! files were shaped after it, so blocks, origins and resources map one to
//! one; the comments say where Rack::Cors answers otherwise.

use super::Export;
use super::routes::{REGISTRY_NOTE, STAND_IN_HEADERS, comment, header};
use crate::cors::policy::{Block, Condition, Headers, Methods, Resource};

/// The `config.ru`.
pub(super) fn render(export: &Export) -> String {
    let mut out = header(
        "# ",
        "config.ru: the CORS policy as a Rack::Cors block (gem rack-cors; Debian: ruby-rack-cors), run with `rackup config.ru`",
        export,
    );
    out.push_str("require 'rack/cors'\n\n");
    if let Some(policy) = &export.policy {
        out.push_str("use Rack::Cors do\n");
        for block in policy.blocks() {
            out.push_str("  allow do\n");
            out.push_str(&origins(block));
            for resource in &block.resources {
                out.push_str(&self::resource(resource));
            }
            out.push_str("  end\n");
        }
        out.push_str("end\n\n");
    }
    out.push_str("# A stand-in for your application (replace it with `run YourApp`): every path answers 200.\n");
    let headers: Vec<String> =
        STAND_IN_HEADERS.iter().map(|(n, v)| format!("'{}' => '{v}'", n.to_ascii_lowercase())).collect();
    out.push_str(&format!(
        "run lambda {{ |env|\n  [200, {{ 'content-type' => 'text/plain', {} }}, [\"stand-in for your application\\n\"]]\n}}\n",
        headers.join(", ")
    ));
    out
}

fn origins(block: &Block) -> String {
    let o = &block.origins;
    let mut out = String::new();
    if o.registry.is_some() {
        out.push_str(&comment("    ", "# ", REGISTRY_NOTE));
    }
    if o.any {
        out.push_str("    origins '*'\n");
        return out;
    }
    let mut list: Vec<String> = o.exact.iter().map(|e| format!("'{}'", e.as_str())).collect();
    list.extend(o.patterns.iter().map(|p| format!("%r{{{}}}", p.as_str())));
    if o.null {
        out.push_str(&comment(
            "    ",
            "# ",
            "Rack::Cors reads the string 'null' as a host name (http://null), so the opaque origin `null` is a proc:",
        ));
        list.push("->(source, _env) { source == 'null' }".to_owned());
    }
    out.push_str(&format!("    origins {}\n", list.join(", ")));
    out
}

fn resource(r: &Resource) -> String {
    let mut out = String::new();
    let mut options = Vec::new();
    if r.path.literal_prefix().is_some_and(|(prefix, open)| open && !prefix.is_empty()) {
        out.push_str(&comment(
            "    ",
            "# ",
            &format!(
                "Rack::Cors reads '{}' as the prefix followed by anything, so a look-alike path such as {}x is \
                 covered too (the app: the prefix and the paths below it only).",
                r.path,
                r.path.literal_prefix().map(|(p, _)| p).unwrap_or_default()
            ),
        ));
    }
    match &r.methods {
        Methods::Any => {
            out.push_str(&comment(
                "    ",
                "# ",
                "methods: :any is GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS in Rack::Cors, not any method.",
            ));
            options.push("methods: :any".to_owned());
        }
        Methods::List(list) => {
            let symbols: Vec<String> = list.iter().map(|m| format!(":{}", m.to_ascii_lowercase())).collect();
            options.push(format!("methods: [{}]", symbols.join(", ")));
        }
    }
    match &r.headers {
        Headers::Any => {
            out.push_str(&comment(
                "    ",
                "# ",
                "headers: :any also allows Authorization, which the policy's \"*\" never covers.",
            ));
            options.push("headers: :any".to_owned());
        }
        Headers::List(names) => options.push(format!("headers: %w[{}]", names.join(" "))),
        Headers::Exactly(names) => {
            out.push_str(&comment(
                "    ",
                "# ",
                "This resource refuses even Accept, Accept-Language, Content-Language and Content-Type unless listed; \
                 Rack::Cors always allows them, so here they pass.",
            ));
            options.push(format!("headers: %w[{}]", names.join(" ")));
        }
    }
    if !r.expose.is_empty() {
        options.push(format!("expose: %w[{}]", r.expose.join(" ")));
    }
    if r.credentials {
        options.push("credentials: true".to_owned());
    }
    match r.max_age {
        Some(seconds) => options.push(format!("max_age: {seconds}")),
        None => {
            out.push_str(&comment(
                "    ",
                "# ",
                "The policy sends no Access-Control-Max-Age (browsers then cache a preflight 5 s); Rack::Cors sends \
                 7200 unless told, so 5 says the same.",
            ));
            options.push("max_age: 5".to_owned());
        }
    }
    if let Some(condition) = &r.condition {
        options.push(format!("if: proc {{ |env| {} }}", ruby_condition(condition)));
    }
    out.push_str(&format!("    resource '{}',\n      {}\n", r.path, options.join(",\n      ")));
    out
}

fn ruby_condition(condition: &Condition) -> String {
    let key = |name: &str| format!("HTTP_{}", name.to_ascii_uppercase().replace('-', "_"));
    match condition {
        Condition::HeaderPresent(name) => format!("!env['{}'].nil?", key(name)),
        Condition::HeaderEquals(name, value) => {
            format!("env['{}'] == '{}'", key(name), value.replace('\\', "\\\\").replace('\'', "\\'"))
        }
    }
}
