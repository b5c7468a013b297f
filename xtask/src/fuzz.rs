//! `cargo xtask fuzz`: runs the cargo-fuzz targets in `crates/hwc-fuzz` for a fixed time each
//! and prints executions, coverage and findings. Works on the stable toolchain: the sanitizer
//! flags cargo-fuzz passes are unlocked with `RUSTC_BOOTSTRAP=1`.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use anyhow::{Context, bail};

/// Every target, in the order they run.
pub const TARGETS: &[&str] = &["decode_responses", "verify_signature"];

/// Fuzzes `targets` (all when empty) for `seconds` each.
pub fn run(root: &Path, targets: &[String], seconds: u64) -> anyhow::Result<()> {
    ensure_cargo_fuzz()?;
    let fuzz_dir = root.join("crates/hwc-fuzz");
    let targets: Vec<String> = if targets.is_empty() {
        TARGETS.iter().map(|t| (*t).to_owned()).collect()
    } else {
        targets.to_vec()
    };
    let mut summary = String::from(
        "| target | seconds | executions | execs/s | coverage (edges) | corpus | peak RSS MB | findings |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut failed = false;
    for target in &targets {
        let corpus = fuzz_dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        let mut command = Command::new("cargo");
        command
            .current_dir(&fuzz_dir)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", "--fuzz-dir", ".", "-O", target])
            .arg(&corpus);
        let seeds = fuzz_dir.join("seeds").join(target);
        if seeds.is_dir() {
            command.arg(&seeds);
        }
        command.args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-print_final_stats=1",
        ]);
        eprintln!("fuzzing {target} for {seconds} s...");
        let started = SystemTime::now();
        let output = command.output().context("cannot run cargo fuzz")?;
        let log = String::from_utf8_lossy(&output.stderr);
        std::fs::write(fuzz_dir.join(format!("{target}.log")), log.as_bytes())?;
        let stat = |name: &str| {
            log.lines()
                .find_map(|line| line.strip_prefix(&format!("stat::{name}:")))
                .map(|v| v.trim().to_owned())
                .unwrap_or_else(|| "?".into())
        };
        let coverage = log
            .lines()
            .rev()
            .find_map(|line| line.split(" cov: ").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("?");
        let corpus_files = std::fs::read_dir(&corpus).map(|d| d.count()).unwrap_or(0);
        let artifacts = new_files(&fuzz_dir.join("artifacts").join(target), started);
        failed |= !output.status.success();
        summary.push_str(&format!(
            "| {target} | {seconds} | {} | {} | {coverage} | {corpus_files} | {} | {} |\n",
            stat("number_of_executed_units"),
            stat("average_exec_per_sec"),
            stat("peak_rss_mb"),
            if output.status.success() {
                format!("{artifacts} new crash files")
            } else {
                format!(
                    "FAILED ({}), see crates/hwc-fuzz/{target}.log",
                    output.status
                )
            },
        ));
    }
    println!("{summary}");
    if failed {
        bail!("a fuzz target found a problem");
    }
    Ok(())
}

/// Files in `dir` written since `since`: the findings of this run, not of earlier ones.
fn new_files(dir: &Path, since: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|modified| modified >= since)
        })
        .count()
}

fn ensure_cargo_fuzz() -> anyhow::Result<()> {
    let installed = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("installing cargo-fuzz...");
        let status = Command::new("cargo")
            .args(["install", "cargo-fuzz", "--locked"])
            .status()?;
        if !status.success() {
            bail!("cargo install cargo-fuzz failed: {status}");
        }
    }
    Ok(())
}
