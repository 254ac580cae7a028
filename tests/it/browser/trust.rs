//! `f1-race-results trust` and `untrust` in real browsers: with `HOME` a
//! temporary directory holding a Firefox profile listed in `profiles.ini`,
//! a browser that trusts nothing by itself reaches the API origin after
//! `trust` (the home page's certificate check says so) and no longer after
//! `untrust`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::driver::{Browser, LaunchOptions};
use super::{Kind, WAIT, in_both_browsers};
use crate::helpers::TestApp;

in_both_browsers!(trust_makes_the_api_origin_load_and_untrust_undoes_it);

const BIN: &str = env!("CARGO_BIN_EXE_f1-race-results");

/// Runs `trust` or `untrust` with this HOME; its stdout.
fn run(command: &str, home: &Path, certs: &Path) -> String {
    let output = Command::new(BIN)
        .args([command, "--no-system", "--certs-dir"])
        .arg(certs)
        .env("HOME", home)
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{command} failed: {stdout}{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

/// The home page's verdict on the API certificate, in a browser using `home`.
// The share is held for the whole check on purpose, as in `browser_for`.
#[allow(clippy::await_holding_lock)]
async fn api_check(kind: Kind, app: &TestApp, home: &Path, profile: &Path) -> Option<String> {
    let _share = crate::helpers::CPU.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    let options = LaunchOptions {
        home: Some(home.to_path_buf()),
        firefox_profile: Some(profile.to_path_buf()),
        ..LaunchOptions::default()
    };
    let browser = Browser::launch(kind, options).await.unwrap_or_else(|e| panic!("{kind:?} starts: {e}"))?;
    let page = browser.new_page().await.expect("a tab");
    page.goto(&format!("http://localhost:{}/", app.running.page_port())).await.expect("the home page opens");
    page.wait_for("document.getElementById('api-check').dataset.state !== 'checking'", WAIT).await.expect("checked");
    let state = page.eval("document.getElementById('api-check').dataset.state").await.expect("state");
    browser.close().await.expect("the browser closes");
    Some(state.as_str().unwrap_or_default().to_owned())
}

fn firefox_profile(home: &Path) -> PathBuf {
    let root = home.join(".mozilla/firefox");
    std::fs::create_dir_all(root.join("f1test.default")).expect("profile directory");
    std::fs::write(
        root.join("profiles.ini"),
        "[Profile0]\nName=f1test\nIsRelative=1\nPath=f1test.default\nDefault=1\n",
    )
    .expect("profiles.ini");
    root.join("f1test.default")
}

async fn trust_makes_the_api_origin_load_and_untrust_undoes_it(kind: Kind) {
    let certutil = Command::new("sh").args(["-c", "command -v certutil"]).output();
    if !certutil.is_ok_and(|o| o.status.success()) {
        assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "certutil is required when CI is set");
        eprintln!("SKIP browser test: certutil not found (apt-get install libnss3-tools)");
        return;
    }
    let app = TestApp::spawn().await;
    let home = tempfile::tempdir().expect("temp HOME");
    let profile = firefox_profile(home.path());

    let said = run("trust", home.path(), app.certs.path());
    assert!(said.contains(".pki/nssdb): trusted"), "{said}");
    assert!(said.contains("f1test.default): trusted"), "{said}");
    let Some(state) = api_check(kind, &app, home.path(), &profile).await else { return };
    assert_eq!(state, "reachable", "after trust, {kind:?} accepts the API certificate");
    let again = run("trust", home.path(), app.certs.path());
    assert!(
        again.contains(".pki/nssdb): already trusted") && again.contains("f1test.default): already trusted"),
        "{again}"
    );

    let said = run("untrust", home.path(), app.certs.path());
    assert!(said.contains(".pki/nssdb): removed") && said.contains("f1test.default): removed"), "{said}");
    let state = api_check(kind, &app, home.path(), &profile).await.expect("the browser ran before");
    assert_eq!(state, "unreachable", "after untrust, {kind:?} refuses the API certificate again");
}
