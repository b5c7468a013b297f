//! Running one client (the facade, the raw loop, the official Python SDK, the CLI) over one
//! API in its own measured process, and rounds of all of them interleaved.

use std::process::Stdio;
use std::time::Instant;

use anyhow::{Context, bail};

use super::measure::{self, Usage};
use super::setup::{Api, Client, Options, Sample, Setup, hwc_sim_demo};
use super::sim_process::SimProcess;

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
