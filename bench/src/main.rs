//! Load benchmark of the app. Run with
//!
//! ```sh
//! cargo build --release && cargo run --release --bin bench
//! ```
//!
//! It builds nothing: it starts the release binary `f1-race-results` (next
//! to itself, or `--app PATH`) as child processes on free ports with a
//! scratch certificates directory, drives them with its own HTTP/1.1
//! keep-alive client (TLS verified against the run's own CA), and prints
//! one Markdown table on stdout; progress goes to stderr.
//!
//! # Layout
//! - [`args`]: the command line and the resolved plan;
//! - [`lab`]: the servers under test, started once per run ([`process`],
//!   [`plain_api`], [`nginx`]);
//! - [`client`], [`load`], [`histogram`]: the load generator;
//! - [`rows`]: what each row sends and checks; [`startup`]: start times;
//! - [`sse`]: the hook for SSE clients held open during the load;
//! - [`report`], [`table`]: the table.

mod args;
mod client;
mod histogram;
mod lab;
mod load;
mod nginx;
mod plain_api;
mod process;
mod report;
mod rows;
mod sse;
mod startup;
mod table;

use std::process::ExitCode;

use clap::Parser;

use args::{Args, Helper, Plan};
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
    let result = runtime.block_on(async {
        match &args.helper {
            Some(Helper::ServePlainApi { page_port, seed, lap_seconds }) => {
                init_logging();
                plain_api::serve(*page_port, *seed, *lap_seconds).await
            }
            // Ctrl-C drops the run: children are killed, the scratch dir removed.
            None => tokio::select! {
                result = bench(&args) => result,
                _ = tokio::signal::ctrl_c() => Err("interrupted".to_owned()),
            },
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

/// The helper logs like the app (same filter, same writer), so the access
/// log costs the same in both.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

async fn bench(args: &Args) -> Result<(), String> {
    let plan = args.plan()?;
    let load_at_start = load_average();
    eprintln!("starting the app (four times), the plain-HTTP helper and nginx…");
    let mut lab = Lab::start(&plan, args.nginx.as_deref(), !args.no_nginx).await?;
    tokio::time::sleep(SETTLE).await;
    let idle = memory(&lab);

    let sse_targets = [&lab.cors, &lab.no_cors, &lab.twin, &lab.others].map(|app| Target::http(app.ports[0]));
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
    let others = [Key::Preflight, Key::Jsonp, Key::AjaxApi, Key::AjaxPage];
    let labels = [
        format!("app, with CORS (served {})", served(&[Key::Cors])),
        format!("app --no-cors (served {})", served(&[Key::NoCors])),
        format!("nginx, master + {} workers", nginx_workers(&lab)),
        format!("app, with CORS (served {})", served(&others)),
    ];
    let memory = labels
        .into_iter()
        .zip(idle.into_iter().zip(after))
        .enumerate()
        .filter_map(|(i, (label, (idle, after)))| {
            Some(MemoryRow {
                label,
                idle: idle?,
                after: after?,
                baseline: match i {
                    0 | 3 => Some(1),
                    1 if nginx => Some(2),
                    _ => None,
                },
            })
        })
        .collect();
    let report = Report { load: &load, memory, startup: &startup, sse, nginx };
    println!("{}", context(&plan, &lab, &load_at_start));
    print!("{}", report.render());
    if gone.is_empty() { Ok(()) } else { Err(format!("the figures above are not valid: {}", gone.join("\n"))) }
}

/// Memory of the CORS instance, the control, nginx (master + workers) and
/// the instance that served the other rows.
fn memory(lab: &Lab) -> [Option<Memory>; 4] {
    [
        lab.cors.pid().and_then(memory_of),
        lab.no_cors.pid().and_then(memory_of),
        lab.nginx.as_ref().and_then(|n| n.pid()).and_then(memory_with_children),
        lab.others.pid().and_then(memory_of),
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
    let nginx = lab.nginx_notice.clone().unwrap_or_else(|| "nginx: the floor rows".to_owned());
    format!(
        "Machine: {cpus} CPUs ({model}), load average {load_at_start} at the start, {load} at the end \
         (other work on the machine); the load generator and the servers share them.\n\n\
         Run: {} keep-alive HTTP/1.1 connections per row; each row measured {:.1} s in all, over {} \
         interleaved rounds, each slice after {:.1} s of warm-up; TLS verified against the run's CA; children log with RUST_LOG={}. {nginx}.\n\n\
         App: {}\n",
        plan.connections,
        plan.duration.as_secs_f64(),
        plan.rounds,
        (plan.warmup / 2).max(std::time::Duration::from_millis(100)).as_secs_f64(),
        plan.rust_log,
        plan.app.display(),
    )
}
