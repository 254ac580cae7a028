//! `GET /events` on the page origin: a server-sent event stream telling
//! every open page which scenario is in force (at once on connect, then on
//! every change), so learners see a banner within a second; and, for a
//! page that names its tab, the exchanges its own clicks caused.
//!
//! Each stream holds a connection open, so streams per client address are
//! capped (429 beyond), and all of them end when the app shuts down.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use tokio::sync::{broadcast, watch};

use super::Lab;
use crate::cors::Setup;
use crate::exchanges::{Exchange, tab_of};
use crate::state::AppState;

/// Streams one client address may hold open at once (a learner's tabs).
pub const MAX_STREAMS_PER_CLIENT: usize = 32;

/// Open streams per client address.
#[derive(Debug, Clone, Default)]
pub struct StreamLimits {
    // std Mutex: counted up and down without any `.await` in between.
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One open stream; dropping it frees the slot.
#[derive(Debug)]
pub struct Slot {
    limits: StreamLimits,
    ip: IpAddr,
}

impl StreamLimits {
    /// Takes a slot for `ip`, or `None` when it holds too many.
    pub fn acquire(&self, ip: IpAddr) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(ip).or_insert(0);
        if *count >= MAX_STREAMS_PER_CLIENT {
            return None;
        }
        *count += 1;
        Some(Slot { limits: self.clone(), ip })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.limits.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.ip) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// `GET /events[?tab=ID]`: scenario changes for every page; with a tab id,
/// also the exchanges that tab caused (the inspector's feed).
pub async fn events(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(slot) = state.streams.acquire(peer.ip()) else {
        return (StatusCode::TOO_MANY_REQUESTS, "too many open event streams from your address: close some tabs\n")
            .into_response();
    };
    let feed = Feed {
        lab: state.lab.clone(),
        changes: state.lab.subscribe(),
        shutdown: state.shutdown.clone(),
        exchanges: tab_of(query.as_deref()).map(|tab| (tab, state.exchanges.subscribe())),
        _slot: slot,
    };
    Sse::new(feed.into_stream()).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response()
}

fn scenario_event(lab: &Lab, setup: &Setup) -> Event {
    let title = lab.title_of(&setup.scenario);
    let data = serde_json::json!({ "name": setup.scenario, "title": title }).to_string();
    Event::default().event("scenario").data(data)
}

/// What one open stream listens to.
struct Feed {
    lab: Lab,
    changes: watch::Receiver<Arc<Setup>>,
    shutdown: watch::Receiver<bool>,
    /// The tab whose exchanges to forward, and the live feed of exchanges.
    exchanges: Option<(String, broadcast::Receiver<Arc<Exchange>>)>,
    _slot: Slot,
}

impl Feed {
    fn into_stream(self) -> impl Stream<Item = Result<Event, Infallible>> {
        let first = scenario_event(&self.lab, &self.lab.current());
        let rest = stream::unfold(self, |mut feed| async move {
            let event = feed.next().await?;
            Some((Ok(event), feed))
        });
        stream::once(async move { Ok(first) }).chain(rest)
    }

    /// The next event to send; `None` ends the stream (shutdown).
    async fn next(&mut self) -> Option<Event> {
        loop {
            let exchange = async {
                match &mut self.exchanges {
                    Some((tab, rx)) => loop {
                        match rx.recv().await {
                            Ok(e) if e.tab() == Some(tab.as_str()) => return Some(e),
                            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(broadcast::error::RecvError::Closed) => return None,
                        }
                    },
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                changed = self.changes.changed() => {
                    changed.ok()?;
                    let setup = Arc::clone(&self.changes.borrow_and_update());
                    return Some(scenario_event(&self.lab, &setup));
                }
                exchange = exchange => {
                    let Some(exchange) = exchange else { continue };
                    let data = serde_json::to_string(&*exchange).unwrap_or_default();
                    return Some(Event::default().event("exchange").data(data));
                }
                _ = self.shutdown.wait_for(|stopping| *stopping) => return None,
            }
        }
    }
}

use futures_util::StreamExt as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_per_address_are_capped_and_freed() {
        let limits = StreamLimits::default();
        let ip: IpAddr = [192, 0, 2, 1].into();
        let slots: Vec<_> = (0..MAX_STREAMS_PER_CLIENT).map(|_| limits.acquire(ip).expect("a slot")).collect();
        assert!(limits.acquire(ip).is_none(), "the cap holds");
        assert!(limits.acquire([192, 0, 2, 2].into()).is_some(), "other addresses are not affected");
        drop(slots);
        assert!(limits.acquire(ip).is_some(), "slots come back");
    }
}
