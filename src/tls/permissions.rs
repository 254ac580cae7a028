//! Who else may touch the certificates directory (Unix only): the private
//! keys must be the owner's alone, and nobody else may replace the files
//! that browsers are told to trust.
//!
//! A key file that group or others can read or write is repaired (mode
//! 0600) with one warning line: it is ours, we wrote it, and refusing to
//! start would help nobody. A directory that group or others can write is
//! refused instead: it may be shared (`/tmp`), so it is not ours to chmod,
//! and anyone could swap `ca.pem` and `ca-key.pem` for their own.

use std::path::Path;

use super::TlsError;

/// Checks `dir` and repairs the private keys in it (`key_files`, those that
/// exist).
#[cfg(unix)]
pub(crate) fn secure(dir: &Path, key_files: &[&str]) -> Result<(), TlsError> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    let mode = std::fs::metadata(dir).map_err(|source| TlsError::Write { dir: dir.to_path_buf(), source })?.mode();
    if mode & 0o022 != 0 {
        return Err(TlsError::SharedDir { dir: dir.to_path_buf(), mode: mode & 0o7777 });
    }
    for name in key_files {
        let path = dir.join(name);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue; // absent: it will be created 0600
        };
        let mode = meta.mode() & 0o7777;
        if meta.is_file() && mode & 0o077 != 0 {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|source| TlsError::Write { dir: dir.to_path_buf(), source })?;
            tracing::warn!(
                "{} was readable or writable by other users (mode {mode:04o}); set to 0600 (if others may have copied it, delete {} to make a new CA)",
                path.display(),
                dir.display()
            );
        }
    }
    Ok(())
}

/// Refuses a learner's own `--key` that group or others can read or write,
/// as ssh refuses such a key: it is not ours to chmod. Anything but a
/// regular file is left to the reader, which refuses it in its own words.
#[cfg(unix)]
pub fn check_own_key(path: &Path) -> Result<(), TlsError> {
    use std::os::unix::fs::MetadataExt;

    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.mode() & 0o077 != 0 => {
            Err(TlsError::KeyExposed { path: path.to_path_buf(), mode: meta.mode() & 0o7777 })
        }
        _ => Ok(()),
    }
}

/// Nothing to check where files have no Unix modes.
#[cfg(not(unix))]
pub fn check_own_key(_path: &Path) -> Result<(), TlsError> {
    Ok(())
}

/// Nothing to check where files have no Unix modes.
#[cfg(not(unix))]
pub(crate) fn secure(_dir: &Path, _key_files: &[&str]) -> Result<(), TlsError> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::super::{CA_KEY_FILE, CertStatus, KEY_FILE, ensure_certificates};
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("metadata").permissions().mode() & 0o7777
    }

    #[test]
    fn keys_open_to_others_are_closed_and_the_ca_still_reused() {
        let dir = tempfile::tempdir().expect("temp dir");
        ensure_certificates(dir.path(), &[]).expect("first");
        for name in [CA_KEY_FILE, KEY_FILE] {
            std::fs::set_permissions(dir.path().join(name), std::fs::Permissions::from_mode(0o666)).expect("chmod");
        }
        let again = ensure_certificates(dir.path(), &[]).expect("again");
        assert_eq!(again.status, CertStatus::Reused);
        for name in [CA_KEY_FILE, KEY_FILE] {
            assert_eq!(mode(&dir.path().join(name)), 0o600, "{name}");
        }
    }

    #[test]
    fn a_learners_own_key_open_to_others_is_refused_not_changed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = dir.path().join("mine-key.pem");
        std::fs::write(&key, "key").expect("write");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let message = check_own_key(&key).expect_err("refused").to_string();
        assert!(
            message.contains("mode 0644") && message.contains("chmod 600") && message.contains("--key"),
            "{message}"
        );
        assert_eq!(mode(&key), 0o644, "left as it was");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert!(check_own_key(&key).is_ok());
    }

    #[test]
    fn a_directory_others_can_write_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let certs = dir.path().join("certs");
        std::fs::create_dir(&certs).expect("mkdir");
        std::fs::set_permissions(&certs, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let err = ensure_certificates(&certs, &[]).expect_err("refused");
        let message = err.to_string();
        assert!(message.contains("writable by other users") && message.contains("--certs-dir"), "{message}");
        assert!(!certs.join(CA_KEY_FILE).exists(), "no key written there");
        // A readable one (0755) is fine: only the keys are secret, and they are 0600.
        std::fs::set_permissions(&certs, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        ensure_certificates(&certs, &[]).expect("0755 is fine");
        assert_eq!(mode(&certs.join(CA_KEY_FILE)), 0o600);
    }
}
