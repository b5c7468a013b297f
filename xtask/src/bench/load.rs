//! `cargo xtask load`: many concurrent pagers against one simulator for a fixed time, with
//! requests/s, latency percentiles, errors, and the peak memory of both sides.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, bail};

use super::measure::{self, Usage};
use super::sim_process::SimProcess;

/// Runs `pagers` pagers for `seconds` and prints the figures (also `target/bench/load.md`).
pub fn run(root: &Path, pagers: usize, seconds: u64) -> anyhow::Result<()> {
    measure::release_build(root, &["hwc-sim", "hwc-bench"])?;
    let release = root.join("target/release");
    let scratch = root.join("target/bench");
    std::fs::create_dir_all(&scratch)?;
    // 200,000 records: 12,500 in each pager's HSS query (63 pages); 20,000 scans (20 pages).
    let sim = SimProcess::start(&release.join("hwc-sim"), 200_000, 20_000)?;
    let report = scratch.join("load-usage.json");
    let cpu_before = sim.cpu_seconds()?;
    let output = measure::wrapped(&report, release.join("hwc-bench"))?
        .args(["load", "--endpoint", &sim.url])
        .args([
            "--pagers",
            &pagers.to_string(),
            "--seconds",
            &seconds.to_string(),
            // One page at a time each: the load test measures many pagers, not prefetch.
            "--concurrency",
            "1",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run the load client")?;
    let sim_cpu = sim.cpu_seconds()? - cpu_before;
    let sim_peak = sim.peak_rss_kib()?;
    drop(sim);
    if !output.status.success() {
        bail!("the load client failed: {}", output.status);
    }
    let usage = Usage::read(&report)?;
    let json = measure::report_line(&output.stdout)?;
    let number = |key: &str| json[key].as_f64().unwrap_or(f64::NAN);
    let text = format!(
        "## Load: {pagers} concurrent pagers (half HSS, half CodeArts Check), {seconds} s, one client\n\n\
         | requests | requests/s | records/s | p50 ms | p99 ms | max ms | errors | complete pagings | client peak RSS MiB | client CPU s | simulator peak RSS MiB | simulator CPU s |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n\
         | {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |\n",
        json["requests"],
        number("requests_per_second"),
        number("records_per_second"),
        number("p50_ms"),
        number("p99_ms"),
        number("max_ms"),
        json["errors"],
        json["complete_pagings"],
        usage.max_rss_kib as f64 / 1024.0,
        usage.cpu_seconds,
        sim_peak as f64 / 1024.0,
        sim_cpu,
    );
    println!("{text}");
    if json["errors"].as_u64() != Some(0) {
        println!("first errors: {}", json["first_errors"]);
    }
    std::fs::write(scratch.join("load.md"), &text)?;
    if json["errors"].as_u64() != Some(0) {
        bail!("the load run had errors");
    }
    Ok(())
}
