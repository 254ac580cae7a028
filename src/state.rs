//! What every handler can reach: cheap to clone (one `Arc`: axum clones the
//! state for every request, two or three times).

use std::sync::Arc;

use crate::api::users::Users;
use crate::cors::{Origin, PolicySwitch};
use crate::exchanges::ExchangeLog;
use crate::lab::Lab;
use crate::lab::events::StreamLimits;
use crate::race::LiveRace;
use crate::standings::rendered::RenderedStandings;
use tokio::sync::watch;

/// Shared application state: a handle to [`Shared`], whose fields it
/// derefs to.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    /// The handle to `shared`.
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What the app state holds.
pub struct Shared {
    /// The live race, one consistent snapshot at a time.
    pub race: LiveRace,
    /// The race's standings fragment, rendered once per snapshot.
    pub standings: RenderedStandings,
    /// The CORS policy in force on the API origin (`None`: middleware removed).
    pub policy: PolicySwitch,
    /// The app's own URLs, as browsers reach them.
    pub urls: Arc<Urls>,
    /// Sessions and the favourite driver of `/api/v1/users/*`.
    pub users: Users,
    /// Recent exchanges on both origins.
    pub exchanges: ExchangeLog,
    /// The instructor's lab: scenarios, switch, secrets.
    pub lab: Lab,
    /// Open event streams per client address.
    pub streams: StreamLimits,
    /// Becomes `true` when the app shuts down (ends event streams).
    pub shutdown: watch::Receiver<bool>,
}

/// The two origins under the configured host name, with the real ports.
#[derive(Debug, Clone)]
pub struct Urls {
    /// e.g. `http://localhost:3000`
    pub page_origin: Origin,
    /// e.g. `https://localhost:3001`
    pub api_origin: Origin,
    /// The API port, which the pages combine with their own host name.
    pub api_port: u16,
    /// The page origin under every name the server answers to.
    pub page_origins: Vec<Origin>,
    /// The other site's two names, unless `--no-other-site`.
    pub other_site: Option<crate::other_site::OtherSiteNames>,
}
