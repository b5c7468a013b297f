//! Client-side flow control against a simulator with the gateway's: a throttled simulator is
//! paged completely, pagers sharing one client stay under the limit together, and sixteen
//! pagers starting at once share one pace (the gateway's flow control is per API).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use hwc::codearts_check::CheckRecord;
use hwc::{Client, Credentials};
use hwc_sim::{Api, DEMO_PROJECT, DEMO_TASK, Simulator};

async fn throttled_simulator() -> Simulator {
    Simulator::builder()
        .records(100)
        .check_records(2_000)
        .latency("20ms±5ms".parse().unwrap())
        .rate_limit(Some("100/s".parse().unwrap()))
        .start()
        .await
        .unwrap()
}

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .build()
        .unwrap()
}

async fn page_all(client: &Client, page_size: u64) -> Vec<CheckRecord> {
    client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .into_paginator()
        .page_size(page_size)
        .items()
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_simulator_is_paged_completely() {
    let sim = throttled_simulator().await;
    let client = client(&sim);
    let expected: Vec<String> = sim.data().codearts.check_times(DEMO_PROJECT, DEMO_TASK);
    let scans = page_all(&client, 10).await;
    let times: Vec<String> = scans
        .iter()
        .map(|scan| scan.check_time.as_ref().unwrap().raw.clone())
        .collect();
    assert_eq!(times, expected, "every scan once, in order");
    let (requests, throttled) = (
        sim.requests(Api::CodeArtsCheck),
        sim.throttled(Api::CodeArtsCheck),
    );
    assert!(throttled > 0, "the gateway's limit was met");
    let rate = client.flow_rate(hwc::codearts_check::OPERATION).unwrap();
    assert!(
        (50.0..=130.0).contains(&rate),
        "engaged near the limit: {rate}"
    );
    println!("{requests} requests, {throttled} throttled, client rate {rate:.0}/s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagers_sharing_a_client_stay_under_the_limit_together() {
    let sim = throttled_simulator().await;
    let client = client(&sim);
    // One pager teaches the client the limit; then eight at once share it.
    page_all(&client, 100).await;
    let (before_requests, before_throttled) = (
        sim.requests(Api::CodeArtsCheck),
        sim.throttled(Api::CodeArtsCheck),
    );
    let started = Instant::now();
    let pagers = (0..8).map(|_| page_all(&client, 50));
    for scans in futures::future::join_all(pagers).await {
        assert_eq!(scans.len(), 2_000);
    }
    let elapsed = started.elapsed();
    let requests = sim.requests(Api::CodeArtsCheck) - before_requests;
    let throttled = sim.throttled(Api::CodeArtsCheck) - before_throttled;
    let rate = (requests - throttled) as f64 / elapsed.as_secs_f64();
    println!(
        "8 pagers: {requests} requests in {elapsed:?}, {throttled} throttled, {rate:.0} answered/s"
    );
    assert!(rate <= 110.0, "together under the limit: {rate}/s");
    assert!(
        (throttled as f64) <= 0.1 * requests as f64,
        "{throttled} of {requests} throttled"
    );
    assert!(elapsed < Duration::from_secs(30));
}

/// Sixteen pagers of one API started together, against a simulator at `limit`, each paging
/// the demo vulnerability's history on one image type: what was throttled in the first second
/// and in all, with every record of every pager checked.
async fn sixteen_pagers(limit: &str, known_rate: Option<f64>) -> ((u64, u64), (u64, u64)) {
    sixteen_pagers_of(limit, known_rate, false).await
}

/// [`sixteen_pagers`], the odd ones through clients derived with `with_config` when `derived`.
async fn sixteen_pagers_of(
    limit: &str,
    known_rate: Option<f64>,
    derived: bool,
) -> ((u64, u64), (u64, u64)) {
    let sim = Simulator::builder()
        .records(8_000)
        .latency("40ms±5ms".parse().unwrap())
        .rate_limit(Some(limit.parse().unwrap()))
        .start()
        .await
        .unwrap();
    let mut builder = Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .project_id("0123456789abcdef0123456789abcdef")
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap());
    if let Some(rate) = known_rate {
        builder = builder.api_rate_limit(rate);
    }
    let client = builder.build().unwrap();
    let operation = hwc::hss::OPERATION;
    let pagers = (0..16).map(|index| {
        let image_type = if index % 2 == 0 {
            hwc::hss::ImageType::Local
        } else {
            hwc::hss::ImageType::Registry
        };
        // A derived client: other settings, the same flow control.
        let client = if derived && index % 2 == 1 {
            client.with_config(|options| options.attempt_timeout(Duration::from_secs(20)))
        } else {
            client.clone()
        };
        let request = client
            .hss()
            .image_vul_handle_history(hwc_sim::DEMO_VUL_ID, image_type)
            .limit(20);
        async move {
            let records: Vec<_> = request
                .into_paginator()
                .items()
                .try_collect()
                .await
                .unwrap();
            records.len()
        }
    });
    let first_second = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        sim.operation_requests(operation)
    };
    let (counts, first_second) =
        futures::future::join(futures::future::join_all(pagers), first_second).await;
    let total = sim
        .data()
        .hss
        .query(hwc_sim::DEMO_VUL_ID, true, &Default::default(), 0, 0, 0)
        .total;
    assert_eq!(counts[0], total, "every record of a pager");
    (first_second, sim.operation_requests(operation))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_pagers_keep_one_pace_before_the_gateway_throttles() {
    let ((first_requests, first_throttled), (requests, throttled)) =
        sixteen_pagers("200/s", None).await;
    println!(
        "first second: {first_throttled} of {first_requests} throttled; in all {throttled} of {requests}"
    );
    assert!(
        first_requests > 100,
        "{first_requests} requests in the first second"
    );
    assert!(
        first_throttled as f64 <= 0.01 * first_requests as f64,
        "{first_throttled} of {first_requests} throttled in the first second"
    );
    assert!(
        throttled as f64 <= 0.01 * requests as f64,
        "{throttled} of {requests} throttled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_pagers_under_a_known_rate_are_hardly_throttled() {
    let ((first_requests, first_throttled), (requests, throttled)) =
        sixteen_pagers("100/s", Some(100.0)).await;
    println!(
        "first second: {first_throttled} of {first_requests} throttled; in all {throttled} of {requests}"
    );
    assert!(
        first_requests > 60,
        "{first_requests} requests in the first second"
    );
    assert!(
        first_throttled as f64 <= 0.01 * first_requests as f64,
        "{first_throttled} of {first_requests} throttled in the first second"
    );
    assert!(
        throttled as f64 <= 0.01 * requests as f64,
        "{throttled} of {requests} throttled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_derived_with_other_settings_share_the_flow_control() {
    let ((first_requests, first_throttled), (requests, throttled)) =
        sixteen_pagers_of("200/s", None, true).await;
    assert!(
        first_requests > 100,
        "{first_requests} requests in the first second"
    );
    assert!(
        first_throttled as f64 <= 0.01 * first_requests as f64,
        "{first_throttled} of {first_requests} throttled in the first second"
    );
    assert!(
        throttled as f64 <= 0.01 * requests as f64,
        "{throttled} of {requests} throttled"
    );
}
