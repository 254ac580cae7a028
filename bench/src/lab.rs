//! Everything under test, started once per run: the app with its CORS
//! middleware, the same app with `--no-cors` (the control) and a second,
//! identical control (its twin: two identical servers differ by the noise
//! of the machine, which says how small a difference this run can see),
//! each serving one row only so that they stay alike; a fourth app for the
//! other rows (preflight, JSONP, AJAX); the API router
//! over plain HTTP (helper process), and nginx (the floor), all on free
//! loopback ports, sharing one scratch directory and one generated CA.

use std::path::{Path, PathBuf};
use std::time::Duration;

use f1_race_results::app::page_origins;
use f1_race_results::tls::{CA_CERT_FILE, CERT_FILE, KEY_FILE};
use hyper::body::Bytes;
use tokio_rustls::TlsConnector;

use crate::args::Plan;
use crate::client::{Probe, Target, connector_trusting, fetch_once};
use crate::nginx::{self, Nginx, Site};
use crate::plain_api;
use crate::process::{Launcher, Ready, ScratchDir};

/// The race every child runs: same seed, default pace.
pub(crate) const SEED: u64 = 2014;
const LAP_SECONDS: &str = "4";
/// The app's ready lines.
pub(crate) const APP_READY: [&str; 2] = ["page origin:", "API origin:"];

/// The servers of one run. Fields drop in order: children first, the
/// scratch directory (certificates, nginx's pid file) last.
pub(crate) struct Lab {
    /// Serves the CORS row only, like the control and the twin.
    pub(crate) cors: Ready,
    /// Serves the app's other rows.
    pub(crate) others: Ready,
    pub(crate) no_cors: Ready,
    pub(crate) twin: Ready,
    pub(crate) plain: Ready,
    pub(crate) nginx: Option<Nginx>,
    /// Why there are no nginx rows, when there are none.
    pub(crate) nginx_notice: Option<String>,
    pub(crate) tls: TlsConnector,
    pub(crate) launcher: Launcher,
    pub(crate) certs: PathBuf,
    scratch: ScratchDir,
}

/// How to start the app itself (the startup rows use it too).
pub(crate) fn app_args(certs: &Path, no_cors: bool) -> Vec<String> {
    let mut args: Vec<String> = ["--page-port", "0", "--api-port", "0", "--certs-dir"].map(String::from).into();
    args.push(certs.display().to_string());
    args.extend(["--seed", &SEED.to_string(), "--lap-seconds", LAP_SECONDS].map(String::from));
    if no_cors {
        args.push("--no-cors".to_owned());
    }
    args
}

impl Lab {
    pub(crate) async fn start(plan: &Plan, nginx_bin: Option<&Path>, want_nginx: bool) -> Result<Self, String> {
        let scratch = ScratchDir::new()?;
        let certs = scratch.path().join("certs");
        let launcher = Launcher { log_dir: scratch.path().to_owned(), rust_log: plan.rust_log };
        // The first start creates the CA and certificate; the others reuse them.
        let cors = launcher.start(&plan.app, "app", &app_args(&certs, false), &APP_READY).await?;
        let control_args = app_args(&certs, true);
        let no_cors = launcher.start(&plan.app, "app-no-cors", &control_args, &APP_READY).await?;
        let twin = launcher.start(&plan.app, "app-no-cors-twin", &control_args, &APP_READY).await?;
        let others = launcher.start(&plan.app, "app-other-rows", &app_args(&certs, false), &APP_READY).await?;
        let tls = connector_trusting(&certs.join(CA_CERT_FILE))?;
        let me = std::env::current_exe().map_err(|e| format!("cannot locate this program: {e}"))?;
        let helper_args = [
            "serve-plain-api".to_owned(),
            "--page-port".to_owned(),
            cors.ports[0].to_string(),
            "--seed".to_owned(),
            SEED.to_string(),
            "--lap-seconds".to_owned(),
            LAP_SECONDS.to_owned(),
        ];
        let plain = launcher.start(&me, "plain-api", &helper_args, &[plain_api::READY]).await?;
        let mut lab =
            Self { cors, others, no_cors, twin, plain, nginx: None, nginx_notice: None, tls, launcher, certs, scratch };
        if want_nginx {
            lab.start_nginx(nginx_bin).await?;
        } else {
            lab.nginx_notice = Some("nginx rows skipped (--no-nginx)".to_owned());
        }
        Ok(lab)
    }

    async fn start_nginx(&mut self, explicit: Option<&Path>) -> Result<(), String> {
        let Some(binary) = nginx::find(explicit) else {
            self.nginx_notice = Some(
                "nginx not found, nginx rows skipped (Debian/Ubuntu: apt install nginx-light; or --nginx PATH)"
                    .to_owned(),
            );
            return Ok(());
        };
        let fragment = self.fragment().await?;
        let origins: Vec<String> =
            page_origins("localhost", self.cors.ports[0]).iter().map(|o| o.as_str().to_owned()).collect();
        let site = Site {
            fragment: &fragment,
            allowed_origins: &origins,
            cert: &self.certs.join(CERT_FILE),
            key: &self.certs.join(KEY_FILE),
        };
        match Nginx::start(&binary, &self.scratch.path().join("nginx"), &site).await {
            Ok(nginx) => self.nginx = Some(nginx),
            Err(e) => self.nginx_notice = Some(format!("nginx rows skipped: {e}")),
        }
        Ok(())
    }

    /// The standings fragment as the app serves it on `/cors/results`.
    async fn fragment(&self) -> Result<Bytes, String> {
        let probe = Probe {
            method: hyper::http::Method::GET,
            path: "/cors/results".to_owned(),
            headers: vec![origin_header(&self.page_origin())],
        };
        let reply = fetch_once(&self.api(), &probe).await?;
        if !reply.status.is_success() {
            return Err(format!("GET /cors/results answered {}", reply.status));
        }
        Ok(reply.body)
    }

    /// Children that are no longer running, each named with why.
    pub(crate) fn exited(&mut self) -> Vec<String> {
        let children = [
            ("the app with CORS", &mut self.cors),
            ("the app for the other rows", &mut self.others),
            ("the app --no-cors", &mut self.no_cors),
            ("the twin --no-cors", &mut self.twin),
            ("the plain-HTTP helper", &mut self.plain),
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

    /// The CORS instance's API origin (HTTPS).
    pub(crate) fn api(&self) -> Target {
        Target::https(self.cors.ports[1], &self.tls)
    }

    /// The page origin the policy allows, e.g. `http://localhost:40123`.
    pub(crate) fn page_origin(&self) -> String {
        origin_of(self.cors.ports[0])
    }
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
