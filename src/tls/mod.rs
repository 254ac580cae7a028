//! HTTPS for the API origin: a local certificate authority (CA) and the
//! certificate of `https://localhost:3001`, plus the rustls configuration
//! that serves it.
//!
//! Cross-origin requests from the page (`http://localhost:3000`) to the API
//! only behave like they do in production when the API is served over real,
//! trusted HTTPS. So on first start the lab creates its own small CA, which
//! the learner trusts once in the browser, and an API certificate signed by
//! it. Later starts reuse both, because a new CA would force the learner to
//! trust it again; only the short-lived API certificate is re-issued when it
//! is broken, expiring, or missing a host name.
//!
//! Files in the certificates directory:
//!
//! | file         | content                                   |
//! |--------------|-------------------------------------------|
//! | `ca.pem`     | the CA certificate (trust this one)       |
//! | `ca-key.pem` | the CA private key (mode 0600)            |
//! | `cert.pem`   | the API certificate (only the leaf)       |
//! | `key.pem`    | the API certificate's private key (0600)  |

mod check;
mod config;
mod constraints;
mod error;

mod issue;
mod names;
mod permissions;

use std::fs;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

pub use check::LeafReason;
pub use config::server_config;
pub use error::TlsError;
pub(crate) use error::io_reason;
pub use issue::CA_NAME;
pub use permissions::check_own_key;

use crate::fsutil::{Access, write_atomic};
use check::{Ca, CaProblem};
use names::Host;

/// File name of the CA certificate.
pub const CA_CERT_FILE: &str = "ca.pem";
/// File name of the CA private key.
pub const CA_KEY_FILE: &str = "ca-key.pem";
/// File name of the API (leaf) certificate.
pub const CERT_FILE: &str = "cert.pem";
/// File name of the API certificate's private key.
pub const KEY_FILE: &str = "key.pem";

/// Where the certificates are, and what [`ensure_certificates`] did to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertPaths {
    /// The CA certificate, which browsers must trust.
    pub ca_cert: PathBuf,
    /// The API certificate, for [`server_config`].
    pub cert: PathBuf,
    /// The API certificate's private key, for [`server_config`].
    pub key: PathBuf,
    /// Whether the files were reused or (partly) regenerated.
    pub status: CertStatus,
}

/// What [`ensure_certificates`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertStatus {
    /// No CA existed: a new CA and API certificate were created.
    Created,
    /// The existing CA and API certificate were valid and kept as they are.
    Reused,
    /// The CA was kept; the API certificate was re-issued for this reason.
    LeafRegenerated(LeafReason),
    /// The CA was broken (the text says how) and replaced, and with it the
    /// API certificate; browsers must trust the new CA again.
    CaRegenerated(String),
}

/// Makes sure `dir` holds a usable local CA and an API certificate covering
/// `names` plus `localhost`, `127.0.0.1` and `::1`, creating or repairing
/// what is needed, and returns the file paths.
///
/// Names that parse as IP addresses become IP entries of the certificate,
/// the rest DNS entries; the first name becomes the common name. Valid files
/// are reused untouched, so a browser that trusts `ca.pem` keeps trusting
/// the lab across restarts. Every regeneration is announced in one log line
/// giving the reason. Files are replaced atomically, so an interrupted run
/// never leaves a truncated certificate or key behind.
///
/// # Errors
///
/// [`TlsError::InvalidName`] for a name that is neither a host name nor an
/// IP address, [`TlsError::Write`] when `dir` cannot be created or written,
/// [`TlsError::Generate`] if the crypto library fails.
pub fn ensure_certificates(dir: &Path, names: &[String]) -> Result<CertPaths, TlsError> {
    let hosts = names::hosts(names)?;
    let cannot_write = |source| TlsError::Write { dir: dir.to_path_buf(), source };
    create_private_dir(dir).map_err(cannot_write)?;
    permissions::secure(dir, &[CA_KEY_FILE, KEY_FILE])?;

    let ca_cert = dir.join(CA_CERT_FILE);
    let cert = dir.join(CERT_FILE);
    let key = dir.join(KEY_FILE);
    let now = OffsetDateTime::now_utc();

    let loaded =
        check::load_ca(&ca_cert, &dir.join(CA_KEY_FILE), now).and_then(|ca| match ca.permitted.uncovered(&hosts) {
            // A CA that may not sign for a name the app now serves (a new
            // --host) is replaced: one warning line, below.
            Some(reason) => Err(CaProblem::Unusable(reason)),
            None => Ok(ca),
        });
    let status = match loaded {
        Ok(ca) => match check::check_leaf(&ca, &cert, &key, &hosts, now) {
            Ok(()) => {
                tracing::info!(
                    "reusing the API certificate {} signed by the local CA {}",
                    cert.display(),
                    ca_cert.display()
                );
                CertStatus::Reused
            }
            Err(reason) => {
                tracing::info!("regenerating the API certificate: {reason}");
                write_leaf(dir, &ca, &hosts, now)?;
                CertStatus::LeafRegenerated(reason)
            }
        },
        Err(CaProblem::Absent) => {
            create_all(dir, &hosts, now)?;
            tracing::info!(
                "created a local CA and an API certificate in {}: trust {} in your browser once so it accepts the API over HTTPS",
                dir.display(),
                ca_cert.display()
            );
            CertStatus::Created
        }
        Err(CaProblem::Unusable(reason)) => {
            tracing::warn!(
                "regenerating the local CA and the API certificate: {reason}; browsers must trust the new {} again",
                ca_cert.display()
            );
            create_all(dir, &hosts, now)?;
            CertStatus::CaRegenerated(reason)
        }
    };
    Ok(CertPaths { ca_cert, cert, key, status })
}

/// Creates `dir` (and any missing parent) for the owner only, whatever the
/// umask: a group-writable umask (002) must not make our own directory one
/// that [`permissions::secure`] refuses.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes a new CA, then a leaf signed by it. The key is written before the
/// certificate: if the process dies in between, the pair no longer matches
/// and the next start repairs it instead of using a half-updated CA.
fn create_all(dir: &Path, hosts: &[Host], now: OffsetDateTime) -> Result<(), TlsError> {
    let issued = issue::new_ca(now, hosts)?;
    write(dir, CA_KEY_FILE, &issued.key_pem, Access::Private)?;
    write(dir, CA_CERT_FILE, &issued.cert_pem, Access::Public)?;
    // Reload what was just written so the leaf is signed exactly the way it
    // will be on later starts, from the files on disk.
    let ca = check::load_ca(&dir.join(CA_CERT_FILE), &dir.join(CA_KEY_FILE), now).map_err(|problem| {
        let reason = match problem {
            CaProblem::Absent => "the new CA files vanished".to_string(),
            CaProblem::Unusable(reason) => reason,
        };
        TlsError::Generate { what: "local CA", reason }
    })?;
    write_leaf(dir, &ca, hosts, now)
}

/// Issues and writes a new API certificate and key (key first, as above).
fn write_leaf(dir: &Path, ca: &Ca, hosts: &[Host], now: OffsetDateTime) -> Result<(), TlsError> {
    let issued = issue::new_leaf(&ca.cert_pem, &ca.key, ca.not_after, hosts, now)?;
    write(dir, KEY_FILE, &issued.key_pem, Access::Private)?;
    write(dir, CERT_FILE, &issued.cert_pem, Access::Public)
}

fn write(dir: &Path, name: &str, contents: &str, access: Access) -> Result<(), TlsError> {
    write_atomic(dir, name, contents.as_bytes(), access)
        .map_err(|source| TlsError::Write { dir: dir.to_path_buf(), source })
}
