//! What every target needs from a policy, in the shape most of them want
//! it: one route per path pattern (Rack::Cors alone keeps the blocks), the
//! header list a target must name to allow what the app allows, and the
//! sentences for what a target cannot say.

use crate::cors::Policy;
use crate::cors::policy::{Condition, Headers, Methods, Origins, PathPattern, Resource, SAFELISTED_HEADERS};

/// A response header every stand-in application sends, so that what a
/// policy exposes can be seen in every stack.
pub(super) const STAND_IN_HEADERS: [(&str, &str); 3] = [("X-Total-Count", "22"), ("X-Race-Lap", "1"), ("X-Page", "1")];

/// One allow block's resource, with its block.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry<'a> {
    /// 1-based, as the policy file's errors count.
    pub(super) block: usize,
    pub(super) origins: &'a Origins,
    pub(super) resource: &'a Resource,
}

/// Every resource with the same path, in policy order: the first decides
/// in targets that cannot fall through to the next block.
#[derive(Debug, Clone)]
pub(super) struct Route<'a> {
    pub(super) path: &'a PathPattern,
    pub(super) first: Entry<'a>,
    /// Later entries for the same path (another block's origins).
    pub(super) shadowed: Vec<Entry<'a>>,
}

/// The policy's resources grouped by path, in the order the paths first appear.
pub(super) fn routes(policy: &Policy) -> Vec<Route<'_>> {
    let mut out: Vec<Route<'_>> = Vec::new();
    for (b, block) in policy.blocks().iter().enumerate() {
        for resource in &block.resources {
            let entry = Entry { block: b + 1, origins: &block.origins, resource };
            match out.iter_mut().find(|r| *r.path == resource.path) {
                Some(route) => route.shadowed.push(entry),
                None => out.push(Route { path: &resource.path, first: entry, shadowed: Vec::new() }),
            }
        }
    }
    out
}

/// What a preflight may ask for, as a target that only lists names must write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum AllowedHeaders {
    /// Mirror the request's list (`headers = "*"`).
    Any,
    /// These names; the safelisted ones the app always allows are added.
    Names(Vec<String>),
}

/// The names to list: the policy's own, plus `Accept`, `Accept-Language`,
/// `Content-Language` and `Content-Type` unless the resource refuses them
/// on purpose (a lab scenario's `safelisted_headers = false`).
pub(super) fn allowed_headers(headers: &Headers) -> AllowedHeaders {
    match headers {
        Headers::Any => AllowedHeaders::Any,
        Headers::Exactly(names) => AllowedHeaders::Names(names.clone()),
        Headers::List(names) => {
            let mut all = names.clone();
            for name in SAFELISTED_HEADERS {
                if !all.iter().any(|n| n == name) {
                    all.push(name.to_owned());
                }
            }
            AllowedHeaders::Names(all)
        }
    }
}

/// The methods, or `None` for any (`methods = "*"`).
pub(super) fn methods(methods: &Methods) -> Option<&[String]> {
    match methods {
        Methods::Any => None,
        Methods::List(list) => Some(list),
    }
}

/// Why `@registry` is not in the output.
pub(super) const REGISTRY_NOTE: &str = "@registry: the origins registered in the lab at run time are checked on \
    every request there; this configuration is fixed, so list them here.";

/// Why a resource with `if` is exported without its condition.
pub(super) fn condition_note(condition: &Condition) -> String {
    let what = match condition {
        Condition::HeaderPresent(name) => format!("the request carries {name}"),
        Condition::HeaderEquals(name, value) => format!("{name} is {value:?}"),
    };
    format!("The policy applies this resource only when {what}; this target cannot say so, so it applies always.")
}

/// The sentence for resources of other blocks on the same path.
pub(super) fn shadowed_note(route: &Route<'_>) -> Option<String> {
    let blocks: Vec<String> = route.shadowed.iter().map(|e| e.block.to_string()).collect();
    (!blocks.is_empty()).then(|| {
        format!(
            "allow block {} also has a resource on {} for other origins; this target applies one \
             configuration per path, so only block {}'s is here.",
            blocks.join(", "),
            route.path,
            route.first.block
        )
    })
}

/// A regular expression written with `\A`/`\z` anchors, with `^`/`$`
/// instead (JavaScript and nginx's map read both the same way then).
pub(super) fn caret_dollar(pattern: &str) -> String {
    let start = pattern.strip_prefix("\\A").map_or_else(|| pattern.to_owned(), |rest| format!("^{rest}"));
    match start.strip_suffix("\\z") {
        Some(rest) => format!("{rest}$"),
        None => start,
    }
}

/// `text` as comment lines starting with `prefix` (`# `, `// `), wrapped at 100 columns.
pub(super) fn comment(indent: &str, prefix: &str, text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + prefix.len() + line.len() + word.len() >= 100 {
            out.push_str(&format!("{indent}{prefix}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("{indent}{prefix}{line}\n"));
    }
    out
}

/// The opening comment every output shares.
pub(super) fn header(prefix: &str, what: &str, export: &super::Export) -> String {
    let mut out = comment("", prefix, &format!("{what}, exported from {} by `f1-race-results export`.", export.source));
    for note in &export.not_exported {
        out.push_str(&comment("", prefix, &format!("NOT EXPORTED: {note}")));
    }
    out
}
