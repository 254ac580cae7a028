//! Policy files: TOML that reads like a Rack::Cors block.
//!
//! ```toml
//! [[allow]]
//! origins = ["@page", "https://app.example"]
//!
//!   [[allow.resource]]
//!   path = "/cors/*"
//!   methods = ["GET", "POST"]
//!   headers = ["Origin", "Accept", "Content-Type"]
//! ```
//!
//! Besides origins, `*` and `null`, `origins` takes two tokens: `@page`,
//! the page origin under every name the server answers to (its port is
//! only known at startup), and `@registry`, the origins registered at run
//! time. `origin_patterns` holds anchored regular expressions and
//! `origins_env` names an environment variable holding a comma-separated
//! list (the reference's `ENV.fetch('ALLOWED_ORIGINS', '').split(',')`).
//! Any mistake is reported with the file, the line and the reason.

use std::ops::Range;

use super::origin::Origin;
use super::origin_pattern::OriginPattern;
use super::policy::{Block, Condition, Headers, Methods, Origins, PathPattern, Policy, PolicyError, Resource};
mod context;
mod schema;

pub use context::{PolicyContext, fixed_env, process_env};
use schema::{BlockDoc, FileDoc, ResourceDoc, StarOrList};

/// A policy file that cannot be used: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct PolicyFileError {
    /// The file name as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong, as a sentence.
    pub reason: String,
}

/// Parses and validates a policy file.
pub fn parse(file: &str, text: &str, ctx: &PolicyContext<'_>) -> Result<Policy, PolicyFileError> {
    let error = |span: Option<Range<usize>>, reason: String| PolicyFileError {
        file: file.to_owned(),
        line: span.map_or(1, |s| line_of(text, s.start)),
        reason,
    };
    let doc: FileDoc = toml::from_str(text).map_err(|e| error(e.span(), e.message().trim().to_owned()))?;
    if doc.allow.is_empty() {
        return Err(error(None, "no [[allow]] block: a policy needs at least one".to_owned()));
    }
    let mut blocks = Vec::new();
    let mut block_spans = Vec::new();
    for (i, spanned) in doc.allow.into_iter().enumerate() {
        let span = spanned.span();
        let block = build_block(i + 1, spanned.into_inner(), ctx)
            .map_err(|(s, r)| error(Some(s.unwrap_or(span.clone())), r))?;
        blocks.push(block);
        block_spans.push(span);
    }
    Policy::new(blocks).map_err(|e| {
        let n = block_number(&e);
        error(block_spans.get(n.saturating_sub(1)).cloned(), e.to_string())
    })
}

type BuildError = (Option<Range<usize>>, String);

fn build_block(n: usize, doc: BlockDoc, ctx: &PolicyContext<'_>) -> Result<Block, BuildError> {
    let mut origins = Origins::default();
    let mut entries = doc.origins;
    if let Some(var) = &doc.origins_env {
        let value = (ctx.env)(var).unwrap_or_default();
        entries.extend(value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned));
    }
    for entry in &entries {
        let add_all = |origins: &mut Origins, list: &[Origin]| {
            for o in list {
                if !origins.exact.contains(o) {
                    origins.exact.push(o.clone());
                }
            }
        };
        match entry.as_str() {
            "@page" => add_all(&mut origins, ctx.page_origins),
            "@api" => add_all(&mut origins, ctx.api_origins),
            "@registry" => origins.registry = Some(ctx.registry.clone()),
            other => {
                let other = other
                    .replace("{page_port}", &ctx.ports.0.to_string())
                    .replace("{api_port}", &ctx.ports.1.to_string());
                origins.add(n, &other).map_err(|e| (None, e.to_string()))?;
            }
        }
    }
    if !doc.origin_patterns_unchecked.is_empty() && !ctx.allow_unanchored {
        return Err((None, format!("allow block {n}: origin_patterns_unchecked is only for the lab's scenarios")));
    }
    for pattern in &doc.origin_patterns_unchecked {
        let pattern = OriginPattern::unchecked(pattern).map_err(|e| (None, format!("allow block {n}: {e}")))?;
        origins.patterns.push(pattern);
    }
    for pattern in &doc.origin_patterns {
        let pattern = OriginPattern::new(pattern).map_err(|e| (None, format!("allow block {n}: {e}")))?;
        origins.patterns.push(pattern);
    }
    if origins.is_empty() && doc.origins_env.is_some() && doc.origin_patterns.is_empty() {
        let var = doc.origins_env.unwrap_or_default();
        return Err((None, format!("allow block {n}: no origins: the environment variable {var} is empty or unset")));
    }
    let resources = doc
        .resource
        .into_iter()
        .map(|r| {
            let span = r.span();
            build_resource(n, r.into_inner(), ctx.allow_unanchored).map_err(|reason| (Some(span), reason))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Block { origins, resources })
}

fn build_resource(n: usize, doc: ResourceDoc, lab: bool) -> Result<Resource, String> {
    let star = |what: &str, value: Option<StarOrList>| -> Result<Option<Vec<String>>, String> {
        match value {
            None => Ok(Some(Vec::new())),
            Some(StarOrList::Star(s)) if s == "*" => Ok(None),
            Some(StarOrList::Star(s)) => Err(format!("allow block {n}: {what} is \"*\" or a list, not {s:?}")),
            Some(StarOrList::List(list)) => Ok(Some(list)),
        }
    };
    // Absent, methods are GET, HEAD and POST; an explicit empty list is
    // refused rather than read as that default, or as "nothing".
    let explicit_methods = doc.methods.is_some();
    let methods = match star("methods", doc.methods)? {
        None => Methods::Any,
        Some(list) if list.is_empty() && explicit_methods => {
            return Err(format!(
                "allow block {n}: methods = [] allows no method: list them (e.g. [\"GET\", \"POST\"]), or leave methods out for GET, HEAD and POST"
            ));
        }
        Some(list) if list.is_empty() => Methods::list(&["GET", "HEAD", "POST"]),
        Some(list) => {
            if let Some(bad) =
                list.iter().find(|m| super::header_list::parse_header_list(m).is_none_or(|v| v.len() != 1))
            {
                return Err(format!("allow block {n}: {bad:?} is not a method"));
            }
            Methods::list(&list.iter().map(|m| m.trim()).collect::<Vec<_>>())
        }
    };
    // Empty entries ("") are refused, not skipped: in a file someone wrote,
    // they are a typo, not HTTP's empty list elements.
    let headers = match star("headers", doc.headers)? {
        None => Headers::Any,
        Some(list) => {
            if let Some(bad) =
                list.iter().find(|h| super::header_list::parse_header_list(h).is_none_or(|v| v.len() != 1))
            {
                return Err(format!("allow block {n}: {bad:?} is not a header name"));
            }
            match (doc.safelisted_headers, lab) {
                (None | Some(true), _) => Headers::list(&list),
                (Some(false), true) => match Headers::list(&list) {
                    Headers::List(names) => Headers::Exactly(names),
                    other => other,
                },
                (Some(false), false) => {
                    return Err(format!(
                        "allow block {n}: safelisted_headers = false is only for the lab's scenarios (Accept, Accept-Language, Content-Language and Content-Type are always allowed, as in Rack::Cors)"
                    ));
                }
            }
        }
    };
    let condition = doc.condition.map(|c| {
        let name = c.header.trim().to_ascii_lowercase();
        match c.equals {
            Some(value) => Condition::HeaderEquals(name, value),
            None => Condition::HeaderPresent(name),
        }
    });
    Ok(Resource {
        path: PathPattern::parse(n, &doc.path).map_err(|e| e.to_string())?,
        methods,
        headers,
        expose: doc.expose,
        credentials: doc.credentials,
        max_age: doc.max_age,
        condition,
    })
}

fn block_number(e: &PolicyError) -> usize {
    match e {
        PolicyError::WildcardWithCredentials { block }
        | PolicyError::BadOrigin { block, .. }
        | PolicyError::BadPath { block, .. }
        | PolicyError::Empty { block } => *block,
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |before| before.matches('\n').count() + 1)
}

#[cfg(test)]
mod tests;
