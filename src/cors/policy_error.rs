//! Why a policy cannot be built: one sentence naming the block at fault and
//! the fix, shown at startup with the file and line.

use super::origin::OriginError;

/// A policy that cannot be built, naming the block at fault (1-based).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    /// Browsers reject `Access-Control-Allow-Origin: *` on credentialed requests.
    #[error(
        "allow block {block}: origins '*' cannot be combined with credentials (name the origins, or set credentials to false)"
    )]
    WildcardWithCredentials {
        /// 1-based block number.
        block: usize,
    },
    /// An entry of `origins` is not an origin.
    #[error("allow block {block}: {value:?} is not an origin: {reason}")]
    BadOrigin {
        /// 1-based block number.
        block: usize,
        /// The offending entry.
        value: String,
        /// Why it is not an origin.
        reason: OriginError,
    },
    /// A resource path of a form policy files do not support.
    #[error(
        "allow block {block}: resource path {path:?} is not supported: use *, an exact path (/results), a prefix ending in /* (/cors/*) or :name segments (/items/:id); * only as the whole path or its last segment, no Rack-style globs such as /files/*.json or regular expressions"
    )]
    BadPath {
        /// 1-based block number.
        block: usize,
        /// The offending path.
        path: String,
    },
    /// A block that could never match anything.
    #[error("allow block {block}: it needs at least one origin and one resource")]
    Empty {
        /// 1-based block number.
        block: usize,
    },
}
