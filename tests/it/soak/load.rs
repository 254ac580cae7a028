//! The soak run itself: the binary, the load, the memory sampler, and the
//! figures they add up to.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::PoisonError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use super::clients::{Client, Combination, SCENARIOS, Switcher, Tally, get, preflight, rss_kib, stream, switch_until};
use super::{Figures, Setup};

const BIN: &str = env!("CARGO_BIN_EXE_f1-race-results");
const STREAMS_PER_ADDRESS: usize = 25;

/// Runs the whole soak.
pub async fn run(setup: &Setup) -> Figures {
    let certs = tempfile::tempdir().expect("temp dir");
    let (page, api) = (free_port(), free_port());
    let mut child = Command::new(BIN)
        .args([
            "--page-port",
            &page.to_string(),
            "--api-port",
            &api.to_string(),
            "--lap-seconds",
            "0.05",
            "--no-other-site",
        ])
        .env("F1_OTHER_PORT", "0")
        .arg("--certs-dir")
        .arg(certs.path())
        .arg("--data-dir")
        .arg(certs.path().join("data"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut ready = BufReader::new(child.stdout.take().expect("stdout")).lines();
    for _ in 0..2 {
        ready.next_line().await.expect("stdout").expect("a ready line");
    }
    let pid = child.id().expect("running");
    let stderr = child.stderr.take().expect("stderr");
    let log = tokio::spawn(async move {
        let (mut lines, mut panics, mut kept) = (BufReader::new(stderr).lines(), 0, Vec::new());
        while let Ok(Some(line)) = lines.next_line().await {
            panics += usize::from(line.contains("panicked"));
            if kept.len() < 20 {
                kept.push(line);
            }
        }
        (panics, kept)
    });
    let tls = crate::helpers::connector_trusting(&certs.path().join("ca.pem"));
    let origin = format!("http://localhost:{page}");
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));

    // What each of the two setups answers, asked once each.
    let mut switcher = Switcher::new(page).await;
    let mut probe = Client::tls(&tls, api).await.expect("API origin");
    let mut expected: [BTreeSet<Combination>; 2] = Default::default();
    for name in SCENARIOS {
        switcher.apply(name).await.expect("switch");
        for (kind, req) in [(0, get(&origin)), (1, preflight(&origin))] {
            expected[kind].insert(probe.send(req, "").await.expect("probe").1);
        }
    }
    assert!(expected.iter().all(|set| set.len() == 2), "the two setups must answer differently: {expected:?}");

    // Event streams, spread over loopback addresses (the cap is per address).
    let to = SocketAddr::new(Ipv4Addr::LOCALHOST.into(), page);
    let mut streams = Vec::new();
    for i in 0..setup.streams {
        let from = Ipv4Addr::new(127, 0, 1, (1 + i / STREAMS_PER_ADDRESS) as u8);
        streams.push(tokio::spawn(stream(from, to, Arc::clone(&tally), Arc::clone(&stop))));
    }
    // The one intended refusal: one address over the per-address cap.
    let cap = f1_race_results::lab::events::MAX_STREAMS_PER_CLIENT;
    let crowded = Ipv4Addr::new(127, 0, 2, 1);
    let mut full = Vec::new();
    for _ in 0..cap {
        full.push(tokio::spawn(stream(crowded, to, Arc::clone(&tally), Arc::clone(&stop))));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let intended_429 = u64::from(stream(crowded, to, Arc::clone(&tally), Arc::clone(&stop)).await == Err("429".into()));

    let started = Instant::now();
    let deadline = started + Duration::from_secs(setup.seconds);
    let sampler = tokio::spawn(async move {
        let mut samples = Vec::new();
        while Instant::now() < deadline {
            samples.extend(rss_kib(pid));
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        samples.extend(rss_kib(pid));
        samples
    });
    let mut workers = Vec::new();
    for i in 0..setup.connections {
        let (tls, origin, tally, expected) = (tls.clone(), origin.clone(), Arc::clone(&tally), expected.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut client = Client::tls(&tls, api).await;
            let mut n = i;
            while Instant::now() < deadline {
                let Ok(c) = client.as_mut() else {
                    tally.error(format!("connect: {:?}", client.as_ref().err()));
                    client = Client::tls(&tls, api).await;
                    continue;
                };
                n += 1;
                let (kind, req, want) = if n % 2 == 0 { (0, get(&origin), 200) } else { (1, preflight(&origin), 204) };
                let sent = Instant::now();
                match c.send(req, "").await {
                    Ok((status, cors, _)) => {
                        latencies.push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                        tally.requests.fetch_add(1, Ordering::Relaxed);
                        if status != want {
                            tally.error(format!("status {status} instead of {want}"));
                        }
                        if !expected[kind].contains(&cors) {
                            tally.mixed.fetch_add(1, Ordering::Relaxed);
                            tally.error(format!("a mix: {cors:?}"));
                        }
                    }
                    Err(e) => {
                        tally.error(format!("request: {e}"));
                        client = Client::tls(&tls, api).await;
                    }
                }
            }
            tally.latencies.lock().unwrap_or_else(PoisonError::into_inner).extend(latencies);
        }));
    }
    // The switches run on a thread of their own, so that they keep their
    // pace however busy the clients keep the test's runtime; several
    // connections, because one switch waits for the busy server's answer.
    let switching = {
        let (tally, rate) = (Arc::clone(&tally), setup.switches_per_second);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(switch_until(page, rate, deadline, tally));
        })
    };
    drop(switcher);
    for worker in workers {
        if worker.await.is_err() {
            tally.error("a client task panicked".to_owned());
        }
    }
    if switching.join().is_err() {
        tally.error("the switcher panicked".to_owned());
    }
    let elapsed = started.elapsed();
    let rss = sampler.await.unwrap_or_default();
    stop.store(true, Ordering::Relaxed);

    // Which streams are still open: each is asked to end by the shutdown.
    let still_open = streams.iter().filter(|s| !s.is_finished()).count();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = Command::new("kill").args(["-TERM", &pid.to_string()]).status().await;
    assert!(sent.is_ok_and(|s| s.success()), "kill");
    let exit = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
    let exit_code = exit.ok().and_then(Result::ok).and_then(|s| s.code());
    for s in streams.into_iter().chain(full) {
        match tokio::time::timeout(Duration::from_secs(2), s).await {
            Ok(Ok(Ok(true))) => {}
            other => tally.error(format!("an event stream ended early or failed: {other:?}")),
        }
    }
    let (panics, kept) = log.await.unwrap_or_default();
    if !kept.is_empty() {
        println!("server log (first lines):\n{}", kept.join("\n"));
    }
    let latencies_us = std::mem::take(&mut *tally.latencies.lock().unwrap_or_else(PoisonError::into_inner));
    let errors = std::mem::take(&mut *tally.errors.lock().unwrap_or_else(PoisonError::into_inner));
    Figures {
        elapsed,
        requests: tally.requests.load(Ordering::Relaxed),
        switches: tally.switches.load(Ordering::Relaxed),
        events: tally.events.load(Ordering::Relaxed),
        errors,
        mixed: tally.mixed.load(Ordering::Relaxed),
        intended_429,
        panics,
        exit_code,
        streams_open_at_end: still_open,
        latencies_us,
        rss_warm_kib: rss.get(rss.len() / 4).copied().unwrap_or(0),
        rss_last_kib: rss.last().copied().unwrap_or(0),
        rss_kib: rss,
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}
