//! Peak memory and CPU time of one process, taken the way `time -v` takes them: run it as our
//! only child, wait, then ask the kernel for the resource usage of our (waited-for) children.
//! `cargo xtask bench` runs every timed client through `cargo xtask measure`, so each number is
//! that client's alone.

use std::ffi::OsString;
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
