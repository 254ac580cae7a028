//! The browser as a process: finding the binary, trusting the app's CA in
//! a throw-away NSS database, starting it, reading the address it prints,
//! keeping its stderr drained (a full pipe blocks it) and its last lines
//! for error messages, and killing and reaping it whatever happens.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;
use tokio::time::timeout;

use super::state::lock;

/// A cold start on a loaded 2-core CI runner can take several seconds.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(30);
const CERTUTIL_TIMEOUT: Duration = Duration::from_secs(20);
/// How long `close` lets the browser shut down cleanly before killing it.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long `Drop` blocks to reap a killed browser (SIGKILL is near-instant).
const REAP_TIMEOUT: Duration = Duration::from_secs(5);
/// Stderr lines kept for error messages (browsers are chatty: dbus noise etc.).
const STDERR_TAIL_LINES: usize = 40;
/// Nickname of the test CA in the NSS database.
const CA_NICKNAME: &str = "f1-lab";

/// The last lines a browser wrote to stderr, shared with the connection's errors.
#[derive(Clone, Default)]
pub struct StderrTail(Arc<Mutex<VecDeque<String>>>);

impl StderrTail {
    fn push(&self, line: String) {
        let mut tail = lock(&self.0);
        if tail.len() == STDERR_TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(line);
    }

    /// `"\nlast stderr lines: ..."`, or nothing when there were none.
    pub fn text(&self) -> String {
        let tail = lock(&self.0);
        if tail.is_empty() {
            return String::new();
        }
        let lines: Vec<&str> = tail.iter().map(String::as_str).collect();
        format!("\nlast browser stderr lines:\n  {}", lines.join("\n  "))
    }
}

/// A started browser whose stderr is being drained.
pub struct Process {
    guard: ProcessGuard,
    drain: JoinHandle<()>,
    pub stderr: StderrTail,
}

impl Process {
    /// Starts `command` and reads its stderr until a line contains `marker`;
    /// returns the process and the rest of that line after the marker.
    pub async fn start(mut command: Command, name: &str, marker: &str) -> Result<(Process, String), String> {
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("starting {name}: {e}"))?;
        let mut guard = ProcessGuard { child: Some(child) };
        let stderr =
            guard.child.as_mut().and_then(|c| c.stderr.take()).ok_or("the browser's stderr pipe is missing")?;
        let tail = StderrTail::default();
        let mut stderr = BufReader::new(stderr);
        let found = match timeout(LAUNCH_TIMEOUT, find_marker(&mut stderr, &tail, marker)).await {
            Ok(Some(rest)) => rest,
            Ok(None) => {
                let status = guard.exit_status();
                return Err(format!("{name} exited before printing {marker:?}{status}{}", tail.text()));
            }
            Err(_) => {
                return Err(format!("{name} did not print {marker:?} within {LAUNCH_TIMEOUT:?}{}", tail.text()));
            }
        };
        let drain = tokio::spawn(drain_lines(stderr, tail.clone()));
        Ok((Process { guard, drain, stderr: tail }, found))
    }

    /// Waits for the process to exit after a clean shutdown was asked for;
    /// kills it if it does not in time.
    pub async fn wait_or_kill(&mut self) -> Result<(), String> {
        self.drain.abort();
        let Some(mut child) = self.guard.child.take() else { return Ok(()) };
        if matches!(timeout(CLOSE_TIMEOUT, child.wait()).await, Ok(Ok(_))) {
            return Ok(());
        }
        let _ = child.start_kill();
        match timeout(REAP_TIMEOUT, child.wait()).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(format!("waiting for the browser to exit: {e}")),
            Err(_) => Err(format!("the browser did not exit within {REAP_TIMEOUT:?} after SIGKILL")),
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.drain.abort();
    }
}

/// Kills and reaps the browser when dropped.
///
/// `kill_on_drop` alone only sends SIGKILL; reaping would be left to tokio's background
/// orphan handling, which does not run once the test's runtime shuts down, and the
/// container's init may not reap either. So wait for the exit here, briefly blocking.
struct ProcessGuard {
    child: Option<Child>,
}

impl ProcessGuard {
    /// `" (exit status: ...)"` if the process already exited, for error messages.
    fn exit_status(&mut self) -> String {
        match self.child.as_mut().map(Child::try_wait) {
            Some(Ok(Some(status))) => format!(" ({status})"),
            _ => String::new(),
        }
    }
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        let _ = child.start_kill();
        let deadline = std::time::Instant::now() + REAP_TIMEOUT;
        while std::time::Instant::now() < deadline {
            match child.try_wait() {
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                // Exited and reaped, or not our child any more: nothing left to do.
                _ => return,
            }
        }
    }
}

/// `$variable` if set, else the first of `names` on `PATH`. A `$variable`
/// that points nowhere is a configuration error, never a skip.
pub fn find_binary(variable: &str, names: &[&str]) -> Result<Option<PathBuf>, String> {
    if let Some(configured) = std::env::var_os(variable).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(&configured);
        let found = if path.components().count() > 1 {
            is_executable(&path).then_some(path)
        } else {
            which(&path.to_string_lossy())
        };
        return found
            .map(Some)
            .ok_or_else(|| format!("{variable}={} is not an executable file", configured.to_string_lossy()));
    }
    Ok(names.iter().find_map(|name| which(name)))
}

pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Creates an NSS database in `db` and marks the CA in `pem` as trusted for
/// issuing TLS server certificates (`C,,`). Chromium reads `$HOME/.pki/nssdb`,
/// Firefox its profile directory; the system trust store is never touched.
pub async fn trust_ca(certutil: &Path, db: &Path, pem: &Path) -> Result<(), String> {
    if !pem.is_file() {
        return Err(format!("trust_ca_pem {} is not a file", pem.display()));
    }
    tokio::fs::create_dir_all(db).await.map_err(|e| format!("creating {}: {e}", db.display()))?;
    let db_arg = format!("sql:{}", db.display());
    run_certutil(certutil, db, &["-d", &db_arg, "-N", "--empty-password"]).await?;
    let pem = pem.to_string_lossy();
    run_certutil(certutil, db, &["-d", &db_arg, "-A", "-t", "C,,", "-n", CA_NICKNAME, "-i", &pem]).await
}

async fn run_certutil(certutil: &Path, home: &Path, args: &[&str]) -> Result<(), String> {
    let command = format!("{} {}", certutil.display(), args.join(" "));
    let output = Command::new(certutil).args(args).env("HOME", home).stdin(Stdio::null()).kill_on_drop(true).output();
    match timeout(CERTUTIL_TIMEOUT, output).await {
        Ok(Ok(output)) if output.status.success() => Ok(()),
        Ok(Ok(output)) => Err(format!(
            "`{command}` failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim(),
            String::from_utf8_lossy(&output.stdout).trim()
        )),
        Ok(Err(e)) => Err(format!("running `{command}`: {e}")),
        Err(_) => Err(format!("`{command}` did not finish within {CERTUTIL_TIMEOUT:?}")),
    }
}

/// Reads stderr until a line contains `marker`; the rest of that line, or `None` on EOF.
async fn find_marker<R: AsyncRead + Unpin>(
    stderr: &mut BufReader<R>,
    tail: &StderrTail,
    marker: &str,
) -> Option<String> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match stderr.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&buf).trim_end().to_string();
        tail.push(line.clone());
        if let Some(start) = line.find(marker) {
            return Some(line[start + marker.len()..].trim().to_string());
        }
    }
}

/// Keeps reading stderr so the browser never blocks on a full pipe; remembers the tail.
async fn drain_lines<R: AsyncRead + Unpin>(mut stderr: BufReader<R>, tail: StderrTail) {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match stderr.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => tail.push(String::from_utf8_lossy(&buf).trim_end().to_string()),
        }
    }
}
