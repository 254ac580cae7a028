//! Everything under test, started once per run, on free loopback ports,
//! sharing one scratch directory and one generated CA:
//! - the app three times, each with its default logging (one access-log
//!   line per request, to files in the scratch directory): `app` and its
//!   `twin` serve `GET /cors/results` only, so that they stay alike (two
//!   identical servers differ by the machine's noise, which says how small
//!   a difference this run can see); `learner` serves a learner's requests
//!   (preflight, tagged and untagged GET, JSONP, AJAX), each held to its
//!   own untagged GET;
//! - `f1-baseline`, a bare axum + tower-http server with the same bytes and
//!   headers (the ceiling for CPU per request);
//! - nginx with its default access log (the server to beat).

use std::path::{Path, PathBuf};
use std::time::Duration;

use f1_race_results::app::page_origins;
use f1_race_results::tls::{CA_CERT_FILE, CERT_FILE, KEY_FILE};
use hyper::http::{HeaderMap, Method};
use tokio_rustls::TlsConnector;

use crate::args::Plan;
use crate::client::{Probe, Reply, Target, connector_trusting, fetch_once};
use crate::nginx::{self, Nginx, Site, copied};
use crate::process::{Launcher, Ready, ScratchDir, Stdout};

/// The race every child runs: same seed, default pace.
pub(crate) const SEED: u64 = 2014;
const LAP_SECONDS: &str = "4";
/// The app's ready lines.
pub(crate) const APP_READY: [&str; 2] = ["page origin:", "API origin:"];
/// The baseline's ready line.
const BASELINE_READY: [&str; 1] = ["baseline API origin:"];

/// The servers of one run. Fields drop in order: children first, the
/// scratch directory (certificates, logs, nginx's pid file) last.
pub(crate) struct Lab {
    /// Serves `GET /cors/results` only, like its twin.
    pub(crate) app: Ready,
    pub(crate) twin: Ready,
    /// Serves the learner's rows.
    pub(crate) learner: Ready,
    pub(crate) baseline: Ready,
    pub(crate) nginx: Option<Nginx>,
    /// Why there are no nginx rows, when there are none.
    pub(crate) nginx_notice: Option<String>,
    pub(crate) tls: TlsConnector,
    pub(crate) launcher: Launcher,
    pub(crate) certs: PathBuf,
    scratch: ScratchDir,
}

/// How to start the app itself (the startup rows use it too).
pub(crate) fn app_args(certs: &Path) -> Vec<String> {
    let mut args: Vec<String> =
        ["--page-port", "0", "--api-port", "0", "--no-other-site", "--certs-dir"].map(String::from).into();
    args.push(certs.display().to_string());
    args.extend(["--seed", &SEED.to_string(), "--lap-seconds", LAP_SECONDS].map(String::from));
    args
}

impl Lab {
    pub(crate) async fn start(plan: &Plan, nginx_bin: Option<&Path>, want_nginx: bool) -> Result<Self, String> {
        let scratch = ScratchDir::new()?;
        let certs = scratch.path().join("certs");
        let launcher = Launcher { log_dir: scratch.path().to_owned() };
        let args = app_args(&certs);
        // The first start creates the CA and certificate; the others reuse them.
        let app = launcher.start(&plan.app, "app", &args, &APP_READY, Stdout::File).await?;
        let twin = launcher.start(&plan.app, "app-twin", &args, &APP_READY, Stdout::File).await?;
        let learner = launcher.start(&plan.app, "app-learner", &args, &APP_READY, Stdout::File).await?;
        let tls = connector_trusting(&certs.join(CA_CERT_FILE))?;
        let api = Target::https(app.ports[1], &tls);
        let origin = origin_of(app.ports[0]);
        let get = fetch_ok(&api, &get_probe(&origin)).await?;
        let preflight = fetch_ok(&api, &preflight_probe(&origin)).await?;
        let origins: Vec<String> =
            page_origins("localhost", app.ports[0]).iter().map(|o| o.as_str().to_owned()).collect();
        let fragment = scratch.path().join("fragment.html");
        std::fs::write(&fragment, &get.body).map_err(|e| format!("cannot write {}: {e}", fragment.display()))?;
        let mut args: Vec<String> = Vec::new();
        let mut flag = |name: &str, value: String| args.extend([name.to_owned(), value]);
        flag("--cert", certs.join(CERT_FILE).display().to_string());
        flag("--key", certs.join(KEY_FILE).display().to_string());
        flag("--fragment", fragment.display().to_string());
        for o in &origins {
            flag("--origin", o.clone());
        }
        for (name, value) in own_headers(&get.headers) {
            flag("--header", format!("{name}={value}"));
        }
        let baseline = launcher.start(&plan.baseline, "baseline", &args, &BASELINE_READY, Stdout::File).await?;
        let mut lab =
            Self { app, twin, learner, baseline, nginx: None, nginx_notice: None, tls, launcher, certs, scratch };
        if want_nginx {
            lab.start_nginx(nginx_bin, &get, &preflight, &origins).await;
        } else {
            lab.nginx_notice = Some("nginx rows skipped (--no-nginx)".to_owned());
        }
        Ok(lab)
    }

    async fn start_nginx(&mut self, explicit: Option<&Path>, get: &Reply, preflight: &Reply, origins: &[String]) {
        let Some(binary) = nginx::find(explicit) else {
            self.nginx_notice = Some(
                "nginx not found, nginx rows skipped (Debian/Ubuntu: apt install nginx-light; or --nginx PATH)"
                    .to_owned(),
            );
            return;
        };
        let (get_headers, preflight_headers) = (copied(&get.headers), copied(&preflight.headers));
        let site = Site {
            fragment: &get.body,
            allowed_origins: origins,
            get_headers: &get_headers,
            preflight_headers: &preflight_headers,
            cert: &self.certs.join(CERT_FILE),
            key: &self.certs.join(KEY_FILE),
        };
        match Nginx::start(&binary, &self.scratch.path().join("nginx"), &site).await {
            Ok(nginx) => self.nginx = Some(nginx),
            Err(e) => self.nginx_notice = Some(format!("nginx rows skipped: {e}")),
        }
    }

    /// Children that are no longer running, each named with why.
    pub(crate) fn exited(&mut self) -> Vec<String> {
        let children = [
            ("the app", &mut self.app),
            ("its twin", &mut self.twin),
            ("the app for the learner's rows", &mut self.learner),
            ("the baseline", &mut self.baseline),
        ];
        let mut gone: Vec<String> = children
            .into_iter()
            .filter_map(|(name, child)| Some(format!("{name} exited during the run ({})", child.exited()?)))
            .collect();
        if let Some(nginx) = &mut self.nginx {
            gone.extend(nginx.exited().map(|why| format!("nginx exited during the run ({why})")));
        }
        gone
    }
}

/// The app's headers of `GET /cors/results` that are its handler's, not
/// CORS's nor hyper's: the baseline sends the same.
fn own_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    const OWN: [&str; 4] = ["content-type", "cache-control", "x-total-count", "x-race-lap"];
    OWN.iter().filter_map(|name| Some(((*name).to_owned(), headers.get(*name)?.to_str().ok()?.to_owned()))).collect()
}

async fn fetch_ok(target: &Target, probe: &Probe) -> Result<Reply, String> {
    let reply = fetch_once(target, probe).await?;
    if !reply.status.is_success() {
        return Err(format!("{} {} answered {}", probe.method, probe.path, reply.status));
    }
    Ok(reply)
}

/// `GET /cors/results` from an allowed page origin.
pub(crate) fn get_probe(origin: &str) -> Probe {
    Probe { method: Method::GET, path: "/cors/results".to_owned(), headers: vec![origin_header(origin)] }
}

/// The tutorial's preflight.
pub(crate) fn preflight_probe(origin: &str) -> Probe {
    use hyper::header::{ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD};
    use hyper::http::HeaderValue;
    let headers = vec![
        origin_header(origin),
        (ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("POST")),
        (ACCESS_CONTROL_REQUEST_HEADERS, HeaderValue::from_static("origin, accept, content-type")),
    ];
    Probe { method: Method::OPTIONS, path: "/cors/results".to_owned(), headers }
}

/// `http://localhost:PORT`, as a browser on the page origin sends it.
pub(crate) fn origin_of(page_port: u16) -> String {
    format!("http://localhost:{page_port}")
}

pub(crate) fn origin_header(origin: &str) -> (hyper::http::HeaderName, hyper::http::HeaderValue) {
    (
        hyper::header::ORIGIN,
        hyper::http::HeaderValue::from_str(origin).unwrap_or_else(|_| hyper::http::HeaderValue::from_static("null")),
    )
}

/// A pause before reading a child's idle memory, once it is up.
pub(crate) const SETTLE: Duration = Duration::from_millis(300);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_gets_the_handlers_headers_only() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("content-type", "text/html; charset=utf-8"),
            ("x-race-lap", "7"),
            ("access-control-allow-origin", "http://localhost:1"),
            ("vary", "Origin"),
        ] {
            headers.insert(name, hyper::http::HeaderValue::from_static(value));
        }
        let got = own_headers(&headers);
        assert_eq!(
            got,
            [
                ("content-type".to_owned(), "text/html; charset=utf-8".to_owned()),
                ("x-race-lap".to_owned(), "7".to_owned())
            ]
        );
    }
}
