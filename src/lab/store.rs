//! The registry's file: one origin per line under the data directory,
//! written atomically (temp file + rename), so registered origins survive a
//! restart and a crash mid-write never leaves half a file.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::cors::Origin;
use crate::fsutil::{Access, read_optional, write_atomic};

const FILE: &str = "registry.txt";

/// Where the registry is kept.
#[derive(Debug, Clone)]
pub struct RegistryStore {
    // Shared, not owned: the store is cloned with the app state, which
    // handlers clone on every request.
    dir: Arc<Path>,
    // Serializes saves: they share one temp file name.
    lock: Arc<Mutex<()>>,
    // Set when the file existed but could not be read: saving then would
    // replace origins we never saw with the few registered since.
    unreadable: Arc<OnceLock<String>>,
}

impl RegistryStore {
    /// A store in `dir` (created on first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: Arc::from(dir.into()), lock: Arc::default(), unreadable: Arc::default() }
    }

    /// The file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// Reads the saved origins; lines that are not origins are skipped with
    /// a warning (and kept in the file until the next save). When the file
    /// is there but cannot be read, the store refuses every later save.
    pub fn load(&self) -> io::Result<Vec<Origin>> {
        let bytes = match read_optional(&self.path()) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(Vec::new()),
            Err(e) => {
                let _ = self.unreadable.set(crate::tls::io_reason(&e));
                return Err(e);
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let mut origins = Vec::new();
        for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match Origin::parse(line) {
                Ok(origin) => origins.push(origin),
                Err(e) => tracing::warn!("{}:{n}: skipped, not an origin: {e}", self.path().display()),
            }
        }
        Ok(origins)
    }

    /// Never writes the file this run: it holds what this run does not
    /// (e.g. more origins than the registry keeps).
    pub fn keep_file(&self, reason: String) {
        let _ = self.unreadable.set(reason);
    }

    /// Why the file is never written this run, if it could not be read at
    /// startup (a sentence for the lab page).
    pub fn not_saving(&self) -> Option<String> {
        self.unreadable.get().map(|reason| {
            format!(
                "{} could not be used whole at startup ({reason}), so the app never overwrites it: fix or remove it, then restart",
                self.path().display()
            )
        })
    }

    /// Saves the origins, replacing the file whole; refused when the file
    /// could not be read at startup (see [`RegistryStore::not_saving`]).
    pub fn save(&self, origins: &[String]) -> io::Result<()> {
        if let Some(reason) = self.not_saving() {
            return Err(io::Error::other(reason));
        }
        let _guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        std::fs::create_dir_all(&self.dir)?;
        let mut text = String::from("# Origins registered in the lab (one per line). Edited by the app.\n");
        for origin in origins {
            text.push_str(origin);
            text.push('\n');
        }
        write_atomic(&self.dir, FILE, text.as_bytes(), Access::Public)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_survive_a_save_and_a_load() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = RegistryStore::new(dir.path().join("data"));
        assert!(store.load().expect("no file yet").is_empty());
        store.save(&["https://a.example".into(), "http://b.example:8080".into()]).expect("saved");
        let loaded: Vec<String> = store.load().expect("loads").iter().map(|o| o.to_string()).collect();
        assert_eq!(loaded, ["https://a.example", "http://b.example:8080"]);
    }

    #[test]
    fn lines_that_are_not_origins_are_skipped() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(FILE), "https://ok.example\nnot an origin\n\n# comment\n").expect("write");
        let store = RegistryStore::new(dir.path());
        assert_eq!(store.load().expect("loads").len(), 1);
    }

    #[test]
    fn a_file_that_could_not_be_read_is_never_overwritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Too big to read: as unreadable as a file with the wrong permissions.
        let big = format!("https://kept.example\n{}", "#".repeat(crate::fsutil::MAX_FILE_BYTES as usize));
        std::fs::write(dir.path().join(FILE), &big).expect("write");
        let store = RegistryStore::new(dir.path());
        assert!(store.load().is_err());
        let err = store.save(&["https://new.example".into()]).expect_err("must not overwrite");
        assert!(err.to_string().contains("never overwrites it"), "{err}");
        assert_eq!(std::fs::read_to_string(dir.path().join(FILE)).expect("still there"), big);
    }
}
