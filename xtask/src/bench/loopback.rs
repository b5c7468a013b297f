//! The loopback scenario: every client pages both queries from a simulator with no latency and
//! no flow control; then the CLI pages a million records to show its memory stays flat.

use super::clients::{rounds, run_client};
use super::figures::{simulator_lines, summary, table};
use super::setup::{Api, Client, DEFAULT_CONCURRENCY, HSS_SHARE, Options, Sample, Setup};
use super::sim_process::SimProcess;

/// Every client pages both queries from a simulator on loopback with no latency and no flow
/// control, `options.repeat` times interleaved: the table, the simulator's cost and the CLI's
/// memory.
pub(crate) fn loopback(cx: &Setup<'_>, options: &Options) -> anyhow::Result<String> {
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
