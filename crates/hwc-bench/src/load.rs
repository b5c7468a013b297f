//! Many pagers at once against one simulator for a fixed time: half page HSS, half CodeArts
//! Check, each one page at a time from offset 0 to the end and over again, through one shared
//! client (one connection pool), as a busy service would. Every page's latency is kept.

use std::time::{Duration, Instant};

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use hwc::hss::ImageType;
use hwc::{Client, Credentials};
use serde_json::json;

/// What one pager saw.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    records: u64,
    errors: Vec<String>,
    runs_completed: u64,
}

/// Runs `pagers` pagers for `duration`, each keeping `concurrency` pages in flight (the
/// client's default when `None`); reports requests/s, latency percentiles and errors.
pub async fn run(
    endpoint: &str,
    pagers: usize,
    duration: Duration,
    concurrency: Option<usize>,
) -> anyhow::Result<String> {
    let mut builder = Client::builder()
        .endpoint_for_all(endpoint)
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK)?)
        .project_id(hwc_sim::DEMO_PROJECT)
        .ignore_environment();
    if let Some(pages) = concurrency {
        builder = builder.page_concurrency(pages);
    }
    let client = builder.build()?;
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..pagers)
        .map(|index| tokio::spawn(pager(client.clone(), index % 2 == 0, deadline)))
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        let tally = task.await?;
        all.latencies_us.extend(tally.latencies_us);
        all.records += tally.records;
        all.errors.extend(tally.errors);
        all.runs_completed += tally.runs_completed;
    }
    let elapsed = started.elapsed();
    all.latencies_us.sort_unstable();
    let percentile = |p: f64| -> f64 {
        let latencies = &all.latencies_us;
        if latencies.is_empty() {
            return 0.0;
        }
        let index = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        f64::from(latencies[index]) / 1000.0
    };
    let requests = all.latencies_us.len() as u64;
    Ok(json!({
        "client": "load",
        "pagers": pagers,
        "concurrency": concurrency,
        "seconds": elapsed.as_secs_f64(),
        "requests": requests,
        "requests_per_second": requests as f64 / elapsed.as_secs_f64(),
        "records": all.records,
        "records_per_second": all.records as f64 / elapsed.as_secs_f64(),
        "complete_pagings": all.runs_completed,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "max_ms": percentile(1.0),
        "errors": all.errors.len(),
        "first_errors": all.errors.iter().take(5).collect::<Vec<_>>(),
    })
    .to_string())
}

/// One pager: pages its query from the start, again and again, until `deadline`.
async fn pager(client: Client, hss: bool, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    while Instant::now() < deadline {
        let mut pages: BoxStream<'static, Result<u64, hwc::Error>> = if hss {
            client
                .hss()
                .image_vul_handle_history(hwc_sim::DEMO_VUL_ID, ImageType::Registry)
                .enterprise_project_id("all_granted_eps")
                .into_paginator()
                .pages()
                .map_ok(|page| page.items.len() as u64)
                .boxed()
        } else {
            client
                .codearts_check()
                .check_records(hwc_sim::DEMO_PROJECT, hwc_sim::DEMO_TASK)
                .into_paginator()
                .pages()
                .map_ok(|page| page.items.len() as u64)
                .boxed()
        };
        loop {
            if Instant::now() >= deadline {
                return tally;
            }
            let asked = Instant::now();
            match pages.next().await {
                None => {
                    tally.runs_completed += 1;
                    break;
                }
                Some(Ok(records)) => {
                    let micros = asked.elapsed().as_micros();
                    tally
                        .latencies_us
                        .push(u32::try_from(micros).unwrap_or(u32::MAX));
                    tally.records += records;
                }
                Some(Err(error)) => {
                    tally.errors.push(error.to_string());
                    break;
                }
            }
        }
    }
    tally
}
