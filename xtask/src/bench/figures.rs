//! The figures of a run: medians, rates and the Markdown tables.

use super::setup::{Api, Client, DEFAULT_CONCURRENCY, Options, Sample};

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

pub(crate) fn table(
    clients: &[Client],
    samples: &[(Client, Api, Sample)],
    options: &Options,
) -> String {
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
pub(crate) fn simulator_lines(samples: &[(Client, Api, Sample)], peak_kib: u64) -> String {
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
