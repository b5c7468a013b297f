//! Peak memory and CPU time of one process, taken the way `time -v` takes them: run it as our
//! only child, wait, then ask the kernel for the resource usage of our (waited-for) children.
//! `cargo xtask bench` runs every timed client through `cargo xtask measure`, so each number is
//! that client's alone.

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use nix::sys::resource::{UsageWho, getrusage};
use serde_json::json;

/// Runs `command` with inherited standard streams, writes its usage to `report` as JSON, and
/// fails if it failed.
pub fn run(report: &Path, command: &[OsString]) -> anyhow::Result<()> {
    let Some((program, args)) = command.split_first() else {
        bail!("measure: no command given");
    };
    let status = Command::new(program)
        .args(args)
        .status()
        .with_context(|| format!("cannot start {}", program.to_string_lossy()))?;
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).context("getrusage")?;
    let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    let json = json!({
        "exit_code": status.code(),
        "max_rss_kib": usage.max_rss(),
        "user_seconds": seconds(usage.user_time()),
        "system_seconds": seconds(usage.system_time()),
    });
    std::fs::write(report, json.to_string())
        .with_context(|| format!("cannot write {}", report.display()))?;
    if !status.success() {
        bail!("{} failed: {status}", program.to_string_lossy());
    }
    Ok(())
}

/// What [`run`] wrote.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// Peak resident set, KiB.
    pub max_rss_kib: u64,
    /// User plus system CPU seconds.
    pub cpu_seconds: f64,
}

impl Usage {
    /// Reads a report written by [`run`].
    pub fn read(report: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(report)
            .with_context(|| format!("cannot read {}", report.display()))?;
        let json: serde_json::Value = serde_json::from_str(&text)?;
        Ok(Self {
            max_rss_kib: json["max_rss_kib"].as_u64().unwrap_or(0),
            cpu_seconds: json["user_seconds"].as_f64().unwrap_or(0.0)
                + json["system_seconds"].as_f64().unwrap_or(0.0),
        })
    }
}

/// `program` to be run under `cargo xtask measure`, its usage written to `report`; add its
/// arguments and environment to the returned command.
pub fn wrapped(report: &Path, program: impl AsRef<OsStr>) -> anyhow::Result<Command> {
    let mut command = Command::new(std::env::current_exe().context("cannot find xtask itself")?);
    command
        .arg("measure")
        .arg("--report")
        .arg(report)
        .arg("--")
        .arg(program);
    Ok(command)
}

/// The last line of a client's standard output: its JSON report.
pub fn report_line(stdout: &[u8]) -> anyhow::Result<serde_json::Value> {
    let stdout = String::from_utf8_lossy(stdout);
    let line = stdout
        .lines()
        .last()
        .context("the client printed no report")?;
    serde_json::from_str(line).with_context(|| format!("report line {line:?}"))
}

/// `cargo build --release --locked` of these packages of the workspace at `root`.
pub fn release_build(root: &Path, packages: &[&str]) -> anyhow::Result<()> {
    eprintln!("building {} in release mode...", packages.join(", "));
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(root)
        .args(["build", "--release", "--locked"]);
    for package in packages {
        command.args(["-p", package]);
    }
    let status = command.status().context("cannot run cargo build")?;
    if !status.success() {
        bail!("cargo build failed: {status}");
    }
    Ok(())
}
