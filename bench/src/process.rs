//! Child processes: the app and the baseline, started on free ports and
//! followed until they print their ready lines; a scratch directory;
//! memory figures from `/proc`.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::{Instant, timeout};

/// How long a child may take to print its ready lines.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// A scratch directory, removed on drop (with the certificates in it).
pub(crate) struct ScratchDir(PathBuf);

impl ScratchDir {
    pub(crate) fn new() -> Result<Self, String> {
        let base = std::env::temp_dir();
        for attempt in 0..100u32 {
            let nanos =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
            let path = base.join(format!("f1-bench-{}-{nanos:x}-{attempt}", std::process::id()));
            match fs::create_dir(&path) {
                Ok(()) => return Ok(Self(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(format!("cannot create a directory in {}: {e}", base.display()));
                }
            }
        }
        Err(format!("cannot create a fresh directory in {}", base.display()))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// How children are launched: with their default logging (no `RUST_LOG`:
/// the app writes one access-log line per request), stderr to
/// `NAME.log` in `log_dir`.
#[derive(Debug, Clone)]
pub(crate) struct Launcher {
    pub(crate) log_dir: PathBuf,
}

/// Where a child's stdout goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stdout {
    /// `NAME.out` in the log directory, as a service's stdout would be;
    /// the ready lines are read back from it. For servers under load: the
    /// bench never copies their output.
    File,
    /// A pipe read by the bench: the ready lines arrive as they are
    /// written, for the startup timings (no load follows).
    Pipe,
}

/// How often a stdout file is read for the ready lines.
const POLL: Duration = Duration::from_millis(2);

/// A child that printed its ready lines.
pub(crate) struct Ready {
    pub(crate) child: Child,
    /// The ports read from the ready lines, in the order asked.
    pub(crate) ports: Vec<u16>,
    /// From spawning to the last ready line.
    pub(crate) startup: Duration,
    log: PathBuf,
}

impl Ready {
    pub(crate) fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// `Some(why)` when the child is no longer running (a crash, or
    /// something else on the machine killed it), with the end of its log.
    pub(crate) fn exited(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok()??;
        Some(format!("{status}; its log ends with:\n{}", log_tail(&self.log)))
    }

    /// Kills the child and waits for it (SIGKILL: nothing of it is kept).
    pub(crate) async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

impl Launcher {
    /// Starts `program` and waits until a stdout line starts with each of
    /// `ready_prefixes` (each ends with the port, e.g. `API origin: https://localhost:40123`).
    /// `F1_*` and `RUST_LOG` are not passed on: the flags alone configure
    /// the child, and it logs as it does by default.
    pub(crate) async fn start(
        &self,
        program: &Path,
        name: &str,
        args: &[String],
        ready_prefixes: &[&str],
        stdout: Stdout,
    ) -> Result<Ready, String> {
        let log = self.log_dir.join(format!("{name}.log"));
        let out = self.log_dir.join(format!("{name}.out"));
        let create = |path: &Path| File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()));
        let stderr = create(&log)?;
        let stdout_to = match stdout {
            Stdout::File => Stdio::from(create(&out)?),
            Stdout::Pipe => Stdio::piped(),
        };
        let started = Instant::now();
        let mut command = Command::new(program);
        for (key, _) in std::env::vars_os() {
            let key_text = key.to_string_lossy();
            if key_text.starts_with("F1_") || key_text == "RUST_LOG" {
                command.env_remove(key);
            }
        }
        let mut child = command
            .args(args)
            .stdin(Stdio::null())
            .stdout(stdout_to)
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let ports = match child.stdout.take() {
            Some(pipe) => timeout(READY_TIMEOUT, ready_from_pipe(pipe, ready_prefixes)).await,
            None => timeout(READY_TIMEOUT, ready_from_file(&out, ready_prefixes)).await,
        };
        let startup = started.elapsed();
        let Ok(Some(ports)) = ports else {
            let _ = child.start_kill();
            let status = child.wait().await.map(|s| s.to_string()).unwrap_or_default();
            return Err(format!(
                "{name} did not print its ready lines ({status}); its log ends with:\n{}",
                log_tail(&log)
            ));
        };
        Ok(Ready { child, ports, startup, log })
    }
}

/// Reads the pipe until every ready line came, then keeps draining it in
/// the background so a stray line never blocks the child on a full pipe.
async fn ready_from_pipe(pipe: tokio::process::ChildStdout, prefixes: &[&str]) -> Option<Vec<u16>> {
    let mut lines = BufReader::new(pipe).lines();
    let mut ports = vec![None; prefixes.len()];
    while ports.iter().any(Option::is_none) {
        let line = lines.next_line().await.ok()??;
        read_ready(&line, prefixes, &mut ports);
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    ports.into_iter().collect()
}

/// Reads the stdout file again every [`POLL`] until every ready line is in it.
async fn ready_from_file(path: &Path, prefixes: &[&str]) -> Option<Vec<u16>> {
    loop {
        let text = tokio::fs::read_to_string(path).await.unwrap_or_default();
        let mut ports = vec![None; prefixes.len()];
        // Only whole lines: the last one may still be being written.
        for line in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
            read_ready(line, prefixes, &mut ports);
        }
        if ports.iter().all(Option::is_some) {
            return ports.into_iter().collect();
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Fills in the port of each prefix that `line` starts with.
fn read_ready(line: &str, prefixes: &[&str], ports: &mut [Option<u16>]) {
    for (prefix, port) in prefixes.iter().zip(ports.iter_mut()) {
        if port.is_none() && line.starts_with(prefix) {
            *port = port_of(line);
        }
    }
}

/// The port at the end of a ready line.
pub(crate) fn port_of(line: &str) -> Option<u16> {
    line.trim_end().rsplit(':').next()?.parse().ok()
}

fn log_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(8)..].join("\n")
}

/// Resident memory of a process, in KiB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Memory {
    /// `VmRSS`: resident now.
    pub(crate) rss_kib: u64,
    /// `VmHWM`: the peak resident size so far.
    pub(crate) hwm_kib: u64,
}

impl std::ops::Add for Memory {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self { rss_kib: self.rss_kib + other.rss_kib, hwm_kib: self.hwm_kib + other.hwm_kib }
    }
}

/// Reads `/proc/PID/status`.
pub(crate) fn memory_of(pid: u32) -> Option<Memory> {
    parse_status(&fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
}

/// A process and its direct children (nginx: master and workers), summed.
pub(crate) fn memory_with_children(pid: u32) -> Option<Memory> {
    let own = memory_of(pid)?;
    Some(children_of(pid).into_iter().filter_map(memory_of).fold(own, |total, child| total + child))
}

/// The direct children of a process, from `/proc/*/stat`.
pub(crate) fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| {
            let stat = fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            parent_of(&stat) == Some(pid)
        })
        .collect()
}

/// CPU time (user + system, all threads) used so far by `pids`, summed.
/// `/proc/PID/stat` counts in USER_HZ ticks, 100 per second on Linux.
pub(crate) fn cpu_of(pids: &[u32]) -> Duration {
    let ticks: u64 = pids
        .iter()
        .filter_map(|pid| fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .filter_map(|stat| cpu_ticks(&stat))
        .sum();
    Duration::from_millis(ticks * 10)
}

fn cpu_ticks(stat: &str) -> Option<u64> {
    // After the command name: state ppid ... utime (14th field) stime (15th).
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace().skip(11);
    Some(fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?)
}

fn parse_status(status: &str) -> Option<Memory> {
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some(Memory { rss_kib: field("VmRSS:")?, hwm_kib: field("VmHWM:")? })
}

/// The parent pid in `/proc/PID/stat` (after the parenthesised command name,
/// which may itself contain spaces and parentheses).
fn parent_of(stat: &str) -> Option<u32> {
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_lines_give_their_port() {
        assert_eq!(port_of("page origin: http://localhost:40123"), Some(40123));
        assert_eq!(port_of("API origin: https://localhost:3001\n"), Some(3001));
        assert_eq!(port_of("API origin: https://localhost"), None);
        let mut ports = [None, None];
        for line in ["page origin: http://localhost:1\n", "noise: 9\n", "API origin: https://localhost:2\n"] {
            read_ready(line, &["page origin:", "API origin:"], &mut ports);
        }
        assert_eq!(ports, [Some(1), Some(2)]);
    }

    #[tokio::test]
    async fn ready_lines_are_read_back_from_a_stdout_file() {
        let dir = ScratchDir::new().expect("a scratch dir");
        let path = dir.path().join("x.out");
        fs::write(&path, "page origin: http://localhost:7\nAPI origin: https://localhost:8").expect("written");
        let wait = timeout(Duration::from_millis(50), ready_from_file(&path, &["page origin:", "API origin:"]));
        assert!(wait.await.is_err(), "a line without its newline is not read yet");
        fs::write(&path, "page origin: http://localhost:7\nAPI origin: https://localhost:8\n").expect("written");
        let ports = ready_from_file(&path, &["page origin:", "API origin:"]).await;
        assert_eq!(ports, Some(vec![7, 8]));
    }

    #[test]
    fn proc_files_are_parsed() {
        let status = "Name:\tf1\nVmHWM:\t   12345 kB\nVmRSS:\t    9876 kB\nThreads:\t3\n";
        assert_eq!(parse_status(status), Some(Memory { rss_kib: 9876, hwm_kib: 12345 }));
        assert_eq!(parse_status("Name:\tkthread\n"), None);
        assert_eq!(parent_of("42 (nginx: worker (x)) S 41 42 42 0"), Some(41));
        let stat = "7 (a b) S 1 7 7 0 -1 4194560 100 0 0 0 250 31 0 0 20 0 3 0";
        assert_eq!(cpu_ticks(stat), Some(281));
        assert!(memory_of(std::process::id()).is_some_and(|m| m.rss_kib > 0));
    }
}
