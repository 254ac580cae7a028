//! One NSS certificate database (`cert9.db`, what Chromium on Linux and
//! Firefox read), changed through `certutil` from libnss3-tools. The CA is
//! recognized by its nickname *and* its bytes: a certificate with the same
//! nickname that is not this `ca.pem` is never removed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use super::{Direction, Line};
use crate::tls::CA_NAME;

/// The `certutil` binary.
pub(super) struct Certutil(PathBuf);

/// What a database holds under the CA's nickname.
enum Holds {
    Nothing,
    ThisCa,
    Other,
}

impl Certutil {
    /// `certutil` on `PATH`.
    pub(super) fn find() -> Option<Self> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).map(|d| d.join("certutil")).find(|c| c.is_file()).map(Self)
    }

    /// Adds or removes the CA in the database in `dir`; `create` makes the
    /// directory and an empty database when missing (Chromium's).
    pub(super) fn apply(&self, dir: &Path, label: &str, ca: &Path, direction: Direction, create: bool) -> Line {
        let place = format!("{label} {})", dir.display());
        let ours = read_ders(&std::fs::read(ca).map_err(|e| format!("{place}: cannot read {}: {e}", ca.display()))?);
        let has_db = dir.join("cert9.db").is_file();
        match direction {
            Direction::Trust => {
                if !has_db {
                    if create {
                        std::fs::create_dir_all(dir).map_err(|e| format!("{place}: cannot create it: {e}"))?;
                    }
                    self.run(dir, &["-N", "--empty-password"]).map_err(|e| format!("{place}: {e}"))?;
                }
                let note = match self.holds(dir, &ours) {
                    Holds::ThisCa => return Ok(format!("{place}: already trusted")),
                    Holds::Other => " (another certificate with that nickname was left as it is)",
                    Holds::Nothing => "",
                };
                let ca = ca.to_string_lossy();
                self.run(dir, &["-A", "-t", "C,,", "-n", CA_NAME, "-i", &ca]).map_err(|e| format!("{place}: {e}"))?;
                Ok(format!("{place}: trusted, as \"{CA_NAME}\"{note}"))
            }
            Direction::Untrust => match has_db.then(|| self.holds(dir, &ours)) {
                None | Some(Holds::Nothing) => Ok(format!("{place}: not trusted there, nothing to remove")),
                Some(Holds::Other) => Ok(format!(
                    "{place}: \"{CA_NAME}\" there is another certificate (an older CA of this app?), left as it is"
                )),
                Some(Holds::ThisCa) => {
                    self.run(dir, &["-D", "-n", CA_NAME]).map_err(|e| format!("{place}: {e}"))?;
                    Ok(format!("{place}: removed \"{CA_NAME}\""))
                }
            },
        }
    }

    fn holds(&self, dir: &Path, ours: &[Vec<u8>]) -> Holds {
        match self.output(dir, &["-L", "-n", CA_NAME, "-a"]) {
            Ok(pem) if read_ders(&pem).iter().any(|der| ours.contains(der)) => Holds::ThisCa,
            Ok(_) => Holds::Other,
            Err(_) => Holds::Nothing,
        }
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Result<(), String> {
        self.output(dir, args).map(|_| ())
    }

    /// Runs certutil on the database in `dir`; its stdout, or why it failed.
    fn output(&self, dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
        let db = format!("sql:{}", dir.display());
        let output = Command::new(&self.0)
            .args(["-d", &db])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run certutil: {e}"))?;
        if output.status.success() {
            return Ok(output.stdout);
        }
        Err(format!("`certutil -d {db} {}` failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()))
    }
}

/// Every certificate in a PEM text, as DER bytes.
fn read_ders(pem: &[u8]) -> Vec<Vec<u8>> {
    CertificateDer::pem_slice_iter(pem).filter_map(Result::ok).map(|c| c.as_ref().to_vec()).collect()
}
