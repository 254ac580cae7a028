//! The `custom` scenario: a policy the instructor typed in the lab's editor.
//! It is built like any policy file (named `custom.toml` in its errors), put
//! in force only when it builds, and saved whole in the data directory
//! (`custom-policy.toml`, written atomically), so `--scenario custom` starts
//! with it after a restart.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::cors::Origin;
use crate::cors::Setup;
use crate::cors::file::{PolicyContext, PolicyFileError, parse};
use crate::cors::registry::OriginRegistry;
use crate::fsutil::{Access, read_optional, write_atomic};

/// The scenario name of a policy typed in the lab.
pub const CUSTOM: &str = "custom";
/// Its one-line title (the banner, the lab's `#in-force`).
pub const TITLE: &str = "A policy typed in the lab";
/// How its errors name it.
pub const SOURCE_NAME: &str = "custom.toml";
/// Its file in the data directory.
pub const FILE: &str = "custom-policy.toml";
/// The longest policy the editor takes: several times the shipped one, and
/// well inside the page origin's body limit once form-encoded.
pub const MAX_POLICY_BYTES: usize = 8 * 1024;

/// A policy typed in the lab, built.
#[derive(Debug)]
pub struct Custom {
    /// The text as typed (what the editor shows, and what is saved).
    pub source: String,
    /// What it puts in force: the policy, no quirks.
    pub setup: Arc<Setup>,
}

/// What a policy file's tokens stand for in this run, owned, so the lab can
/// build a typed policy long after startup (as the scenarios are built:
/// `@api` and unanchored patterns are allowed, to show those mistakes).
#[derive(Debug, Clone)]
pub struct Tokens {
    page_origins: Arc<[Origin]>,
    api_origins: Arc<[Origin]>,
    registry: OriginRegistry,
    ports: (u16, u16),
}

/// Why a typed policy was not put in force.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Longer than [`MAX_POLICY_BYTES`] (413).
    #[error("the policy is {0} bytes long; the editor takes at most {MAX_POLICY_BYTES}")]
    TooLong(usize),
    /// It does not build: where and why (422).
    #[error(transparent)]
    Invalid(#[from] PolicyFileError),
}

impl Tokens {
    /// Copies what `ctx` refers to.
    pub fn of(ctx: &PolicyContext<'_>) -> Self {
        Self {
            page_origins: Arc::from(ctx.page_origins),
            api_origins: Arc::from(ctx.api_origins),
            registry: ctx.registry.clone(),
            ports: ctx.ports,
        }
    }

    /// Builds a typed policy into the `custom` setup, or says where it is wrong.
    pub fn build(&self, text: &str) -> Result<Custom, Refused> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(Refused::TooLong(text.len()));
        }
        let ctx = PolicyContext {
            page_origins: &self.page_origins,
            api_origins: &self.api_origins,
            registry: &self.registry,
            // Never the server's environment: `origins_env` would let whoever
            // types a policy read any variable back in an error message.
            env: &|_| None,
            ports: self.ports,
            allow_unanchored: true,
        };
        let policy = parse(SOURCE_NAME, text, &ctx)?;
        let setup = Setup { scenario: CUSTOM.to_owned(), ..Setup::correct(Arc::new(policy)) };
        Ok(Custom { source: text.to_owned(), setup: Arc::new(setup) })
    }
}

/// Where the typed policy is kept.
#[derive(Debug, Clone)]
pub struct CustomStore {
    dir: Arc<Path>,
    // Serializes saves: they share one temp file name.
    lock: Arc<Mutex<()>>,
}

impl CustomStore {
    /// A store in `dir` (created on first save).
    pub fn new(dir: &Path) -> Self {
        Self { dir: Arc::from(dir), lock: Arc::default() }
    }

    /// The file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// The saved text, `None` when nothing was ever saved.
    pub fn load(&self) -> io::Result<Option<String>> {
        match read_optional(&self.path())? {
            None => Ok(None),
            Some(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text")),
        }
    }

    /// Replaces the saved text whole.
    pub fn save(&self, text: &str) -> io::Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        std::fs::create_dir_all(&self.dir)?;
        write_atomic(&self.dir, FILE, text.as_bytes(), Access::Public)
    }
}

impl super::Lab {
    /// The last typed policy that built, if any.
    pub fn custom(&self) -> Option<Arc<Custom>> {
        self.custom.load_full()
    }

    /// Builds a typed policy and, when it builds, puts it in force as
    /// `custom` and saves it. Refused: nothing changes. `Ok(Some(reason))`:
    /// in force, but not saved (a restart forgets it).
    pub fn apply_policy(&self, text: &str) -> Result<Option<String>, Refused> {
        let custom = Arc::new(self.tokens.build(text)?);
        self.custom.store(Some(Arc::clone(&custom)));
        self.put_in_force(Arc::clone(&custom.setup));
        tracing::info!(scenario = CUSTOM, "lab: typed policy applied");
        Ok(self.custom_store.save(text).err().map(|e| {
            let path = self.custom_store.path();
            tracing::error!("the typed policy is in force but not saved to {}: {e}", path.display());
            format!("{} ({e})", path.display())
        }))
    }

    /// Loads the typed policy saved by an earlier run, if there is one:
    /// `Ok(false)` when none was saved; an error when it cannot be read or
    /// no longer builds (`custom-policy.toml:LINE: …`).
    pub fn load_custom(&self) -> Result<bool, String> {
        let path = self.custom_store.path();
        let text = match self.custom_store.load() {
            Ok(Some(text)) => text,
            Ok(None) => return Ok(false),
            Err(e) => return Err(format!("cannot read {}: {}", path.display(), crate::tls::io_reason(&e))),
        };
        let custom = self.tokens.build(&text).map_err(|e| match e {
            Refused::Invalid(e) => format!("{}:{}: {}", path.display(), e.line, e.reason),
            other => format!("{}: {other}", path.display()),
        })?;
        self.custom.store(Some(Arc::new(custom)));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors::defaults::DEFAULT_POLICY;
    use crate::cors::file::fixed_env;

    fn tokens() -> Tokens {
        let page = [Origin::parse("http://localhost:3000").expect("origin")];
        let registry = OriginRegistry::new();
        let env = fixed_env(&[]);
        let ctx = PolicyContext::new(&page, &registry, &env);
        Tokens::of(&ctx)
    }

    #[test]
    fn a_policy_that_builds_becomes_the_custom_setup() {
        let custom = tokens().build(DEFAULT_POLICY).expect("the shipped policy builds");
        assert_eq!(custom.setup.scenario, CUSTOM);
        assert!(custom.setup.policy.is_some() && custom.setup.quirks == Default::default());
        assert_eq!(custom.source, DEFAULT_POLICY);
    }

    #[test]
    fn a_policy_that_does_not_build_is_refused_with_its_line() {
        let text = "[[allow]]\norigins = [\"*\"]\n  [[allow.resource]]\n  path = \"/cors/*\"\n  credentials = true\n";
        let Err(Refused::Invalid(e)) = tokens().build(text) else { panic!("built") };
        assert_eq!((e.file.as_str(), e.line), (SOURCE_NAME, 1), "{e}");
        let Err(Refused::Invalid(e)) = tokens().build("[[allow]]\norigins = [\"*\"]\nnope = 3\n") else {
            panic!("built")
        };
        assert!(e.to_string().starts_with("custom.toml:"), "{e}");
        let Err(Refused::Invalid(e)) = tokens().build(&text.replace("credentials = true", "methods = [\"GET\", 42]"))
        else {
            panic!("built")
        };
        assert_eq!(
            e.to_string(),
            "custom.toml:5: methods and headers are \"*\" or a list of names in quotes, such as [\"GET\", \"POST\"]"
        );
        let long = "#".repeat(MAX_POLICY_BYTES + 1);
        assert_eq!(tokens().build(&long).err(), Some(Refused::TooLong(MAX_POLICY_BYTES + 1)));
    }

    #[test]
    fn a_typed_policy_never_reads_the_servers_environment() {
        let text = "[[allow]]\norigins_env = \"PATH\"\n  [[allow.resource]]\n  path = \"/cors/*\"\n";
        let Err(Refused::Invalid(e)) = tokens().build(text) else { panic!("built") };
        assert!(e.reason.contains("PATH is empty or unset"), "{e}");
        let path = std::env::var("PATH").unwrap_or_default();
        assert!(path.is_empty() || !e.to_string().contains(&path), "{e}");
    }

    #[test]
    fn the_saved_text_survives_a_save_and_a_load() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = CustomStore::new(&dir.path().join("data"));
        assert_eq!(store.load().expect("nothing yet"), None);
        store.save("[[allow]]\n").expect("saved");
        store.save(DEFAULT_POLICY).expect("saved again");
        assert_eq!(store.load().expect("loads").as_deref(), Some(DEFAULT_POLICY));
    }
}
