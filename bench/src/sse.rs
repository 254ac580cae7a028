//! "N SSE clients connected while the load runs": long-lived `/events`
//! streams, as every open learner page holds.
//!
//! `--sse-clients N` opens N long-lived `GET --sse-path` requests
//! (`Accept: text/event-stream`, `/events` by default) on the page origin
//! of every app instance under load, before the first row, and keeps
//! reading them until the last row ends, so each row is measured with N
//! idle streams held open. The default is 0 clients.
//!
//! A stream is accepted only with status 200 and `Content-Type:
//! text/event-stream`; anything else (a 404, say) is a clean error naming
//! the endpoint, rather than a run that silently measures something else.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use http_body_util::BodyExt;
use hyper::http::{HeaderValue, Method, StatusCode, header};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::client::{Connection, Probe, Target};

/// Open streams and what they received.
pub(crate) struct SseClients {
    wanted: usize,
    open: Arc<AtomicUsize>,
    events: Arc<AtomicU64>,
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

/// What the streams did while the load ran.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SseReport {
    pub(crate) wanted: usize,
    pub(crate) still_open: usize,
    pub(crate) events: u64,
}

impl SseClients {
    /// Opens `n` streams to each target (`n` = 0: nothing, the default).
    pub(crate) async fn connect(targets: &[Target], path: &str, n: usize) -> Result<Self, String> {
        let (stop, stopped) = watch::channel(false);
        let mut clients = Self {
            wanted: n * targets.len(),
            open: Arc::new(AtomicUsize::new(0)),
            events: Arc::new(AtomicU64::new(0)),
            stop,
            tasks: JoinSet::new(),
        };
        let probe = Probe {
            method: Method::GET,
            path: path.to_owned(),
            headers: vec![(header::ACCEPT, HeaderValue::from_static("text/event-stream"))],
        };
        let mut opening = JoinSet::new();
        for target in targets {
            for i in 0..n {
                let (target, probe) = (target.clone(), probe.clone());
                let from = source_address(i);
                opening.spawn(async move { open(&target, &probe, from).await });
            }
        }
        while let Some(joined) = opening.join_next().await {
            let (conn, body) = joined.map_err(|e| format!("SSE client: {e}"))??;
            clients.open.fetch_add(1, Ordering::Relaxed);
            let (open, events, mut stopped) = (clients.open.clone(), clients.events.clone(), stopped.clone());
            clients.tasks.spawn(async move {
                let _conn = conn; // the stream lives as long as its connection
                let mut body = body;
                loop {
                    tokio::select! {
                        _ = stopped.changed() => break,
                        frame = body.frame() => match frame {
                            Some(Ok(frame)) => {
                                if let Some(data) = frame.data_ref() {
                                    events.fetch_add(count_events(data), Ordering::Relaxed);
                                }
                            }
                            _ => {
                                open.fetch_sub(1, Ordering::Relaxed);
                                break;
                            }
                        },
                    }
                }
            });
        }
        Ok(clients)
    }

    /// Closes every stream and reports.
    pub(crate) async fn finish(mut self) -> SseReport {
        let report = SseReport {
            wanted: self.wanted,
            still_open: self.open.load(Ordering::Relaxed),
            events: self.events.load(Ordering::Relaxed),
        };
        let _ = self.stop.send(true);
        while self.tasks.join_next().await.is_some() {}
        report
    }
}

/// The app caps event streams per client address (a class's learners each
/// have their own), so N clients come from N / cap loopback addresses:
/// 127.0.0.2, 127.0.0.3, ... as that many learners would.
fn source_address(i: usize) -> std::net::Ipv4Addr {
    let per_address = f1_race_results::lab::events::MAX_STREAMS_PER_CLIENT;
    let n = u8::try_from(2 + i / per_address).unwrap_or(u8::MAX);
    std::net::Ipv4Addr::new(127, 0, 0, n)
}

async fn open(
    target: &Target,
    probe: &Probe,
    from: std::net::Ipv4Addr,
) -> Result<(Connection, hyper::body::Incoming), String> {
    let mut conn = Connection::open_from(target, Some(from))
        .await
        .map_err(|e| format!("SSE client: cannot connect to {} from {from}: {e}", target.addr))?;
    let response = conn.start(probe, &target.host).await?;
    let streams = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    if response.status() != StatusCode::OK || !streams {
        return Err(format!(
            "--sse-clients: GET {} on the page origin answered {} ({}), not an event stream; \
             check --sse-path (the app's is /events)",
            probe.path,
            response.status(),
            response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("no Content-Type"),
        ));
    }
    Ok((conn, response.into_body()))
}

/// Events in a chunk: each ends with a blank line. Approximate when a
/// separator straddles two chunks, which is enough for a liveness count.
fn count_events(data: &[u8]) -> u64 {
    data.windows(2).filter(|w| w == b"\n\n").count() as u64
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::time::Duration;

    use axum::Router;
    use axum::response::sse::{Event, Sse};
    use axum::routing::get;

    use super::*;

    #[test]
    fn events_end_with_a_blank_line() {
        assert_eq!(count_events(b"data: a\n\ndata: b\n\n"), 2);
        assert_eq!(count_events(b": keep-alive\n"), 0);
    }

    /// A stand-in for the future `/events`: one event every 10 ms.
    async fn sse_server() -> Target {
        let events = || async {
            let ticks = futures_util::stream::unfold(0u32, |n| async move {
                tokio::time::sleep(Duration::from_millis(10)).await;
                Some((Ok::<_, Infallible>(Event::default().data(n.to_string())), n + 1))
            });
            Sse::new(ticks)
        };
        let app = Router::new().route("/events", get(events));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Target::http(port)
    }

    #[tokio::test]
    async fn streams_stay_open_and_count_events_once_the_endpoint_exists() {
        let target = sse_server().await;
        let clients = SseClients::connect(&[target], "/events", 5).await.expect("an event stream");
        tokio::time::sleep(Duration::from_millis(200)).await;
        let report = clients.finish().await;
        assert_eq!((report.wanted, report.still_open), (5, 5));
        assert!(report.events >= 5, "{report:?}");
    }

    #[tokio::test]
    async fn a_missing_endpoint_is_a_clean_error() {
        let target = sse_server().await;
        let Err(err) = SseClients::connect(&[target], "/nope", 2).await else {
            panic!("a 404 must not be accepted as a stream");
        };
        assert!(err.contains("404"), "{err}");
    }
}
