//! Crash-safe file writing: certificates, keys and the lab's saved state.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Who may read a file we write.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Certificates are public: anyone may read them (0644 before umask).
    Public,
    /// Private keys: owner only (0600).
    Private,
}

/// Writes `contents` to `dir/name` so that readers see either the old file
/// or the complete new one, never a prefix: the bytes go to a temporary file
/// in the same directory (so the rename cannot cross file systems), are
/// flushed to disk, and only then renamed over the target.
pub(crate) fn write_atomic(dir: &Path, name: &str, contents: &[u8], access: Access) -> io::Result<()> {
    let target = dir.join(name);
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    // A leftover from a killed run of the same pid would make create_new fail.
    let _ = fs::remove_file(&temp);
    let result = write_synced(&temp, contents, access).and_then(|()| fs::rename(&temp, &target));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
        return result;
    }
    // Make the rename itself durable; not every platform can open or sync a
    // directory, and the file is already complete, so failure here is fine.
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(())
}

/// Creates `path` (which must not exist) with the right permissions from the
/// start, so a private key is never readable by others, not even briefly.
fn write_synced(path: &Path, contents: &[u8], access: Access) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if access == Access::Private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = access;
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Reads a file that may legitimately be absent: `Ok(None)` when it does not
/// exist, an error for anything else (permissions, a directory in its place).
pub(crate) fn read_optional(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_target_and_no_temp_file() -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        // A non-empty directory in place of the target makes the rename fail
        // after the temporary file was fully written.
        fs::create_dir(tmp.path().join("cert.pem"))?;
        fs::write(tmp.path().join("cert.pem").join("keep"), b"old")?;
        assert!(write_atomic(tmp.path(), "cert.pem", b"new", Access::Public).is_err());
        assert_eq!(fs::read(tmp.path().join("cert.pem").join("keep"))?, b"old");
        assert_eq!(fs::read_dir(tmp.path())?.count(), 1, "temporary file left behind");
        Ok(())
    }

    #[test]
    fn write_replaces_whole_file() -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        write_atomic(tmp.path(), "key.pem", b"a much longer old content", Access::Private)?;
        write_atomic(tmp.path(), "key.pem", b"new", Access::Private)?;
        assert_eq!(fs::read(tmp.path().join("key.pem"))?, b"new");
        assert_eq!(fs::read_dir(tmp.path())?.count(), 1);
        Ok(())
    }
}
