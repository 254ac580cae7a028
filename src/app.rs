//! Building and running the whole app: both origins (and the other site,
//! unless `--no-other-site`), one process, one state.
//!
//! [`Application::build`] does everything that can fail for a reason the
//! user can fix (ports, certificates) and reports it as one sentence;
//! [`Application::start`] then serves, and [`Running`] knows the ports it
//! really got, which is how tests run the real app on port 0.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use rustls::ServerConfig;
use tokio::task::JoinHandle;
use tower::ServiceBuilder;
use tower_http::timeout::Timeout;

use crate::api::users::Users;
use crate::config::Config;
use crate::cors::file::{PolicyContext, PolicyFileError, process_env};
use crate::cors::registry::OriginRegistry;
use crate::cors::{Origin, Policy, PolicySwitch, Setup, defaults};
use crate::exchanges::ExchangeLog;
use crate::hosts::KnownHosts;
use crate::lab::events::StreamLimits;
use crate::lab::instructor::Secrets;
use crate::lab::scenario::ScenarioError;
use crate::lab::store::RegistryStore;
use crate::lab::{Lab, UnknownScenario};
use crate::origin_guard::{OriginGuard, OriginGuardLayer};
use crate::other_site::{self, OtherSiteNames};
use crate::race::{self, Ticker};
use crate::secret::{RandomUnavailable, random_hex, random_u64};
use crate::serve::{ConnLimit, Listener, Tuning};
use crate::state::{AppState, Shared, Urls};
use crate::tls::{self, TlsError};
use crate::{api, limits, pages};
use tokio::sync::watch;

/// How long in-flight requests get to finish once shutdown starts; the
/// whole stop stays under the one second foreman and learners expect.
const GRACE: Duration = Duration::from_millis(400);

/// Why the app could not start: one sentence naming the problem and the fix.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// Another process holds the port.
    #[error(
        "port {port} is already in use on {ip} (is another copy of the app running?): stop it, or choose another port with {flag}"
    )]
    PortInUse {
        /// The port asked for.
        port: u16,
        /// The address it was asked on.
        ip: IpAddr,
        /// The flag that sets this port.
        flag: &'static str,
    },
    /// Any other failure to listen.
    #[error("cannot listen on {addr}: {source} (check --bind and {flag})")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// The flag that sets this port.
        flag: &'static str,
        /// The operating system's reason.
        source: io::Error,
    },
    /// Certificates could not be made, read or written.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The host name cannot be part of an origin.
    #[error("--host {0:?} cannot be part of a URL: give a host name such as localhost or lab.local, or an IP address")]
    Host(String),
    /// The policy file cannot be read.
    #[error("cannot read the policy file {path}: {reason} (check --policy)")]
    PolicyUnreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A compiled-in scenario is broken (a bug, caught by the tests).
    #[error("{0}")]
    Scenario(ScenarioError),
    /// `--scenario` names no scenario.
    #[error("{0} (check --scenario)")]
    UnknownScenario(UnknownScenario),
    /// `--scenario custom` without a usable saved typed policy.
    #[error("--scenario custom: {0}")]
    Custom(String),
    /// The policy file is invalid.
    #[error("invalid CORS policy: {0}")]
    Policy(#[from] PolicyFileError),
    /// No random bytes for the lab's secrets or the race's seed.
    #[error("{0}: cannot make the lab's secrets (pass --seed to at least fix the race)")]
    Random(RandomUnavailable),
}

/// The app, bound and ready to serve.
pub struct Application {
    page: Vec<TcpListener>,
    api: Vec<TcpListener>,
    /// The other site's listeners; empty with `--no-other-site`.
    other: Vec<TcpListener>,
    tls: Arc<ServerConfig>,
    state: AppState,
    ticker: Ticker,
    tuning: Tuning,
    lap_interval: Duration,
    ca_cert: Option<PathBuf>,
    host: String,
    bind: Option<IpAddr>,
    token_reason: Option<String>,
    stop_tx: watch::Sender<bool>,
}

impl Application {
    /// Binds both origins' listeners and prepares the certificate, state and
    /// race. Nothing is served yet.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let ips = match config.bind {
            Some(ip) => vec![ip],
            None => vec![IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST)],
        };
        let page = bind_all(&ips, config.page_port, "--page-port")?;
        let api = bind_all(&ips, config.api_port, "--api-port")?;
        let other = if config.no_other_site { Vec::new() } else { bind_all(&ips, config.other_port, "--other-port")? };
        let page_port = local_port(&page);
        let api_port = local_port(&api);
        let other_port = (!other.is_empty()).then(|| local_port(&other));

        let (cert, key, ca_cert) = match (&config.cert, &config.key) {
            (Some(cert), Some(key)) => {
                tls::check_own_key(key)?;
                (cert.clone(), key.clone(), None)
            }
            _ => {
                let paths = tls::ensure_certificates(&config.certs_dir, std::slice::from_ref(&config.host))?;
                (paths.cert, paths.key, Some(paths.ca_cert))
            }
        };
        let tls = Arc::new(tls::server_config(&cert, &key)?);

        let Assembled { state, ticker, stop_tx } = assemble_with_other_site(&config, page_port, api_port, other_port)?;
        Ok(Self {
            page,
            api,
            other,
            tls,
            state,
            ticker,
            tuning: Tuning::default(),
            lap_interval: config.lap_seconds,
            ca_cert,
            bind: config.bind,
            token_reason: config.lab_token_reason(),
            host: config.host,
            stop_tx,
        })
    }

    /// Changes the connection limits from the documented ones (tests use
    /// it to reach a cap or a deadline quickly); not a user setting.
    #[doc(hidden)]
    pub fn tune_connections(&mut self, tuning: Tuning) {
        self.tuning = tuning;
    }

    /// Starts serving both origins and the race ticker.
    pub async fn start(self) -> io::Result<Running> {
        let page_port = local_port(&self.page);
        let api_port = local_port(&self.api);
        let page_service = self.page_stack(page_port);
        let api_service = self.api_stack(api_port);
        let other_port = (!self.other.is_empty()).then(|| local_port(&self.other));
        let other_service = other_port.map(|port| self.other_stack(port));
        // One count for both origins: a peer's connections are its footprint.
        let limit = ConnLimit::new(self.tuning.caps);
        let (mut page_listeners, mut api_listeners, mut other_listeners) = (Vec::new(), Vec::new(), Vec::new());
        for listener in self.page {
            page_listeners.push(Listener::new(listener, None, page_service.clone(), limit.clone(), self.tuning)?);
        }
        for listener in self.api {
            let tls = Some(Arc::clone(&self.tls));
            api_listeners.push(Listener::new(listener, tls, api_service.clone(), limit.clone(), self.tuning)?);
        }
        if let Some(other_service) = other_service {
            for listener in self.other {
                other_listeners.push(Listener::new(listener, None, other_service.clone(), limit.clone(), self.tuning)?);
            }
        }
        // Bound and listening already (the sockets were bound in `build`):
        // a connection from now on waits in the backlog until accepted.
        let mut servers = Vec::new();
        for listener in page_listeners {
            servers.push(tokio::spawn(listener.serve(self.stop_tx.subscribe(), GRACE)));
        }
        for listener in api_listeners {
            servers.push(tokio::spawn(listener.serve(self.stop_tx.subscribe(), GRACE)));
        }
        for listener in other_listeners {
            servers.push(tokio::spawn(listener.serve(self.stop_tx.subscribe(), GRACE)));
        }
        let ticker = tokio::spawn(self.ticker.run(self.lap_interval));
        Ok(Running {
            servers,
            ticker,
            page_port,
            api_port,
            other_port,
            host: self.host,
            ca_cert: self.ca_cert,
            state: self.state,
            stop_tx: self.stop_tx,
            token_reason: self.token_reason,
        })
    }
}

// Each origin's whole stack, outermost first: its guard (the Host check and
// the security headers, which need the real ports and the bind), the request
// deadline, then the origin's own stack (`pages::service`, `api::service`).
// Hand-written tower layers all the way down to the routes' `Router`.
impl Application {
    /// The page origin's stack.
    fn page_stack(&self, port: u16) -> OriginGuard<Timeout<pages::PageService>> {
        let hosts = KnownHosts::new(&self.host, self.bind, port, 80);
        ServiceBuilder::new()
            .layer(OriginGuardLayer::page(hosts, self.state.urls.api_port))
            .layer(limits::deadline())
            .service(pages::service(self.state.clone()))
    }

    /// The API origin's stack: its own Host check (its own port).
    fn api_stack(&self, port: u16) -> OriginGuard<Timeout<api::ApiService>> {
        let hosts = KnownHosts::new(&self.host, self.bind, port, 443);
        ServiceBuilder::new()
            .layer(OriginGuardLayer::api(hosts))
            .layer(limits::deadline())
            .service(api::service(self.state.clone()))
    }

    /// The other site's stack: its own Host check and CSP, the same limits.
    fn other_stack(&self, port: u16) -> OriginGuard<Timeout<other_site::OtherSiteService>> {
        let hosts = KnownHosts::new(&self.host, self.bind, port, 80);
        ServiceBuilder::new()
            .layer(OriginGuardLayer::other_site(hosts, self.state.urls.api_origin.as_str()))
            .layer(limits::deadline())
            .service(other_site::service(self.state.clone()))
    }
}

/// The shared state of a run, ready to be served, and the parts that drive it.
pub struct Assembled {
    /// What every handler reaches.
    pub state: AppState,
    /// The race's clock, to be run as a task.
    pub ticker: Ticker,
    /// Ends event streams when sent `true`.
    pub stop_tx: watch::Sender<bool>,
}

/// Builds the state for origins on these ports: policy, lab, registry,
/// race. [`Application::build`] uses it after binding; the benchmark uses it
/// to serve the very same routers its own way.
pub fn assemble(config: &Config, page_port: u16, api_port: u16) -> Result<Assembled, StartupError> {
    assemble_with_other_site(config, page_port, api_port, None)
}

/// [`assemble`], with the other site listening on `other_port` (if any).
pub fn assemble_with_other_site(
    config: &Config,
    page_port: u16,
    api_port: u16,
    other_port: Option<u16>,
) -> Result<Assembled, StartupError> {
    let page_origins = page_origins(&config.host, page_port);
    let api_origins = origins_of("https", &config.host, api_port);
    let registry = OriginRegistry::new();
    let store = RegistryStore::new(&config.data_dir);
    match store.load() {
        Ok(saved) => {
            let left_out = registry.replace(saved);
            if left_out > 0 {
                let reason = format!(
                    "{left_out} origins left out: the registry holds at most {}",
                    crate::cors::registry::MAX_REGISTERED
                );
                tracing::warn!(
                    "{}: {reason}; the file is left as it is (changes are not saved)",
                    store.path().display()
                );
                // Saving now would drop the origins left out.
                store.keep_file(reason);
            }
        }
        Err(e) => tracing::warn!(
            "cannot read the saved registry {}: {e}; starting empty, and the file is left as it is (changes are not saved)",
            store.path().display()
        ),
    }
    let (policy, policy_source) = load_policy(config.policy.as_deref(), &page_origins, &registry)?;
    let policy = Arc::new(policy);
    let switch: PolicySwitch = Arc::new(ArcSwap::from_pointee(Setup::correct(Arc::clone(&policy))));
    let ctx = PolicyContext {
        page_origins: &page_origins,
        api_origins: &api_origins,
        registry: &registry,
        env: &process_env,
        ports: (page_port, api_port),
        allow_unanchored: true,
    };
    let secrets = Secrets {
        token: random_hex(16).map_err(StartupError::Random)?,
        csrf: random_hex(16).map_err(StartupError::Random)?,
        token_always: config.lab_token_reason().is_some(),
    };
    let lab =
        Lab::new(&policy, &policy_source, &ctx, Arc::clone(&switch), secrets, store).map_err(StartupError::Scenario)?;
    let initial = if config.no_cors { Some("cors-off") } else { config.scenario.as_deref() };
    load_custom(&lab, initial == Some(crate::lab::custom::CUSTOM))?;
    if let Some(name) = initial {
        lab.apply(name).map_err(StartupError::UnknownScenario)?;
    }
    let urls = Urls {
        page_origin: Origin::from_parts("http", &config.host, page_port)
            .map_err(|_| StartupError::Host(config.host.clone()))?,
        api_origin: Origin::from_parts("https", &config.host, api_port)
            .map_err(|_| StartupError::Host(config.host.clone()))?,
        api_port,
        page_origins,
        other_site: match other_port {
            Some(port) => {
                Some(OtherSiteNames::new(&config.host, port).ok_or_else(|| StartupError::Host(config.host.clone()))?)
            }
            None => None,
        },
    };
    let seed = match config.seed {
        Some(seed) => seed,
        None => random_u64().map_err(StartupError::Random)?,
    };
    tracing::info!(seed, "race seed (pass --seed {seed} to replay this race)");
    let (race, ticker) = race::live::start(seed);
    let (stop_tx, shutdown) = watch::channel(false);
    let state = AppState::new(Shared {
        race,
        standings: Default::default(),
        policy: switch,
        urls: Arc::new(urls),
        users: Users::default(),
        exchanges: ExchangeLog::new(),
        lab,
        streams: StreamLimits::default(),
        shutdown,
    });
    Ok(Assembled { state, ticker, stop_tx })
}

/// The app while it serves.
pub struct Running {
    servers: Vec<JoinHandle<()>>,
    ticker: JoinHandle<()>,
    page_port: u16,
    api_port: u16,
    other_port: Option<u16>,
    host: String,
    ca_cert: Option<PathBuf>,
    state: AppState,
    stop_tx: watch::Sender<bool>,
    token_reason: Option<String>,
}

impl Running {
    /// The page origin's port as bound (useful with port 0).
    pub fn page_port(&self) -> u16 {
        self.page_port
    }

    /// The API origin's port as bound.
    pub fn api_port(&self) -> u16 {
        self.api_port
    }

    /// The other site's port as bound; `None` with `--no-other-site`.
    pub fn other_port(&self) -> Option<u16> {
        self.other_port
    }

    /// The startup line about the other site, e.g. `other site:
    /// http://localhost:3002 (cross-site: http://127.0.0.1:3002)`.
    pub fn other_site_line(&self) -> Option<String> {
        let names = self.state.urls.other_site.as_ref()?;
        Some(format!("other site: {} (cross-site: {})", names.same_site, names.cross_site))
    }

    /// e.g. `http://localhost:3000`
    pub fn page_url(&self) -> String {
        self.state.urls.page_origin.to_string()
    }

    /// e.g. `https://localhost:3001`
    pub fn api_url(&self) -> String {
        self.state.urls.api_origin.to_string()
    }

    /// The generated CA certificate, unless `--cert`/`--key` were given.
    pub fn ca_cert(&self) -> Option<&PathBuf> {
        self.ca_cert.as_ref()
    }

    /// The configured host name.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The instructor token (printed at startup when it is required).
    pub fn lab_token(&self) -> &str {
        &self.state.lab.secrets.token
    }

    /// The startup line about the lab: the token only when it is required.
    pub fn lab_line(&self) -> String {
        crate::lab::instructor::announcement(&self.page_url(), &self.state.lab.secrets, self.token_reason.as_deref())
    }

    /// The shared state (tests use it to look at the race and the policy).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then stops gracefully.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()>) {
        shutdown.await;
        self.stop().await;
    }

    /// Stops accepting, gives in-flight requests `GRACE` to finish, then
    /// closes everything.
    pub async fn stop(self) {
        // One signal: event streams end, listeners stop accepting, and
        // connections finish what is in flight (each listener drops what is
        // left after GRACE).
        self.stop_tx.send_replace(true);
        self.ticker.abort();
        let all = futures_util::future::join_all(self.servers);
        if tokio::time::timeout(GRACE * 2, all).await.is_err() {
            tracing::warn!("some connections did not close in time; stopping anyway");
        }
    }
}

/// Binds `port` on every address; with port 0 all addresses share the port
/// the first one got (retrying if another process holds it on the others).
fn bind_all(ips: &[IpAddr], port: u16, flag: &'static str) -> Result<Vec<TcpListener>, StartupError> {
    let mut attempts = 0;
    'retry: loop {
        attempts += 1;
        let mut listeners: Vec<TcpListener> = Vec::new();
        let mut chosen = port;
        for &ip in ips {
            let addr = SocketAddr::new(ip, chosen);
            match TcpListener::bind(addr).and_then(|l| l.set_nonblocking(true).map(|()| l)) {
                Ok(listener) => {
                    if chosen == 0 {
                        chosen =
                            listener.local_addr().map_err(|source| StartupError::Listen { addr, flag, source })?.port();
                    }
                    listeners.push(listener);
                }
                // No IPv6 loopback on this machine: IPv4 alone will do.
                Err(e) if ips.len() > 1 && ip.is_ipv6() && is_unavailable(&e) => {
                    tracing::debug!("IPv6 loopback unavailable ({e}); listening on IPv4 only");
                }
                Err(e) if e.kind() == io::ErrorKind::AddrInUse && port == 0 && attempts < 10 => {
                    continue 'retry;
                }
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                    return Err(StartupError::PortInUse { port: chosen, ip, flag });
                }
                Err(source) => return Err(StartupError::Listen { addr, flag, source }),
            }
        }
        return Ok(listeners);
    }
}

fn is_unavailable(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::AddrNotAvailable | io::ErrorKind::Unsupported) || e.raw_os_error() == Some(97) // EAFNOSUPPORT: IPv6 disabled in the kernel
}

fn local_port(listeners: &[TcpListener]) -> u16 {
    listeners.first().and_then(|l| l.local_addr().ok()).map_or(0, |a| a.port())
}

/// Loads the policy typed in the lab by an earlier run, if any; `required`
/// (`--scenario custom`): its absence or a mistake in it stops startup.
fn load_custom(lab: &Lab, required: bool) -> Result<(), StartupError> {
    match lab.load_custom() {
        Ok(true) => Ok(()),
        Ok(false) if required => Err(StartupError::Custom(format!(
            "no policy was saved in {} yet: type one in the lab's editor (/lab) and apply it first, or use --policy FILE",
            lab.custom_store.path().display()
        ))),
        Err(reason) if required => Err(StartupError::Custom(format!("{reason} (fix or remove the file)"))),
        Err(reason) => {
            tracing::warn!("the policy typed in the lab earlier is left out: {reason}");
            Ok(())
        }
        Ok(false) => Ok(()),
    }
}

/// Loads the policy file, or the shipped default.
fn load_policy(
    file: Option<&Path>,
    page_origins: &[Origin],
    registry: &OriginRegistry,
) -> Result<(Policy, String), StartupError> {
    let ctx = PolicyContext::new(page_origins, registry, &process_env);
    let Some(path) = file else {
        let policy = crate::cors::file::parse(defaults::DEFAULT_POLICY_NAME, defaults::DEFAULT_POLICY, &ctx)?;
        return Ok((policy, defaults::DEFAULT_POLICY.to_owned()));
    };
    let unreadable = |reason| StartupError::PolicyUnreadable { path: path.to_owned(), reason };
    let bytes = crate::fsutil::read_bounded(path).map_err(|e| unreadable(crate::tls::io_reason(&e)))?;
    let text = String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".to_owned()))?;
    let policy = crate::cors::file::parse(&path.display().to_string(), &text, &ctx)?;
    Ok((policy, text))
}

/// The page origin under every name the server answers to: the loopback
/// names browsers use, plus the configured host.
pub fn page_origins(host: &str, page_port: u16) -> Vec<Origin> {
    origins_of("http", host, page_port)
}

/// An origin under every name the server answers to (the loopback names
/// and `host`), for this scheme and port.
pub fn origins_of(scheme: &str, host: &str, port: u16) -> Vec<Origin> {
    let mut origins: Vec<Origin> = Vec::new();
    for name in ["localhost", "127.0.0.1", "::1", host] {
        if let Ok(origin) = Origin::from_parts(scheme, name, port)
            && !origins.contains(&origin)
        {
            origins.push(origin);
        }
    }
    origins
}
