//! tower-http's `CorsLayer` itself: every export of a run goes into one
//! small cargo project (a module per policy and a `main` that serves the
//! chosen one in front of a stand-in application), built `--offline`
//! against the tower-http and axum already downloaded for the app, with
//! the app's `Cargo.lock` (the same versions). Project and target directory
//! stay under `target/export-tower-http/`: the dependencies are built once,
//! and a later run only recompiles the project itself.

use std::path::PathBuf;
use std::process::Command;

const MANIFEST: &str = r#"[package]
name = "f1-export-tower-http"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
axum = { version = "0.8", default-features = false, features = ["http1", "tokio"] }
regex-lite = "0.1"
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net"] }
tower-http = { version = "0.7", default-features = false, features = ["cors"] }

# Not a member of the app's workspace.
[workspace]
"#;

/// Builds the project for these exports; the binary serves export `i`
/// with `BINARY PORT i`.
pub fn build(exports: &[String]) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/export-tower-http");
    let project = root.join("project");
    std::fs::create_dir_all(project.join("src")).expect("project directory");
    write_if_changed(&project.join("Cargo.toml"), MANIFEST);
    let lock =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock")).expect("Cargo.lock");
    if !project.join("Cargo.lock").exists() {
        write_if_changed(&project.join("Cargo.lock"), &lock);
    }
    let mut main = String::from("//! Serves one exported policy in front of a stand-in application.\n\n");
    let mut arms = String::new();
    for (i, text) in exports.iter().enumerate() {
        write_if_changed(&project.join(format!("src/policy_{i}.rs")), text);
        main.push_str(&format!("mod policy_{i};\n"));
        arms.push_str(&format!("        \"{i}\" => policy_{i}::with_cors(app),\n"));
    }
    main.push_str(&format!(
        r#"
use axum::Router;
use axum::response::IntoResponse;

async fn stand_in() -> impl IntoResponse {{
    ([("x-total-count", "22"), ("x-race-lap", "1"), ("x-page", "1")], "stand-in for your application\n")
}}

#[tokio::main(flavor = "current_thread")]
async fn main() {{
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).expect("a port");
    let app = Router::new().fallback(stand_in);
    let app = match args.next().unwrap_or_default().as_str() {{
{arms}        other => panic!("no export {{other}}"),
    }};
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}}
"#
    ));
    write_if_changed(&project.join("src/main.rs"), &main);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let _whole_cpu = crate::helpers::CPU.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    let output = Command::new(cargo)
        .args(["build", "--offline", "--quiet"])
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the exported tower-http code must compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    root.join("target/debug/f1-export-tower-http")
}

/// Writes only what changed, so cargo rebuilds only when an export did.
fn write_if_changed(path: &std::path::Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).expect("project file written");
    }
}
