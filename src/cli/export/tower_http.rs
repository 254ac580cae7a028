//! A policy as Rust: one tower-http `CorsLayer` per path (a layer holds one
//! policy), and `with_cors`, which puts each of your routes behind the
//! layer of the resource that covers it. `CorsLayer` checks no requested
//! method or header (it lists them, the browser decides), answers every
//! `OPTIONS` request itself, and sends its headers to every origin, the
//! refused ones without `Access-Control-Allow-Origin`.

use super::Export;
use super::routes::{
    AllowedHeaders, REGISTRY_NOTE, Route, allowed_headers, comment, condition_note, header, methods, routes,
    shadowed_note,
};
use crate::cors::policy::Origins;

/// The Rust module.
pub(super) fn render(export: &Export) -> String {
    let mut out = header(
        "//! ",
        "The CORS policy as tower-http `CorsLayer`s (tower-http 0.7 with the \"cors\" feature, axum 0.8; \
         regex-lite for origin patterns)",
        export,
    );
    out.push_str(
        "//! Use: `let app = with_cors(your_router);`\n\n#![allow(unused_imports)]\n\n\
         use std::time::Duration;\n\nuse axum::Router;\nuse axum::http::{HeaderName, HeaderValue, Method};\n\
         use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};\n",
    );
    let routes = export.policy.as_deref().map(routes).unwrap_or_default();
    for (i, route) in routes.iter().enumerate() {
        out.push_str(&layer(i + 1, route));
    }
    out.push_str(
        "\n/// Your routes, each path behind the layer of the resource that covers it;\n\
         /// paths no resource covers get no CORS headers.\npub fn with_cors(app: Router) -> Router {\n    \
         Router::new()\n",
    );
    for (i, route) in routes.iter().enumerate() {
        let service = format!("app.clone().layer(cors_layer_{}()).into_service()", i + 1);
        match route.path.literal_prefix() {
            Some((prefix, true)) if prefix.is_empty() => {
                out.push_str(&format!("        .route_service(\"/\", {service})\n"));
                out.push_str(&format!("        .route_service(\"/{{*rest}}\", {service})\n"));
            }
            Some((prefix, true)) => {
                out.push_str(&format!("        .route_service(\"{prefix}\", {service})\n"));
                out.push_str(&format!("        .route_service(\"{prefix}/{{*rest}}\", {service})\n"));
            }
            _ => {
                let path = route.path.to_string().replace(":param", "{param}");
                out.push_str(&format!("        .route_service(\"{path}\", {service})\n"));
            }
        }
    }
    out.push_str("        .fallback_service(app.into_service())\n}\n");
    out
}

fn layer(n: usize, route: &Route<'_>) -> String {
    let r = route.first.resource;
    let mut out = format!("\n/// `{}` (allow block {}).\n", route.path, route.first.block);
    if let Some(note) = shadowed_note(route) {
        out.push_str(&comment("", "// ", &note));
    }
    if let Some(condition) = &r.condition {
        out.push_str(&comment("", "// ", &condition_note(condition)));
    }
    let mut body = format!("    CorsLayer::new()\n        .allow_origin({})\n", origin(route.first.origins, &mut out));
    match methods(&r.methods) {
        Some(list) => {
            let list: Vec<String> = list.iter().map(|m| method(m)).collect();
            body.push_str(&format!("        .allow_methods([{}])\n", list.join(", ")));
        }
        None => body.push_str("        .allow_methods(AllowMethods::mirror_request())\n"),
    }
    match allowed_headers(&r.headers) {
        AllowedHeaders::Any => {
            out.push_str(&comment(
                "",
                "// ",
                "headers = \"*\": the requested list is mirrored, Authorization included, which the policy's \"*\" \
                 never covers.",
            ));
            body.push_str("        .allow_headers(AllowHeaders::mirror_request())\n");
        }
        AllowedHeaders::Names(names) if names.is_empty() => {}
        AllowedHeaders::Names(names) => body.push_str(&format!("        .allow_headers([{}])\n", header_names(&names))),
    }
    if !r.expose.is_empty() {
        body.push_str(&format!("        .expose_headers([{}])\n", header_names(&r.expose)));
    }
    if r.credentials {
        body.push_str("        .allow_credentials(true)\n");
    }
    if let Some(seconds) = r.max_age {
        body.push_str(&format!("        .max_age(Duration::from_secs({seconds}))\n"));
    }
    out.push_str(&format!("pub fn cors_layer_{n}() -> CorsLayer {{\n{body}}}\n"));
    out
}

fn method(m: &str) -> String {
    match m {
        "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS" => format!("Method::{m}"),
        other => format!("Method::from_bytes(b\"{other}\").expect(\"a method\")"),
    }
}

fn header_names(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("HeaderName::from_static(\"{}\")", n.to_ascii_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn origin(o: &Origins, out: &mut String) -> String {
    if o.registry.is_some() {
        out.push_str(&comment("", "// ", REGISTRY_NOTE));
    }
    if o.any {
        return "AllowOrigin::any()".to_owned();
    }
    let mut exact: Vec<String> = o.exact.iter().map(|e| format!("\"{}\"", e.as_str())).collect();
    if o.null {
        exact.push("\"null\"".to_owned());
    }
    if o.patterns.is_empty() {
        let values: Vec<String> = exact.iter().map(|e| format!("HeaderValue::from_static({e})")).collect();
        return format!("AllowOrigin::list([{}])", values.join(", "));
    }
    let patterns: Vec<String> = o
        .patterns
        .iter()
        .map(|p| format!("regex_lite::Regex::new({:?}).expect(\"a valid pattern\")", p.as_str()))
        .collect();
    format!(
        "{{\n            let exact: [&str; {}] = [{}];\n            let patterns = [{}];\n            \
         AllowOrigin::predicate(move |origin: &HeaderValue, _| {{\n                \
         let origin = origin.to_str().unwrap_or_default();\n                \
         exact.contains(&origin) || patterns.iter().any(|p| p.is_match(origin))\n            }})\n        }}",
        exact.len(),
        exact.join(", "),
        patterns.join(", ")
    )
}
