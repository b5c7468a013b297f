//! `cargo xtask bench` under a region's conditions: the simulator answers after a round trip of
//! 40 ms ± 5 ms and throttles at 200 requests/s per API and credential, as the gateway's flow
//! control does (FACTS.md). There the limit is not the CPU but the round trip and the gateway:
//! paging can go no faster than 200 requests/s × records per page (the flow-control bound).
//!
//! Two scenarios: one pager per client (the facade and the CLI with their defaults, the raw loop
//! at concurrency 4, the Python SDK's sequential loop), and a fan-out of many pagers sharing one
//! facade client for a fixed time.

use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};

use super::clients::rounds;
use super::figures::{median, verdict};
use super::measure;
use super::setup::{Api, Client, DEFAULT_CONCURRENCY, HSS_SHARE, Options, Sample, Setup};
use super::sim_process::SimProcess;

/// The round trip the simulator adds to every answer.
const LATENCY: &str = "40ms±5ms";
/// The gateway's flow control per API, requests a second.
const RATE_LIMIT: u64 = 200;

fn start_simulator(cx: &Setup<'_>, options: &Options) -> anyhow::Result<SimProcess> {
    eprintln!(
        "starting hwc-sim with {} HSS records and {} scans, {LATENCY} round trips, {RATE_LIMIT}/s per API...",
        options.hss_records * HSS_SHARE,
        options.codearts_records
    );
    SimProcess::start_with(
        &cx.release.join("hwc-sim"),
        options.hss_records * HSS_SHARE,
        options.codearts_records,
        &[
            "--latency",
            LATENCY,
            "--rate-limit",
            &format!("{RATE_LIMIT}/s"),
        ],
    )
}

/// Records a second at most: every request the gateway allows, full pages.
fn bound(api: Api) -> f64 {
    (RATE_LIMIT * api.page_size()) as f64
}

/// One client on one API, the medians of its rounds.
struct Figures {
    records_per_second: f64,
    /// Records/s ÷ the flow-control bound.
    of_bound: f64,
    /// Requests the simulator received a second (throttled ones included) ÷ the limit.
    requests_of_limit: f64,
    /// Throttled requests ÷ requests.
    throttled: f64,
    seconds: f64,
}

fn figures(samples: &[(Client, Api, Sample)], client: Client, api: Api) -> Figures {
    let mine: Vec<&Sample> = samples
        .iter()
        .filter(|(c, a, _)| *c == client && *a == api)
        .map(|(_, _, s)| s)
        .collect();
    let of = |f: &dyn Fn(&Sample) -> f64| median(mine.iter().map(|s| f(s)).collect());
    let records_per_second = of(&|s| s.records as f64 / s.seconds);
    Figures {
        records_per_second,
        of_bound: records_per_second / bound(api),
        requests_of_limit: of(&|s| s.sim.requests as f64 / s.seconds / RATE_LIMIT as f64),
        throttled: of(&|s| s.sim.throttled as f64 / (s.sim.requests.max(1)) as f64),
        seconds: of(&|s| s.seconds),
    }
}

/// One pager per client under round trips and flow control; the table and its targets.
pub(crate) fn realistic(cx: &Setup<'_>, options: &Options) -> anyhow::Result<String> {
    let clients = [
        Client::Facade(None),
        Client::Cli(None),
        Client::Raw(DEFAULT_CONCURRENCY),
        Client::Python,
    ];
    let sim = start_simulator(cx, options)?;
    let samples = rounds(cx, &sim, &clients, options)?;
    drop(sim);

    let both = |client| {
        let seconds: f64 = [Api::Hss, Api::Codearts]
            .into_iter()
            .map(|api| figures(&samples, client, api).seconds)
            .sum();
        (options.hss_records + options.codearts_records) as f64 / seconds
    };
    let python = both(Client::Python);
    let mut out = format!(
        "\n## Under a region's conditions: {LATENCY} round trips, flow control at {RATE_LIMIT} requests/s per API, median of {} runs\n\n\
         {} HSS records (pages of {}: bound {:.0} records/s) and {} CodeArts Check scans (pages of {}: bound {:.0} records/s).\n\n\
         | client | API | records/s | ÷ flow-control bound | requests/s ÷ limit | throttled | both APIs: records/s | ÷ Python SDK |\n\
         |---|---|---:|---:|---:|---:|---:|---:|\n",
        options.repeat,
        options.hss_records,
        Api::Hss.page_size(),
        bound(Api::Hss),
        options.codearts_records,
        Api::Codearts.page_size(),
        bound(Api::Codearts),
    );
    for client in clients {
        for api in [Api::Hss, Api::Codearts] {
            let f = figures(&samples, client, api);
            let (all, ratio) = match api {
                Api::Hss => (
                    format!("{:.0}", both(client)),
                    format!("{:.1}×", both(client) / python),
                ),
                Api::Codearts => (String::new(), String::new()),
            };
            out.push_str(&format!(
                "| {} | {api:?} | {:.0} | {:.0}% | {:.2} | {:.2}% | {all} | {ratio} |\n",
                client.name(),
                f.records_per_second,
                f.of_bound * 100.0,
                f.requests_of_limit,
                f.throttled * 100.0,
            ));
        }
    }
    let facade = figures(&samples, Client::Facade(None), Api::Hss);
    let cli = figures(&samples, Client::Cli(None), Api::Hss);
    out.push_str(&format!(
        "\nTargets (one HSS pager with defaults): facade {:.0}% and CLI {:.0}% of the bound (≥ 90%: {}, {}), \
         {:.2}% and {:.2}% throttled (≤ 1%: {}, {}); facade ÷ Python SDK over both APIs = {:.1}× (≥ 7×: {}). \
         Every client paged every record in every run.\n",
        facade.of_bound * 100.0,
        cli.of_bound * 100.0,
        verdict(facade.of_bound >= 0.9),
        verdict(cli.of_bound >= 0.9),
        facade.throttled * 100.0,
        cli.throttled * 100.0,
        verdict(facade.throttled <= 0.01),
        verdict(cli.throttled <= 0.01),
        both(Client::Facade(None)) / python,
        verdict(both(Client::Facade(None)) / python >= 7.0),
    ));
    out.push_str(&format!(
        "CodeArts Check's {} pages cannot come near their bound: the first page must come back before \
         the others can be asked for (the total), and {} requests at {RATE_LIMIT}/s take {:.0} ms \
         besides, so about {:.0}% of the bound is the most any client gets.\n",
        options.codearts_records.div_ceil(Api::Codearts.page_size()),
        options.codearts_records.div_ceil(Api::Codearts.page_size()),
        options.codearts_records.div_ceil(Api::Codearts.page_size()) as f64 * 1000.0
            / RATE_LIMIT as f64,
        codearts_best_share(options) * 100.0,
    ));
    Ok(out)
}

/// The largest share of its bound the CodeArts query can reach: one round trip for the first
/// page, then the rest at the limit, then the last round trip.
fn codearts_best_share(options: &Options) -> f64 {
    let pages = options.codearts_records.div_ceil(Api::Codearts.page_size()) as f64;
    let round_trip = 0.040;
    let best_seconds = round_trip + (pages - 1.0) / RATE_LIMIT as f64 + round_trip;
    (pages / best_seconds) / RATE_LIMIT as f64
}

/// `pagers` pagers (half HSS, half CodeArts Check) sharing one facade client with its defaults
/// for `options.fan_out_seconds`: requests/s together ÷ the limits, throttled share, errors.
pub(crate) fn fan_out(cx: &Setup<'_>, options: &Options) -> anyhow::Result<String> {
    const PAGERS: usize = 16;
    let sim = start_simulator(cx, options)?;
    let before = sim.stats()?;
    eprintln!(
        "fan-out: {PAGERS} pagers for {} s...",
        options.fan_out_seconds
    );
    let started = Instant::now();
    let output = Command::new(cx.release.join("hwc-bench"))
        .args(["load", "--endpoint", &sim.url])
        .args(["--pagers", &PAGERS.to_string()])
        .args(["--seconds", &options.fan_out_seconds.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run the load client")?;
    let seconds = started.elapsed().as_secs_f64();
    let after = sim.stats()?;
    drop(sim);
    if !output.status.success() {
        bail!("the fan-out client failed: {}", output.status);
    }
    let json = measure::report_line(&output.stdout)?;
    let seconds = json["seconds"].as_f64().unwrap_or(seconds);
    let errors = json["errors"].as_u64().unwrap_or(u64::MAX);
    let mut out = format!(
        "\n## Fan-out: {PAGERS} pagers sharing one facade client (defaults), {} s, {LATENCY} round trips, {RATE_LIMIT} requests/s per API\n\n\
         | API | pagers | requests | answered/s | ÷ limit | throttled |\n|---|---:|---:|---:|---:|---:|\n",
        options.fan_out_seconds
    );
    let (mut answered_all, mut requests_all, mut throttled_all) = (0.0, 0u64, 0u64);
    for api in [Api::Hss, Api::Codearts] {
        let counted = api.of(after) - api.of(before);
        let answered = (counted.requests - counted.throttled) as f64 / seconds;
        answered_all += answered;
        requests_all += counted.requests;
        throttled_all += counted.throttled;
        out.push_str(&format!(
            "| {api:?} | {} | {} | {answered:.0} | {:.0}% | {:.2}% |\n",
            PAGERS / 2,
            counted.requests,
            answered * 100.0 / RATE_LIMIT as f64,
            counted.throttled as f64 * 100.0 / counted.requests.max(1) as f64,
        ));
    }
    let of_limits = answered_all / (2 * RATE_LIMIT) as f64;
    let throttled = throttled_all as f64 / requests_all.max(1) as f64;
    out.push_str(&format!(
        "| both | {PAGERS} | {requests_all} | {answered_all:.0} | {:.0}% | {:.2}% |\n\n\
         Targets: {:.0}% of the bound together (≥ 90%: {}), {:.2}% throttled (≤ 2%: {}), {errors} errors (0: {}). \
         Client-side latency of a page: p50 {} ms, p99 {} ms.\n",
        of_limits * 100.0,
        throttled * 100.0,
        of_limits * 100.0,
        verdict(of_limits >= 0.9),
        throttled * 100.0,
        verdict(throttled <= 0.02),
        verdict(errors == 0),
        json["p50_ms"],
        json["p99_ms"],
    ));
    if errors != 0 {
        out.push_str(&format!("First errors: {}\n", json["first_errors"]));
    }
    Ok(out)
}
