//! The TOML shape of a policy file, as serde reads it: unknown keys are
//! refused, and every block and resource keeps its span for the error line.

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDoc {
    #[serde(default)]
    pub(super) allow: Vec<Spanned<BlockDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BlockDoc {
    #[serde(default)]
    pub(super) origins: Vec<String>,
    #[serde(default)]
    pub(super) origin_patterns: Vec<String>,
    pub(super) origins_env: Option<String>,
    #[serde(default)]
    pub(super) origin_patterns_unchecked: Vec<String>,
    #[serde(default)]
    pub(super) resource: Vec<Spanned<ResourceDoc>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResourceDoc {
    pub(super) path: String,
    pub(super) methods: Option<StarOrList>,
    pub(super) headers: Option<StarOrList>,
    #[serde(default)]
    pub(super) expose: Vec<String>,
    #[serde(default)]
    pub(super) credentials: bool,
    pub(super) max_age: Option<u32>,
    #[serde(rename = "if")]
    pub(super) condition: Option<ConditionDoc>,
    /// `false`: the lab's mistake of a server that refuses even the
    /// safelisted headers it is not told about (see [`Headers::Exactly`]).
    pub(super) safelisted_headers: Option<bool>,
}

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "methods and headers are \"*\" or a list of names in quotes, such as [\"GET\", \"POST\"]"
)]
pub(super) enum StarOrList {
    Star(String),
    List(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConditionDoc {
    pub(super) header: String,
    pub(super) equals: Option<String>,
}
