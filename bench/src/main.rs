//! Load benchmark of the app. Run with
//!
//! ```sh
//! cargo build --release -p f1-race-results -p f1-baseline && cargo run --release -p f1-bench
//! ```
//!
//! It builds nothing: it starts the release binaries `f1-race-results` and
//! `f1-baseline` (next to itself, or `--app`/`--baseline PATH`) and nginx
//! as child processes on free ports with a scratch certificates directory,
//! drives them with its own HTTP/1.1 keep-alive client (TLS verified
//! against the run's own CA), and prints one Markdown table and a verdict
//! line per goal on stdout; progress goes to stderr.
//!
//! # Layout
//! - [`args`]: the command line and the resolved plan;
//! - [`lab`]: the servers under test, started once per run ([`process`],
//!   [`nginx`]);
//! - [`client`], [`load`], [`histogram`]: the load generator;
//! - [`rows`]: what each row sends and checks; [`startup`]: start times;
//! - [`sse`]: event-stream clients held open during the load;
//! - [`report`], [`table`]: the table; [`goals`], [`verdict`]: met, not met, or
//!   cannot tell.

mod args;
mod client;
mod goals;
mod histogram;
mod lab;
mod load;
mod nginx;
mod process;
mod report;
mod rows;
mod sse;
mod startup;
mod table;
mod verdict;

use std::process::ExitCode;

use clap::Parser;

use args::{Args, Plan};
use client::Target;
use lab::{Lab, SETTLE};
use process::{Memory, memory_of, memory_with_children};
use report::{MemoryRow, Report};
use rows::Key;
use sse::SseClients;

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Ctrl-C drops the run: children are killed, the scratch dir removed.
    let result = runtime.block_on(async {
        tokio::select! {
            result = bench(&args) => result,
            _ = tokio::signal::ctrl_c() => Err("interrupted".to_owned()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn bench(args: &Args) -> Result<(), String> {
    let plan = args.plan()?;
    let load_at_start = load_average();
    eprintln!("starting the app (three times), the baseline and nginx…");
    let mut lab = Lab::start(&plan, args.nginx.as_deref(), !args.no_nginx).await?;
    tokio::time::sleep(SETTLE).await;
    let idle = memory(&lab);

    let sse_targets = [&lab.app, &lab.twin, &lab.learner].map(|app| Target::http(app.ports[0]));
    let sse = match plan.sse_clients {
        0 => None,
        n => Some(SseClients::connect(&sse_targets, &plan.sse_path, n).await?),
    };
    let load = rows::run_all(&lab, &plan).await?;
    let after = memory(&lab);
    let sse = match sse {
        Some(clients) => Some(clients.finish().await),
        None => None,
    };
    let gone = lab.exited();
    let startup = startup::measure(&lab, &plan).await?;

    let nginx = lab.nginx.is_some();
    let served = |keys: &[Key]| {
        let rows = load.rows.iter().enumerate();
        let numbers: Vec<String> =
            rows.filter(|(_, m)| keys.contains(&m.key)).map(|(i, _)| format!("#{}", i + 1)).collect();
        numbers.join(", ")
    };
    let learner = [Key::Preflight, Key::LearnerGet, Key::Tagged, Key::Jsonp, Key::Ajax];
    let labels = [
        format!("app (served {})", served(&[Key::App])),
        format!("its twin (served {})", served(&[Key::Twin])),
        format!("app (served {})", served(&learner)),
        format!("bare axum + CorsLayer (served {})", served(&[Key::BaselineGet, Key::BaselinePreflight])),
        format!("nginx, master + {} workers", nginx_workers(&lab)),
    ];
    let mut memory: Vec<MemoryRow> = labels
        .into_iter()
        .zip(idle.into_iter().zip(after))
        .filter_map(|(label, (idle, after))| Some(MemoryRow { label, idle: idle?, after: after?, baseline: None }))
        .collect();
    // Every row divided by nginx's, the last one when it was read.
    if nginx && idle[4].is_some() && after[4].is_some() {
        let nginx_row = memory.len() - 1;
        for row in &mut memory[..nginx_row] {
            row.baseline = Some(nginx_row);
        }
    }
    let report = Report { load: &load, memory, startup: &startup, sse, nginx };
    println!("{}", context(&plan, &lab, &load_at_start));
    print!("{}", report.render());
    if gone.is_empty() { Ok(()) } else { Err(format!("the figures above are not valid: {}", gone.join("\n"))) }
}

/// Memory of the three apps, the baseline and nginx (master + workers), in
/// the order of the memory rows.
fn memory(lab: &Lab) -> [Option<Memory>; 5] {
    [
        lab.app.pid().and_then(memory_of),
        lab.twin.pid().and_then(memory_of),
        lab.learner.pid().and_then(memory_of),
        lab.baseline.pid().and_then(memory_of),
        lab.nginx.as_ref().and_then(|n| n.pid()).and_then(memory_with_children),
    ]
}

fn nginx_workers(lab: &Lab) -> usize {
    lab.nginx.as_ref().and_then(|n| n.pid()).map_or(0, |pid| process::children_of(pid).len())
}

/// The 1-minute load average.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().next().unwrap_or("?").to_owned()
}

/// The lines above the table: the machine and how the run was made.
fn context(plan: &Plan, lab: &Lab, load_at_start: &str) -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let load = load_average();
    let nginx = lab.nginx_notice.clone().unwrap_or_else(|| "nginx: the server to beat".to_owned());
    format!(
        "Machine: {cpus} CPUs ({model}), load average {load_at_start} at the start, {load} at the end \
         (other work on the machine); the load generator and the servers share them.\n\n\
         Run: {} keep-alive HTTP/1.1 connections per row; each row measured {:.1} s in all, over {} \
         interleaved rounds, each slice after {:.1} s of warm-up; TLS verified against the run's CA. \
         The apps log as they do by default (no RUST_LOG: an access-log line per request, to a file), \
         nginx to its default access log (a file), the baseline not at all. {nginx}.\n\n\
         App: {}\n",
        plan.connections,
        plan.duration.as_secs_f64(),
        plan.rounds,
        (plan.warmup / 2).max(std::time::Duration::from_millis(100)).as_secs_f64(),
        plan.app.display(),
    )
}
