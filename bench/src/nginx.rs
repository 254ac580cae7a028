//! nginx, the server the app is held to: the same fragment bytes with the
//! same headers (copied from the app's own answers) for the same allowed
//! origins, from a static file, over HTTPS with the app's own certificate,
//! on a free loopback port; the tutorial's preflight answered with the
//! app's preflight headers.
//!
//! Configured as it ships: its default access log (to a file), as many
//! workers as cores; keep-alive connections are never closed by a request
//! count, as the app never closes them.

use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};
use tokio::time::{Instant, sleep};

/// nginx running in its own directory; stopped (master and workers) on drop.
pub(crate) struct Nginx {
    binary: PathBuf,
    dir: PathBuf,
    child: Child,
    pub(crate) https_port: u16,
}

/// Where nginx is: `--nginx`, else on `PATH`, else `/usr/sbin/nginx`.
pub(crate) fn find(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_owned());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|candidate| candidate.is_file())
}

/// What nginx serves and how.
pub(crate) struct Site<'a> {
    /// The fragment, as the app served it.
    pub(crate) fragment: &'a [u8],
    /// Origins answered with `Access-Control-Allow-Origin`.
    pub(crate) allowed_origins: &'a [String],
    /// The app's other headers on `GET /cors/results` (see [`copied`]).
    pub(crate) get_headers: &'a [(String, String)],
    /// The app's other headers on the tutorial's preflight.
    pub(crate) preflight_headers: &'a [(String, String)],
    pub(crate) cert: &'a Path,
    pub(crate) key: &'a Path,
}

impl Nginx {
    /// Writes the configuration under `dir` and starts nginx.
    pub(crate) async fn start(binary: &Path, dir: &Path, site: &Site<'_>) -> Result<Self, String> {
        let io = |what: &str, e: std::io::Error| format!("nginx: cannot {what}: {e}");
        fs::create_dir_all(dir.join("www")).map_err(|e| io("create its directory", e))?;
        // Workers run as `nobody` when started by root: let them reach the
        // fragment (the keys stay 0600; the master reads them before forking).
        for open in [dir.parent().unwrap_or(dir), dir, &dir.join("www")] {
            fs::set_permissions(open, fs::Permissions::from_mode(0o711)).map_err(|e| io("open its directory", e))?;
        }
        let page = dir.join("www/results.html");
        fs::write(&page, site.fragment).map_err(|e| io("write the fragment", e))?;
        fs::set_permissions(&page, fs::Permissions::from_mode(0o644)).map_err(|e| io("open the fragment", e))?;
        let https_port = free_port()?;
        let conf = dir.join("nginx.conf");
        let text = config(dir, &page, site, https_port);
        fs::write(&conf, text).map_err(|e| io("write its configuration", e))?;

        let child = Command::new(binary)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut nginx = Self { binary: binary.to_owned(), dir: dir.to_owned(), child, https_port };
        nginx.wait_listening().await?;
        Ok(nginx)
    }

    /// `Some(status)` when nginx is no longer running.
    pub(crate) fn exited(&mut self) -> Option<String> {
        Some(self.child.try_wait().ok()??.to_string())
    }

    pub(crate) fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    async fn wait_listening(&mut self) -> Result<(), String> {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = fs::read_to_string(self.dir.join("error.log")).unwrap_or_default();
                return Err(format!("nginx exited ({status}): {}", log.trim()));
            }
            let up = |port| TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).is_ok();
            if up(self.https_port) {
                return Ok(());
            }
            if Instant::now() > until {
                return Err("nginx did not listen within 10 s".to_owned());
            }
            sleep(Duration::from_millis(5)).await;
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGKILL on the master would leave its workers serving: ask nginx
        // to stop (master and workers), then make sure of the master.
        let _ = StdCommand::new(&self.binary)
            .arg("-p")
            .arg(&self.dir)
            .arg("-c")
            .arg(self.dir.join("nginx.conf"))
            .arg("-e")
            .arg(self.dir.join("error.log"))
            .args(["-s", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.start_kill();
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

/// The headers of an app's answer that nginx repeats as they are: all but
/// those nginx writes itself (`Content-Type` from `default_type`, the
/// length, the date, `Server`) and the allowed origin (from the `map`, so
/// it is never a copy of one request's). A value nginx could misread in
/// its configuration (quotes, `$`, backslashes, control characters) is
/// left out rather than escaped: the app sends none.
pub(crate) fn copied(headers: &hyper::HeaderMap) -> Vec<(String, String)> {
    const OWN: [&str; 6] =
        ["content-type", "content-length", "date", "server", "connection", "access-control-allow-origin"];
    headers
        .iter()
        .filter(|(name, _)| !OWN.contains(&name.as_str()))
        .filter_map(|(name, value)| {
            let text = value.to_str().ok()?;
            let plain = text.chars().all(|c| (' '..='~').contains(&c) && !matches!(c, '"' | '$' | '\\'));
            plain.then(|| (name.as_str().to_owned(), text.to_owned()))
        })
        .collect()
}

fn config(dir: &Path, page: &Path, site: &Site<'_>, https: u16) -> String {
    let d = dir.display();
    let origins: String = site.allowed_origins.iter().map(|o| format!("        \"{o}\" \"{o}\";\n")).collect();
    let add = |headers: &[(String, String)], indent: &str| -> String {
        headers.iter().map(|(n, v)| format!("{indent}add_header {n} \"{v}\" always;\n")).collect()
    };
    let (get, preflight) = (add(site.get_headers, "            "), add(site.preflight_headers, "                "));
    format!(
        r#"# Written by the f1-race-results bench; removed with its directory.
daemon off;
master_process on;
worker_processes auto;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    # nginx's default access log (format "combined"), to a file.
    access_log {d}/access.log;
    server_tokens off;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 100000000;
    open_file_cache max=16 inactive=60s;
    client_body_temp_path {d}/body;
    types {{ }}
    # Like the app: named origins only, never reflected; others get no header.
    map $http_origin $allow_origin {{
        default "";
{origins}    }}
    server {{
        listen 127.0.0.1:{https} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        location = /cors/results {{
            default_type "text/html; charset=utf-8";
            # The preflight: the app's answer, whatever it asks (nginx
            # checks nothing; the app does).
            if ($request_method = OPTIONS) {{
                add_header Access-Control-Allow-Origin $allow_origin always;
{preflight}                return 204;
            }}
            add_header Access-Control-Allow-Origin $allow_origin;
{get}            alias {page};
        }}
    }}
}}
"#,
        cert = site.cert.display(),
        key = site.key.display(),
        page = page.display(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_names_each_allowed_origin_its_listener_and_its_access_log() {
        let origins = ["http://localhost:3000".to_owned()];
        let get = [("x-race-lap".to_owned(), "3".to_owned())];
        let preflight = [("access-control-max-age".to_owned(), "600".to_owned())];
        let site = Site {
            fragment: b"<p>x</p>",
            allowed_origins: &origins,
            get_headers: &get,
            preflight_headers: &preflight,
            cert: Path::new("/c/cert.pem"),
            key: Path::new("/c/key.pem"),
        };
        let text = config(Path::new("/d"), Path::new("/d/www/r.html"), &site, 8443);
        assert!(text.contains("\"http://localhost:3000\" \"http://localhost:3000\";"));
        assert!(text.contains("listen 127.0.0.1:8443 ssl;"));
        assert!(text.contains("access_log /d/access.log;"));
        assert!(!text.contains("access_log off"));
        assert!(text.contains("add_header x-race-lap \"3\" always;"));
        let options = &text[text.find("OPTIONS").expect("a preflight block")..];
        let block = &options[..options.find("return 204").expect("answered")];
        assert!(block.contains("add_header access-control-max-age \"600\" always;"));
        assert!(text.contains("ssl_certificate /c/cert.pem;"));
        assert!(text.contains("alias /d/www/r.html;"));
    }

    #[test]
    fn copied_headers_leave_out_what_nginx_writes_and_what_it_could_misread() {
        let mut headers = hyper::HeaderMap::new();
        for (name, value) in [
            ("content-type", "text/html"),
            ("access-control-allow-origin", "http://a"),
            ("x-total-count", "20"),
            ("vary", "Origin"),
            ("x-odd", "a\"b"),
            ("x-var", "$host"),
        ] {
            headers
                .insert(hyper::header::HeaderName::from_static(name), hyper::header::HeaderValue::from_static(value));
        }
        let mut kept = copied(&headers);
        kept.sort();
        assert_eq!(kept, [("vary".to_owned(), "Origin".to_owned()), ("x-total-count".to_owned(), "20".to_owned())]);
    }
}
