//! The clients the end-to-end benchmark and the load test time, as one binary so that each runs
//! in its own process (its peak memory is then its own). Each prints one JSON line of results.
//!
//! Run through `cargo xtask bench` and `cargo xtask load`, which start the simulator, build
//! everything in release mode and print the tables.

#![forbid(unsafe_code)]

mod facade;
mod load;
mod raw;
mod workload;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use workload::{Api, Workload};

#[derive(Parser)]
#[command(
    name = "hwc-bench",
    about = "Clients timed by cargo xtask bench / load"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Page through every record with the hwc facade (AK/SK signed, as users call it).
    Facade(Run),
    /// Page through every record with a minimal reqwest + serde_json loop (token auth).
    Raw(Run),
    /// Many concurrent facade pagers for a fixed time; per-request latency.
    Load {
        /// Simulator URL.
        #[arg(long)]
        endpoint: String,
        /// Pagers running at once (half HSS, half CodeArts Check).
        #[arg(long, default_value_t = 64)]
        pagers: usize,
        /// How long to run.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Pages each pager keeps in flight (default: the client's, from its flow control).
        #[arg(long)]
        concurrency: Option<usize>,
    },
}

/// One timed paging run.
#[derive(clap::Args)]
struct Run {
    /// Simulator URL.
    #[arg(long)]
    endpoint: String,
    /// Which API to page.
    #[arg(long, value_enum)]
    api: Api,
    /// Pages in flight at once (default: the client's, from its flow control; the raw loop's
    /// is 4).
    #[arg(long)]
    concurrency: Option<usize>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Facade(run) => {
            facade::page_all(&run.endpoint, Workload::of(run.api), run.concurrency).await
        }
        Command::Raw(run) => {
            let concurrency = run.concurrency.unwrap_or(hwc::DEFAULT_PAGE_CONCURRENCY);
            raw::page_all(&run.endpoint, Workload::of(run.api), concurrency).await
        }
        Command::Load {
            endpoint,
            pagers,
            seconds,
            concurrency,
        } => {
            let duration = std::time::Duration::from_secs(seconds);
            load::run(&endpoint, pagers, duration, concurrency).await
        }
    };
    match result {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("hwc-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
