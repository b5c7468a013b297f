//! The baseline: the least a hand-written client does. One `reqwest::Client`, the URL built by
//! hand, an IAM token instead of a signature, `serde_json::Value` for the body (typed structs
//! would fail on the numeric ids the API sends in string fields), no retries, no validation.

use std::time::Instant;

use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;

use crate::workload::{Workload, report};

/// Pages through every record of `workload` with `concurrency` pages in flight: the first page
/// gives the total, then the remaining pages are fetched `concurrency` at a time, in order.
pub async fn page_all(
    endpoint: &str,
    workload: Workload,
    concurrency: usize,
) -> anyhow::Result<String> {
    let http = reqwest::Client::new();
    let started = Instant::now();
    let (first, total) = fetch(&http, endpoint, workload, 0).await?;
    let pages = (1..).take_while(|page| page * workload.page_size < total);
    let rest: Vec<u64> = futures::stream::iter(pages)
        .map(|page| {
            let http = &http;
            async move { fetch(http, endpoint, workload, page).await.map(|(n, _)| n) }
        })
        .buffered(concurrency.max(1))
        .try_collect()
        .await?;
    let records = first + rest.iter().sum::<u64>();
    let pages = 1 + rest.len() as u64;
    Ok(report(
        "raw",
        workload,
        Some(concurrency),
        records,
        pages,
        started.elapsed(),
    ))
}

/// One page: its record count and the total.
async fn fetch(
    http: &reqwest::Client,
    endpoint: &str,
    workload: Workload,
    page: u64,
) -> anyhow::Result<(u64, u64)> {
    let body = http
        .get(workload.url(endpoint, page))
        .header("X-Auth-Token", hwc_sim::DEMO_TOKEN)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let page: Value = serde_json::from_slice(&body)?;
    let (total_field, items_field) = workload.fields();
    let records = page[items_field].as_array().map_or(0, Vec::len) as u64;
    let total = page[total_field]
        .as_u64()
        .with_context(|| format!("no {total_field} on page {page}"))?;
    Ok((records, total))
}
