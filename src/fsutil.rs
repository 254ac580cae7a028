//! Crash-safe file writing and bounded file reading: certificates, keys,
//! policy files and the lab's saved state.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
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

/// The most this app reads of any file it is given: far more than a
/// certificate chain, a key, a policy or the registry needs, and small
/// enough that `--cert /dev/zero` cannot fill the memory.
pub(crate) const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Reads a whole file given by the user (`--cert`, `--key`, `--policy`,
/// the data files): only a regular file, and at most [`MAX_FILE_BYTES`].
/// The errors' messages are phrases that fit after "cannot read FILE: ".
pub(crate) fn read_bounded(path: &Path) -> io::Result<Vec<u8>> {
    let not_regular = || io::Error::new(io::ErrorKind::InvalidInput, "it is not a regular file");
    // Looked at before opening: opening a FIFO blocks until a writer comes,
    // and a device such as /dev/zero never ends.
    if !fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let file = File::open(path)?;
    // And the file really opened, in case the path was replaced meanwhile.
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "it is larger than 1 MiB, far more than such a file needs",
        ));
    }
    Ok(bytes)
}

/// Reads a file that may legitimately be absent: `Ok(None)` when it does not
/// exist, an error for anything else (permissions, a directory in its place,
/// a FIFO, more than [`MAX_FILE_BYTES`]).
pub(crate) fn read_optional(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match read_bounded(path) {
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
    fn bounded_reads_refuse_devices_directories_and_big_files() -> io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let big = tmp.path().join("big.pem");
        fs::write(&big, vec![b'a'; MAX_FILE_BYTES as usize + 1])?;
        let Err(err) = read_bounded(&big) else { panic!("too big, yet read") };
        assert!(err.to_string().contains("larger than 1 MiB"), "{err}");
        let exact = tmp.path().join("exact.pem");
        fs::write(&exact, vec![b'a'; MAX_FILE_BYTES as usize])?;
        assert_eq!(read_bounded(&exact)?.len(), MAX_FILE_BYTES as usize);
        for path in [Path::new("/dev/zero"), tmp.path()] {
            let Err(err) = read_bounded(path) else { panic!("{} is not a regular file, yet read", path.display()) };
            assert!(err.to_string().contains("not a regular file"), "{}: {err}", path.display());
        }
        assert!(read_optional(&tmp.path().join("absent"))?.is_none());
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
