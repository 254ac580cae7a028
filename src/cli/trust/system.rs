//! The system's trust store: on Debian and Ubuntu a file under
//! `/usr/local/share/ca-certificates/` and `update-ca-certificates`, done
//! when this process may write there (root), printed as the exact `sudo`
//! command otherwise; on macOS and Windows, the exact command to run.

use std::path::Path;
use std::process::Command;

use super::{Direction, Line};

/// Where Debian's `update-ca-certificates` picks up local CAs.
const DEBIAN_DIR: &str = "/usr/local/share/ca-certificates";
/// The file `trust` writes there.
const DEBIAN_FILE: &str = "/usr/local/share/ca-certificates/f1-race-results.crt";

/// Adds or removes the CA in the system store, or says how.
pub(super) fn apply(ca: &Path, direction: Direction) -> Line {
    let ca_text = ca.display();
    if cfg!(target_os = "macos") {
        return Ok(match direction {
            Direction::Trust => format!(
                "System store (macOS), run: sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain {ca_text}"
            ),
            Direction::Untrust => format!(
                "System store (macOS), run: sudo security delete-certificate -c \"{}\" /Library/Keychains/System.keychain",
                crate::tls::CA_NAME
            ),
        });
    }
    if cfg!(windows) {
        return Ok(match direction {
            Direction::Trust => format!(
                "System store (Windows), in PowerShell as administrator: Import-Certificate -FilePath {ca_text} -CertStoreLocation Cert:\\LocalMachine\\Root"
            ),
            Direction::Untrust => "System store (Windows), in PowerShell as administrator: Get-ChildItem Cert:\\LocalMachine\\Root | Where-Object Subject -like '*F1 Race Results*' | Remove-Item".to_owned(),
        });
    }
    if !Path::new(DEBIAN_DIR).is_dir() {
        return Ok(format!(
            "System store: {DEBIAN_DIR} does not exist (not Debian or Ubuntu); browsers use their NSS databases above"
        ));
    }
    let ours = std::fs::read(ca).map_err(|e| format!("System store: cannot read {ca_text}: {e}"))?;
    let installed = std::fs::read(DEBIAN_FILE).ok();
    match direction {
        Direction::Trust if installed.as_deref() == Some(ours.as_slice()) => {
            Ok(format!("System store ({DEBIAN_FILE}): already trusted"))
        }
        Direction::Trust => match std::fs::write(DEBIAN_FILE, &ours) {
            Ok(()) => update(format!("System store ({DEBIAN_FILE}): trusted")),
            Err(_) => Ok(format!(
                "System store: not writable by this user; run: sudo cp {ca_text} {DEBIAN_FILE} && sudo update-ca-certificates"
            )),
        },
        Direction::Untrust if installed.as_deref() != Some(ours.as_slice()) => {
            Ok(format!("System store ({DEBIAN_FILE}): not this CA, nothing to remove"))
        }
        Direction::Untrust => match std::fs::remove_file(DEBIAN_FILE) {
            Ok(()) => update(format!("System store ({DEBIAN_FILE}): removed")),
            Err(_) => Ok(format!(
                "System store: not writable by this user; run: sudo rm {DEBIAN_FILE} && sudo update-ca-certificates --fresh"
            )),
        },
    }
}

fn update(done: String) -> Line {
    match Command::new("update-ca-certificates").arg("--fresh").output() {
        Ok(out) if out.status.success() => Ok(format!("{done} (update-ca-certificates ran)")),
        Ok(out) => {
            Err(format!("{done}, but update-ca-certificates failed: {}", String::from_utf8_lossy(&out.stderr).trim()))
        }
        Err(e) => Err(format!("{done}, but update-ca-certificates could not run: {e}")),
    }
}
