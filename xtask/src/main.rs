//! Repository automation for hwc, run as `cargo xtask <command>`.
//!
//! `gen` turns the hand-written OpenAPI specs in `spec/` into the generated client crate
//! `crates/hwc-api`; `gen --check` proves the checked-in code is what the specs produce.

#![forbid(unsafe_code)]

mod descriptor;
mod extra_types;
mod gen_command;
mod generate;
mod spec;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen { check, root } => {
            let root = root.unwrap_or_else(workspace_root);
            gen_command::run(&root, check)
        }
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
