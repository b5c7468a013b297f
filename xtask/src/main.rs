//! Repository automation for hwc, run as `cargo xtask <command>`.
//!
//! `gen` turns the hand-written OpenAPI specs in `spec/` into the generated client crate
//! `crates/hwc-api`; `gen --check` proves the checked-in code is what the specs produce.
//! `bench`, `load` and `fuzz` run the long measurements whose figures go into issue notes.

#![forbid(unsafe_code)]

mod bench;
mod cycles;
mod fuzz;
// `gen` is a reserved word in Rust 2024; the folder keeps the command's name.
mod r#gen;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "xtask",
    bin_name = "cargo xtask",
    about = "Repository automation for hwc"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate `crates/hwc-api/src/<service>.rs` from `spec/*.yaml`.
    Gen {
        /// Regenerate in memory and fail with a diff if any checked-in file differs.
        #[arg(long)]
        check: bool,
        /// Workspace root holding `spec/` and `crates/hwc-api/` (default: this repository).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// End-to-end benchmark: the facade, a raw reqwest loop, the official Python SDK and the CLI
    /// paging the same records from one release-mode simulator.
    Bench {
        /// Records of the HSS query every client pages.
        #[arg(long, default_value_t = 100_000)]
        hss_records: u64,
        /// Scans of the CodeArts Check task every client pages.
        #[arg(long, default_value_t = 20_000)]
        codearts_records: u64,
        /// Runs of every client; the median counts.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
        /// Records the CLI pages to show its memory stays flat (0 skips it).
        #[arg(long, default_value_t = 1_000_000)]
        million: u64,
        /// Scenarios to run: loopback (no latency or flow control), realistic (40 ms round trips,
        /// 200 requests/s per API), fan-out (16 pagers sharing a client under the same),
        /// all-vuls (the CLI's whole-project export under the same).
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "loopback,realistic,fan-out,all-vuls"
        )]
        scenarios: Vec<Scenario>,
        /// Vulnerabilities of the all-vuls scenario.
        #[arg(long, default_value_t = 2_000)]
        all_vuls_vulnerabilities: u64,
        /// Records of the all-vuls scenario (default: 100 per vulnerability).
        #[arg(long, default_value_t = 0)]
        all_vuls_records: u64,
        /// Seconds of the fan-out scenario.
        #[arg(long, default_value_t = 30)]
        fan_out_seconds: u64,
    },
    /// Load test: many concurrent pagers against one simulator for a fixed time.
    Load {
        /// Pagers at once.
        #[arg(long, default_value_t = 64)]
        pagers: usize,
        /// How long.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
    /// Fails when the files of any crate import each other in a circle.
    Cycles {
        /// Workspace root holding `crates/` and `xtask/` (default: this repository).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Runs the cargo-fuzz targets of crates/hwc-fuzz (installs cargo-fuzz if missing).
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 600)]
        seconds: u64,
        /// Targets to run (default: all).
        targets: Vec<String>,
    },
    /// Runs a command and writes its peak memory and CPU time to a JSON file (used by bench).
    #[command(hide = true)]
    Measure {
        /// Where the usage report goes.
        #[arg(long)]
        report: PathBuf,
        /// The command and its arguments.
        #[arg(last = true, required = true)]
        command: Vec<std::ffi::OsString>,
    },
}

/// The scenarios of `cargo xtask bench`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scenario {
    Loopback,
    Realistic,
    FanOut,
    AllVuls,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen { check, root } => {
            let root = root.unwrap_or_else(workspace_root);
            r#gen::run(&root, check)
        }
        Command::Bench {
            hss_records,
            codearts_records,
            repeat,
            million,
            scenarios,
            fan_out_seconds,
            all_vuls_vulnerabilities,
            all_vuls_records,
        } => bench::run(
            &workspace_root(),
            &bench::Options {
                loopback: scenarios.contains(&Scenario::Loopback),
                realistic: scenarios.contains(&Scenario::Realistic),
                fan_out_seconds: if scenarios.contains(&Scenario::FanOut) {
                    fan_out_seconds
                } else {
                    0
                },
                hss_records,
                codearts_records,
                repeat,
                million,
                all_vuls: if scenarios.contains(&Scenario::AllVuls) {
                    all_vuls_vulnerabilities
                } else {
                    0
                },
                all_vuls_records,
            },
        ),
        Command::Load { pagers, seconds } => bench::load::run(&workspace_root(), pagers, seconds),
        Command::Cycles { root } => cycles::run(&root.unwrap_or_else(workspace_root)),
        Command::Fuzz { seconds, targets } => fuzz::run(&workspace_root(), &targets, seconds),
        Command::Measure { report, command } => bench::measure::run(&report, &command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}
