//! `cargo xtask bench --scenarios all-vuls`: the nightly whole-project export. The release CLI
//! runs `hss vul-history --all-vuls -o jsonl` against a simulator with `vulnerabilities`
//! vulnerabilities (about 100 records each, or the records asked for) under a region's round trips and the gateway's flow
//! control, in a measured process of its own: the handling-history API's share of its bound,
//! the throttled share, every record exactly once, peak memory.

use std::collections::HashSet;
use std::io::BufRead;
use std::process::Stdio;
use std::time::Instant;

use anyhow::{Context, bail};

use super::figures::verdict;
use super::measure::{self, Usage};
use super::setup::{Options, Setup, hwc_sim_demo};
use super::sim_process::SimProcess;

/// The round trip the simulator adds to every answer.
const LATENCY: &str = "40ms±5ms";
/// The gateway's flow control per API, requests a second.
const RATE_LIMIT: u64 = 200;
/// Records per vulnerability in the data set, unless a number of records is given.
const RECORDS_PER_VULNERABILITY: u64 = 100;

/// The scenario's table and targets.
pub(crate) fn all_vuls(cx: &Setup<'_>, options: &Options) -> anyhow::Result<String> {
    let vulnerabilities = options.all_vuls;
    let records = match options.all_vuls_records {
        0 => vulnerabilities * RECORDS_PER_VULNERABILITY,
        records => records,
    };
    eprintln!(
        "all-vuls: {vulnerabilities} vulnerabilities, {records} records, {LATENCY}, {RATE_LIMIT}/s per API..."
    );
    let sim = SimProcess::start_with(
        &cx.release.join("hwc-sim"),
        records,
        100,
        &[
            "--latency",
            LATENCY,
            "--rate-limit",
            &format!("{RATE_LIMIT}/s"),
            "--vulnerabilities",
            &vulnerabilities.to_string(),
        ],
    )?;
    let output_path = cx.scratch.join("all-vuls.jsonl");
    let report = cx.scratch.join("all-vuls.usage.json");
    let output = std::fs::File::create(&output_path)
        .with_context(|| format!("cannot create {}", output_path.display()))?;
    let mut command = measure::wrapped(&report, cx.release.join("hwc"))?;
    command
        .args(["--endpoint", &sim.url, "-o", "jsonl"])
        .args(["hss", "vul-history", "--all-vuls"])
        .args([
            "--enterprise-project-id",
            "all_granted_eps",
            "--limit",
            "200",
        ])
        .env_clear()
        .env("HOME", "/nonexistent-home")
        .env("HUAWEICLOUD_SDK_AK", hwc_sim_demo::AK)
        .env("HUAWEICLOUD_SDK_SK", hwc_sim_demo::SK)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", hwc_sim_demo::PROJECT)
        .stdout(output)
        .stderr(Stdio::inherit());
    let started = Instant::now();
    let status = command.status().context("cannot run the CLI")?;
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        bail!("hwc hss vul-history --all-vuls failed: {status}");
    }
    let history = sim.operation_stats("hss", "vul-history")?;
    let listing = sim.operation_stats("hss", "image-vuls")?;
    drop(sim);
    let usage = Usage::read(&report)?;

    // Every record exactly once: all_granted_eps lists every record of the data set, and no
    // two generated records are alike.
    let file = std::fs::File::open(&output_path)?;
    let mut lines = 0u64;
    let mut distinct = HashSet::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        lines += 1;
        distinct.insert(line_hash(&line));
    }
    let exact = lines == records && distinct.len() as u64 == records;
    let answered = (history.requests - history.throttled) as f64 / seconds;
    let of_limit = answered / RATE_LIMIT as f64;
    let throttled = history.throttled as f64 / history.requests.max(1) as f64;
    let rss_mib = usage.max_rss_kib as f64 / 1024.0;
    Ok(format!(
        "\n## Whole-project export: `vul-history --all-vuls`, {vulnerabilities} vulnerabilities, {records} records, {LATENCY} round trips, {RATE_LIMIT} requests/s per API\n\n\
         | run | records | seconds | history requests | answered/s ÷ limit | throttled | list requests | peak RSS | CPU |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n\
         | CLI, 16 pagers | {lines} | {seconds:.1} | {} | {:.0}% | {:.2}% | {} | {rss_mib:.1} MiB | {:.1} s |\n\n\
         Targets: ≥ 90% of the history API's bound over the run ({}), ≤ 0.2% throttled ({}), \
         every record exactly once ({}: {lines} lines, {} distinct, {records} in the data set), \
         peak RSS under 64 MiB ({}).\n",
        history.requests,
        of_limit * 100.0,
        throttled * 100.0,
        listing.requests,
        usage.cpu_seconds,
        verdict(of_limit >= 0.9),
        verdict(throttled <= 0.002),
        verdict(exact),
        distinct.len(),
        verdict(rss_mib < 64.0),
    ))
}

/// A 64-bit hash of a line, to tell distinct lines without keeping them.
fn line_hash(line: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    line.hash(&mut hasher);
    hasher.finish()
}
