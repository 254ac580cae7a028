//! `trust` and `untrust` without a browser: what they say, and that
//! `untrust` never removes a certificate that is not this CA, even one with
//! the CA's nickname. (In real browsers: `browser/trust.rs`.)

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_f1-race-results");

fn run(command: &str, home: &Path, certs: &Path) -> Output {
    Command::new(BIN)
        .args([command, "--no-system", "--certs-dir"])
        .arg(certs)
        .env("HOME", home)
        .output()
        .expect("the binary runs")
}

fn certutil_found() -> bool {
    let found = Command::new("sh").args(["-c", "command -v certutil"]).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "certutil is required when CI is set");
        eprintln!("SKIP trust test: certutil not found (apt-get install libnss3-tools)");
    }
    found
}

#[test]
fn untrust_leaves_another_certificate_with_the_same_nickname_alone() {
    if !certutil_found() {
        return;
    }
    let home = tempfile::tempdir().expect("temp HOME");
    let (ours, other) = (tempfile::tempdir().expect("certs"), tempfile::tempdir().expect("certs"));
    let first = run("trust", home.path(), other.path());
    let said = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success() && said.contains("(created now)") && said.contains("nssdb): trusted"), "{said}");

    let out = run("untrust", home.path(), ours.path());
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "no CA in --certs-dir: nothing is recognizable");
    assert!(said.contains("there is no CA at"), "{said}");

    f1_race_results::tls::ensure_certificates(ours.path(), &["localhost".to_owned()]).expect("another CA");
    let out = run("untrust", home.path(), ours.path());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("is another certificate") && said.contains("left as it is"),
        "{said}"
    );
    let db = format!("sql:{}", home.path().join(".pki/nssdb").display());
    let listed = Command::new("certutil").args(["-L", "-d", &db, "-n", "F1 Race Results local CA"]).output();
    assert!(listed.is_ok_and(|o| o.status.success()), "the other CA is still there");
}

#[test]
fn without_home_nothing_is_tried() {
    let certs = tempfile::tempdir().expect("certs");
    let out =
        Command::new(BIN).args(["trust", "--no-system", "--certs-dir"]).arg(certs.path()).env_remove("HOME").output();
    let out = out.expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("HOME is not set"));
}
