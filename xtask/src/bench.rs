//! `cargo xtask bench`: the end-to-end benchmark. One simulator in release mode, then every
//! client pages the same two queries (100,000 HSS records, 20,000 CodeArts Check scans by
//! default) in turn, each in its own process, repeated and interleaved so that machine noise
//! falls on all of them alike; then the CLI pages 1,000,000 records to show its memory is flat.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::measure::{self, Usage};
use crate::python_env;
use crate::sim_process::SimProcess;

/// HSS records per image type are a sixteenth of the simulator's records (the demo
/// vulnerability is every eighth record, alternating image types).
const HSS_SHARE: u64 = 16;
/// Page sizes: the specs' maxima, which every client uses.
const HSS_PAGE: u64 = 200;
const CODEARTS_PAGE: u64 = 1_000;
/// What the facade and the CLI use by default.
const DEFAULT_CONCURRENCY: usize = 4;

/// Knobs of a run.
#[derive(Clone, Copy)]
pub struct Options {
    /// Records of the HSS query.
    pub hss_records: u64,
    /// Scans of the CodeArts Check task.
    pub codearts_records: u64,
    /// Runs of every client; the median time counts.
    pub repeat: usize,
    /// Records of the CLI memory run (0: skip it).
    pub million: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Client {
    Facade(usize),
    Raw(usize),
    Python,
    Cli(usize),
}

impl Client {
    fn name(self) -> String {
        match self {
            Client::Facade(c) => format!("hwc facade, concurrency {c}"),
            Client::Raw(c) => format!("reqwest + serde_json loop, concurrency {c}"),
            Client::Python => "official Python SDK, sequential".into(),
            Client::Cli(c) => format!("hwc CLI --all -o jsonl, concurrency {c}"),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Api {
    Hss,
    Codearts,
}

/// One timed run of one client over one API.
#[derive(Clone, Copy)]
struct Sample {
    records: u64,
    pages: u64,
    seconds: f64,
    usage: Usage,
    sim_cpu: f64,
}

/// Paths every run needs.
struct Setup<'a> {
    root: &'a Path,
    release: PathBuf,
    python: PathBuf,
    scratch: PathBuf,
}

/// Runs the benchmark and prints the table (also written to `target/bench/e2e.md`).
pub fn run(root: &Path, options: &Options) -> anyhow::Result<()> {
    measure::release_build(root, &["hwc-sim", "hwc-cli", "hwc-bench"])?;
    let python = python_env::ensure(root)?;
    let scratch = root.join("target/bench");
    std::fs::create_dir_all(&scratch)?;
    let cx = Setup {
        root,
        release: root.join("target/release"),
        python,
        scratch: scratch.clone(),
    };

    let clients = [
        Client::Facade(1),
        Client::Facade(DEFAULT_CONCURRENCY),
        Client::Raw(1),
        Client::Raw(DEFAULT_CONCURRENCY),
        Client::Python,
        Client::Cli(DEFAULT_CONCURRENCY),
    ];
    eprintln!(
        "starting hwc-sim with {} HSS records ({} in the benchmarked query) and {} scans...",
        options.hss_records * HSS_SHARE,
        options.hss_records,
        options.codearts_records
    );
    let sim = SimProcess::start(
        &cx.release.join("hwc-sim"),
        options.hss_records * HSS_SHARE,
        options.codearts_records,
    )?;
    let mut samples: Vec<(Client, Api, Sample)> = Vec::new();
    for round in 1..=options.repeat.max(1) {
        for client in clients {
            for api in [Api::Hss, Api::Codearts] {
                let sample = run_client(&cx, &sim, client, api, options)?;
                let expected = match api {
                    Api::Hss => options.hss_records,
                    Api::Codearts => options.codearts_records,
                };
                if sample.records != expected {
                    bail!(
                        "{} paged {} {api:?} records, not {expected}",
                        client.name(),
                        sample.records
                    );
                }
                eprintln!(
                    "round {round}: {:<45} {api:<8?} {:>8.3} s {:>10.0} records/s {:>7} MiB",
                    client.name(),
                    sample.seconds,
                    sample.records as f64 / sample.seconds,
                    sample.usage.max_rss_kib / 1024
                );
                samples.push((client, api, sample));
            }
        }
    }
    let sim_peak = sim.peak_rss_kib()?;
    drop(sim);

    let mut report = table(&clients, &samples, options);
    report.push_str(&simulator_lines(&samples, sim_peak));
    if options.million > 0 {
        report.push_str(&million(&cx, options, &samples)?);
    }
    println!("{report}");
    std::fs::write(scratch.join("e2e.md"), &report)?;
    eprintln!("written to {}", scratch.join("e2e.md").display());
    Ok(())
}

/// Runs one client over one API through `cargo xtask measure`.
fn run_client(
    cx: &Setup<'_>,
    sim: &SimProcess,
    client: Client,
    api: Api,
    options: &Options,
) -> anyhow::Result<Sample> {
    let api_word = match api {
        Api::Hss => "hss",
        Api::Codearts => "codearts",
    };
    let page = match api {
        Api::Hss => HSS_PAGE,
        Api::Codearts => CODEARTS_PAGE,
    };
    let bench = cx.release.join("hwc-bench");
    let command: Vec<String> = match client {
        Client::Facade(c) | Client::Raw(c) => vec![
            bench.display().to_string(),
            if matches!(client, Client::Facade(_)) {
                "facade"
            } else {
                "raw"
            }
            .into(),
            "--endpoint".into(),
            sim.url.clone(),
            "--api".into(),
            api_word.into(),
            "--concurrency".into(),
            c.to_string(),
        ],
        Client::Python => vec![
            cx.python.display().to_string(),
            cx.root
                .join("xtask/bench/official_sdk.py")
                .display()
                .to_string(),
            api_word.into(),
            sim.url.clone(),
            page.to_string(),
        ],
        Client::Cli(c) => {
            let mut args = vec![
                cx.release.join("hwc").display().to_string(),
                "--endpoint".into(),
                sim.url.clone(),
                "--project-id".into(),
                hwc_sim_demo::PROJECT.into(),
                "--output".into(),
                "jsonl".into(),
                "--concurrency".into(),
                c.to_string(),
            ];
            args.extend(cli_query(api).iter().map(|s| (*s).to_owned()));
            args
        }
    };
    let report = cx.scratch.join("usage.json");
    let (program, args) = command.split_first().context("no client command")?;
    let mut measured = measure::wrapped(&report, program)?;
    measured
        .args(args)
        .env("HUAWEICLOUD_SDK_AK", hwc_sim_demo::AK)
        .env("HUAWEICLOUD_SDK_SK", hwc_sim_demo::SK)
        .env("HOME", &cx.scratch)
        .stderr(Stdio::inherit());
    measured.stdout(if matches!(client, Client::Cli(_)) {
        Stdio::null()
    } else {
        Stdio::piped()
    });
    let sim_cpu_before = sim.cpu_seconds()?;
    let started = Instant::now();
    let output = measured.output().context("cannot run xtask measure")?;
    let wall = started.elapsed().as_secs_f64();
    let sim_cpu = sim.cpu_seconds()? - sim_cpu_before;
    if !output.status.success() {
        bail!("{} ({api:?}) failed: {}", client.name(), output.status);
    }
    let usage = Usage::read(&report)?;
    if matches!(client, Client::Cli(_)) {
        let records = match api {
            Api::Hss => options.hss_records,
            Api::Codearts => options.codearts_records,
        };
        return Ok(Sample {
            records,
            pages: records.div_ceil(page),
            seconds: wall,
            usage,
            sim_cpu,
        });
    }
    let json = measure::report_line(&output.stdout)?;
    Ok(Sample {
        records: json["records"].as_u64().unwrap_or(0),
        pages: json["pages"].as_u64().unwrap_or(0),
        seconds: json["seconds"].as_f64().unwrap_or(f64::NAN),
        usage,
        sim_cpu,
    })
}

fn cli_query(api: Api) -> &'static [&'static str] {
    match api {
        Api::Hss => &[
            "hss",
            "vul-history",
            "--vul-id",
            "CVE-2021-44228",
            "--image-type",
            "registry",
            "--enterprise-project-id",
            "all_granted_eps",
            "--all",
        ],
        Api::Codearts => &[
            "codearts-check",
            "records",
            "--codearts-project",
            hwc_sim_demo::PROJECT,
            "--task-id",
            "demo-task",
            "--all",
        ],
    }
}

/// The simulator's demo names (xtask does not link the simulator).
mod hwc_sim_demo {
    pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
    pub const AK: &str = "HWCSIMDEMOAK00000001";
    pub const SK: &str = "hwc-sim-demo-secret-key-not-for-real-use1";
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Median seconds of `client` on `api`, and its largest peak RSS.
fn summary(samples: &[(Client, Api, Sample)], client: Client, api: Api) -> (f64, u64, f64) {
    let mine: Vec<&Sample> = samples
        .iter()
        .filter(|(c, a, _)| *c == client && *a == api)
        .map(|(_, _, s)| s)
        .collect();
    (
        median(mine.iter().map(|s| s.seconds).collect()),
        mine.iter().map(|s| s.usage.max_rss_kib).max().unwrap_or(0),
        median(mine.iter().map(|s| s.usage.cpu_seconds).collect()),
    )
}

/// Records per second over both APIs (all records over the sum of the median times), peak RSS,
/// and client CPU seconds.
fn rate(
    samples: &[(Client, Api, Sample)],
    client: Client,
    options: &Options,
) -> (f64, f64, f64, u64, f64) {
    let (hss_s, hss_rss, hss_cpu) = summary(samples, client, Api::Hss);
    let (ca_s, ca_rss, ca_cpu) = summary(samples, client, Api::Codearts);
    (
        options.hss_records as f64 / hss_s,
        options.codearts_records as f64 / ca_s,
        (options.hss_records + options.codearts_records) as f64 / (hss_s + ca_s),
        hss_rss.max(ca_rss),
        hss_cpu + ca_cpu,
    )
}

fn table(clients: &[Client], samples: &[(Client, Api, Sample)], options: &Options) -> String {
    let python = rate(samples, Client::Python, options).2;
    let mut out = format!(
        "## End to end: {} HSS records + {} CodeArts Check scans, median of {} runs\n\n\
         | client | HSS records/s | CodeArts records/s | all records/s | ÷ raw loop (same concurrency) | ÷ Python SDK | client CPU s | peak RSS MiB |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
        options.hss_records, options.codearts_records, options.repeat
    );
    for &client in clients {
        let (hss, codearts, all, rss, cpu) = rate(samples, client, options);
        let raw = match client {
            Client::Facade(c) | Client::Raw(c) | Client::Cli(c) => {
                Some(rate(samples, Client::Raw(c), options).2)
            }
            Client::Python => None,
        };
        out.push_str(&format!(
            "| {} | {hss:.0} | {codearts:.0} | {all:.0} | {} | {:.1}× | {cpu:.2} | {:.1} |\n",
            client.name(),
            raw.map_or("–".into(), |raw| format!("{:.2}", all / raw)),
            all / python,
            rss as f64 / 1024.0
        ));
    }
    let facade = |c| rate(samples, Client::Facade(c), options).2;
    let raw = |c| rate(samples, Client::Raw(c), options).2;
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    out.push_str(&format!(
        "\nTargets: facade ÷ raw at concurrency 1 = {:.2}, at {DEFAULT_CONCURRENCY} = {:.2} (≥ 0.85: {}, {}); \
         facade at default concurrency ÷ Python SDK = {:.1}× (≥ 20×: {}).\n",
        facade(1) / raw(1),
        facade(DEFAULT_CONCURRENCY) / raw(DEFAULT_CONCURRENCY),
        verdict(facade(1) / raw(1) >= 0.85),
        verdict(facade(DEFAULT_CONCURRENCY) / raw(DEFAULT_CONCURRENCY) >= 0.85),
        facade(DEFAULT_CONCURRENCY) / python,
        verdict(facade(DEFAULT_CONCURRENCY) / python >= 20.0),
    ));
    out.push_str(
        "Times: facade, raw loop and Python are timed inside the process (first request to last \
         page); the CLI is timed from process start to exit.\n",
    );
    out
}

/// The simulator's own cost: CPU per page served, so pages/s one core of it could serve.
fn simulator_lines(samples: &[(Client, Api, Sample)], peak_kib: u64) -> String {
    let mut out = String::from(
        "\n## The simulator\n\n| API | pages served | CPU ms per page | pages/s per core | fastest client pages/s |\n|---|---:|---:|---:|---:|\n",
    );
    for api in [Api::Hss, Api::Codearts] {
        let mine: Vec<&Sample> = samples
            .iter()
            .filter(|(_, a, _)| *a == api)
            .map(|(_, _, s)| s)
            .collect();
        let pages: u64 = mine.iter().map(|s| s.pages).sum();
        let cpu: f64 = mine.iter().map(|s| s.sim_cpu).sum();
        let fastest = mine
            .iter()
            .map(|s| s.pages as f64 / s.seconds)
            .fold(0.0, f64::max);
        out.push_str(&format!(
            "| {api:?} | {pages} | {:.3} | {:.0} | {fastest:.0} |\n",
            cpu * 1000.0 / pages as f64,
            pages as f64 / cpu
        ));
    }
    out.push_str(&format!(
        "\nSimulator peak RSS: {:.1} MiB.\n",
        peak_kib as f64 / 1024.0
    ));
    out
}

/// The CLI paging `options.million` records: its peak RSS against its peak for the HSS query.
fn million(
    cx: &Setup<'_>,
    options: &Options,
    samples: &[(Client, Api, Sample)],
) -> anyhow::Result<String> {
    eprintln!(
        "starting hwc-sim with {} HSS records for the CLI memory run...",
        options.million * HSS_SHARE
    );
    let sim = SimProcess::start(
        &cx.release.join("hwc-sim"),
        options.million * HSS_SHARE,
        2_000,
    )?;
    let big = Options {
        hss_records: options.million,
        ..*options
    };
    let sample = run_client(cx, &sim, Client::Cli(DEFAULT_CONCURRENCY), Api::Hss, &big)?;
    let (_, small_rss, _) = summary(samples, Client::Cli(DEFAULT_CONCURRENCY), Api::Hss);
    let ratio = sample.usage.max_rss_kib as f64 / small_rss as f64;
    Ok(format!(
        "\n## CLI memory\n\n`hwc hss vul-history --all -o jsonl` peak RSS: {:.1} MiB for {} records, {:.1} MiB for {} records: \
         {ratio:.2}× (≤ 1.2×: {}); {:.0} records/s.\n",
        small_rss as f64 / 1024.0,
        options.hss_records,
        sample.usage.max_rss_kib as f64 / 1024.0,
        options.million,
        if ratio <= 1.2 { "met" } else { "NOT met" },
        sample.records as f64 / sample.seconds,
    ))
}
