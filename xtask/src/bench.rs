//! `cargo xtask bench`: the end-to-end benchmark. One simulator in release mode, then every
//! client pages the same two queries (100,000 HSS records, 20,000 CodeArts Check scans by
//! default) in turn, each in its own process, repeated and interleaved so that machine noise
//! falls on all of them alike; then the CLI pages 1,000,000 records to show its memory is flat.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::bench_realistic;
use crate::measure::{self, Usage};
use crate::python_env;
use crate::sim_process::{ApiStats, SimProcess, Stats};

/// HSS records per image type are a sixteenth of the simulator's records (the demo
/// vulnerability is every eighth record, alternating image types).
pub(crate) const HSS_SHARE: u64 = 16;
/// Page sizes: the specs' maxima, which every client uses.
const HSS_PAGE: u64 = 200;
const CODEARTS_PAGE: u64 = 1_000;
/// What the facade and the CLI use by default.
pub(crate) const DEFAULT_CONCURRENCY: usize = 4;

/// Knobs of a run.
#[derive(Clone, Copy)]
pub struct Options {
    /// Run the loopback table (no latency, no flow control).
    pub loopback: bool,
    /// Run the realistic table (round trips and flow control).
    pub realistic: bool,
    /// Seconds of the fan-out run (0: skip it).
    pub fan_out_seconds: u64,
    /// Records of the HSS query.
    pub hss_records: u64,
    /// Scans of the CodeArts Check task.
    pub codearts_records: u64,
    /// Runs of every client; the median time counts.
    pub repeat: usize,
    /// Records of the CLI memory run (0: skip it).
    pub million: u64,
}

/// A benchmarked client; `None` concurrency is the client's default (sized by flow control).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Client {
    Facade(Option<usize>),
    Raw(usize),
    Python,
    Cli(Option<usize>),
}

impl Client {
    pub(crate) fn name(self) -> String {
        let concurrency =
            |c: Option<usize>| c.map_or("defaults".to_owned(), |c| format!("concurrency {c}"));
        match self {
            Client::Facade(c) => format!("hwc facade, {}", concurrency(c)),
            Client::Raw(c) => format!("reqwest + serde_json loop, concurrency {c}"),
            Client::Python => "official Python SDK, sequential".into(),
            Client::Cli(c) => format!("hwc CLI --all -o jsonl, {}", concurrency(c)),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Api {
    Hss,
    Codearts,
}

impl Api {
    /// Records a page holds in every client's requests.
    pub(crate) fn page_size(self) -> u64 {
        match self {
            Api::Hss => HSS_PAGE,
            Api::Codearts => CODEARTS_PAGE,
        }
    }

    /// The records of the benchmarked query.
    pub(crate) fn records(self, options: &Options) -> u64 {
        match self {
            Api::Hss => options.hss_records,
            Api::Codearts => options.codearts_records,
        }
    }

    /// What the simulator counted for this API.
    pub(crate) fn of(self, stats: Stats) -> ApiStats {
        match self {
            Api::Hss => stats.hss,
            Api::Codearts => stats.codearts,
        }
    }
}

/// One timed run of one client over one API.
#[derive(Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) records: u64,
    pub(crate) pages: u64,
    pub(crate) seconds: f64,
    pub(crate) usage: Usage,
    pub(crate) sim_cpu: f64,
    /// What the simulator counted for the API during the run.
    pub(crate) sim: ApiStats,
}

/// Paths every run needs.
pub(crate) struct Setup<'a> {
    pub(crate) root: &'a Path,
    pub(crate) release: PathBuf,
    pub(crate) python: PathBuf,
    pub(crate) scratch: PathBuf,
}

/// Runs the benchmark and prints the tables (also written to `target/bench/e2e.md`).
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
    let mut report = String::new();
    if options.loopback {
        report.push_str(&loopback(&cx, options)?);
    }
    if options.realistic {
        report.push_str(&bench_realistic::realistic(&cx, options)?);
    }
    if options.fan_out_seconds > 0 {
        report.push_str(&bench_realistic::fan_out(&cx, options)?);
    }
    println!("{report}");
    std::fs::write(scratch.join("e2e.md"), &report)?;
    eprintln!("written to {}", scratch.join("e2e.md").display());
    Ok(())
}

/// Every client pages both queries from a simulator on loopback with no latency and no flow
/// control, `options.repeat` times interleaved: the table, the simulator's cost and the CLI's
/// memory.
fn loopback(cx: &Setup<'_>, options: &Options) -> anyhow::Result<String> {
    let clients = [
        Client::Facade(Some(1)),
        Client::Facade(Some(DEFAULT_CONCURRENCY)),
        Client::Raw(1),
        Client::Raw(DEFAULT_CONCURRENCY),
        Client::Python,
        Client::Cli(Some(DEFAULT_CONCURRENCY)),
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
    let samples = rounds(cx, &sim, &clients, options)?;
    let sim_peak = sim.peak_rss_kib()?;
    drop(sim);

    let mut report = table(&clients, &samples, options);
    report.push_str(&simulator_lines(&samples, sim_peak));
    if options.million > 0 {
        report.push_str(&million(cx, options, &samples)?);
    }
    Ok(report)
}

/// Every client over both APIs, `options.repeat` rounds, each paging every record.
pub(crate) fn rounds(
    cx: &Setup<'_>,
    sim: &SimProcess,
    clients: &[Client],
    options: &Options,
) -> anyhow::Result<Vec<(Client, Api, Sample)>> {
    let mut samples = Vec::new();
    for round in 1..=options.repeat.max(1) {
        for &client in clients {
            for api in [Api::Hss, Api::Codearts] {
                let sample = run_client(cx, sim, client, api, options)?;
                let expected = api.records(options);
                if sample.records != expected {
                    bail!(
                        "{} paged {} {api:?} records, not {expected}",
                        client.name(),
                        sample.records
                    );
                }
                eprintln!(
                    "round {round}: {:<45} {api:<8?} {:>8.3} s {:>10.0} records/s {:>7} MiB {:>6} requests {:>4} throttled",
                    client.name(),
                    sample.seconds,
                    sample.records as f64 / sample.seconds,
                    sample.usage.max_rss_kib / 1024,
                    sample.sim.requests,
                    sample.sim.throttled,
                );
                samples.push((client, api, sample));
            }
        }
    }
    Ok(samples)
}

/// Runs one client over one API through `cargo xtask measure`.
pub(crate) fn run_client(
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
    let page = api.page_size();
    let bench = cx.release.join("hwc-bench");
    let concurrency_flag = |c: Option<usize>| {
        c.map(|c| vec!["--concurrency".to_owned(), c.to_string()])
            .unwrap_or_default()
    };
    let bench_args = |word: &str, c: Option<usize>| {
        let mut args = vec![
            bench.display().to_string(),
            word.into(),
            "--endpoint".into(),
            sim.url.clone(),
            "--api".into(),
            api_word.into(),
        ];
        args.extend(concurrency_flag(c));
        args
    };
    let command: Vec<String> = match client {
        Client::Facade(c) => bench_args("facade", c),
        Client::Raw(c) => bench_args("raw", Some(c)),
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
            ];
            args.extend(concurrency_flag(c));
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
    let stats_before = api.of(sim.stats()?);
    let started = Instant::now();
    let output = measured.output().context("cannot run xtask measure")?;
    let wall = started.elapsed().as_secs_f64();
    let sim_cpu = sim.cpu_seconds()? - sim_cpu_before;
    let stats = api.of(sim.stats()?) - stats_before;
    if !output.status.success() {
        bail!("{} ({api:?}) failed: {}", client.name(), output.status);
    }
    let usage = Usage::read(&report)?;
    if matches!(client, Client::Cli(_)) {
        let records = api.records(options);
        return Ok(Sample {
            records,
            pages: records.div_ceil(page),
            seconds: wall,
            usage,
            sim_cpu,
            sim: stats,
        });
    }
    let json = measure::report_line(&output.stdout)?;
    Ok(Sample {
        records: json["records"].as_u64().unwrap_or(0),
        pages: json["pages"].as_u64().unwrap_or(0),
        seconds: json["seconds"].as_f64().unwrap_or(f64::NAN),
        usage,
        sim_cpu,
        sim: stats,
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
pub(crate) mod hwc_sim_demo {
    pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
    pub const AK: &str = "HWCSIMDEMOAK00000001";
    pub const SK: &str = "hwc-sim-demo-secret-key-not-for-real-use1";
}

/// How a table says whether a target was met.
pub(crate) fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Median seconds of `client` on `api`, and its largest peak RSS.
pub(crate) fn summary(
    samples: &[(Client, Api, Sample)],
    client: Client,
    api: Api,
) -> (f64, u64, f64) {
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
            Client::Facade(c) | Client::Cli(c) => {
                c.map(|c| rate(samples, Client::Raw(c), options).2)
            }
            Client::Raw(c) => Some(rate(samples, Client::Raw(c), options).2),
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
    let facade = |c| rate(samples, Client::Facade(Some(c)), options).2;
    let raw = |c| rate(samples, Client::Raw(c), options).2;
    out.push_str(&format!(
        "\nTargets: facade ÷ raw at concurrency 1 = {:.2}, at {DEFAULT_CONCURRENCY} = {:.2} (≥ 1.2: {}, {}); \
         facade at concurrency {DEFAULT_CONCURRENCY} ÷ Python SDK = {:.1}× (≥ 20×: {}).\n",
        facade(1) / raw(1),
        facade(DEFAULT_CONCURRENCY) / raw(DEFAULT_CONCURRENCY),
        verdict(facade(1) / raw(1) >= 1.2),
        verdict(facade(DEFAULT_CONCURRENCY) / raw(DEFAULT_CONCURRENCY) >= 1.2),
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
    let cli = Client::Cli(Some(DEFAULT_CONCURRENCY));
    let sample = run_client(cx, &sim, cli, Api::Hss, &big)?;
    let (_, small_rss, _) = summary(samples, cli, Api::Hss);
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
