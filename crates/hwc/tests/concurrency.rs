//! Shared state under many calls at once: the clock-skew estimate converges instead of adding
//! up, and prefetched pages make progress whatever the consumer does.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use hwc::{Client, Credentials};
use hwc_sim::{Api, DEMO_PROJECT, DEMO_TASK, Fault, Lockout, Simulator};
use jiff::SignedDuration;

fn client(sim: &Simulator) -> hwc::ClientBuilder {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
}

/// 32 calls at once; all must succeed.
async fn thirty_two_calls(client: &Client) {
    let calls = (0..32).map(|_| async {
        client
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
            .limit(1)
            .send()
            .await
    });
    for (index, result) in futures::future::join_all(calls)
        .await
        .into_iter()
        .enumerate()
    {
        result.unwrap_or_else(|e| panic!("call {index}: {e}"));
    }
}

fn assert_near(offset: SignedDuration, truth: SignedDuration) {
    let off_by = (offset - truth).abs();
    assert!(
        off_by <= SignedDuration::from_secs(2),
        "offset {offset:?}, truth {truth:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_clock_corrections_converge_on_the_servers_time() {
    let ahead = SignedDuration::from_mins(45);
    let sim = Simulator::builder()
        .records(100)
        .clock_offset(ahead)
        .lockout(Some(Lockout {
            failures: 5,
            duration: Duration::from_secs(300),
        }))
        .start()
        .await
        .unwrap();
    let client = client(&sim).build().unwrap();
    thirty_two_calls(&client).await;
    assert!(sim.auth_rejections() <= 32, "{}", sim.auth_rejections());
    assert_near(client.clock_offset(), ahead);

    // The server's clock is put right while the client runs: the estimate follows it back.
    let before = sim.auth_rejections();
    let behind = SignedDuration::from_mins(-20);
    sim.set_clock_offset(behind);
    thirty_two_calls(&client).await;
    assert!(sim.auth_rejections() - before <= 32);
    assert_near(client.clock_offset(), behind);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prefetched_pages_progress_while_the_consumer_is_slow() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    // 18 scans, the newest of the demo task: six pages of three, four of them prefetched.
    let last = hwc::codearts_check::ScanTime::parse(
        sim.data()
            .codearts
            .query(DEMO_PROJECT, DEMO_TASK, None, None, 17, 1)
            .items[0]
            .check_time
            .clone(),
    )
    .instant
    .unwrap();
    let timeout = Duration::from_millis(150);
    let client = client(&sim)
        .attempt_timeout(timeout)
        .operation_timeout(timeout)
        .build()
        .unwrap();
    let mut items = client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .start_time(last)
        .into_paginator()
        .page_size(3)
        .concurrency(4)
        .items();
    let mut seen = 0;
    while let Some(item) = items.next().await {
        item.unwrap_or_else(|e| panic!("after {seen} items: {e}"));
        seen += 1;
        tokio::time::sleep(timeout * 3).await;
    }
    assert_eq!(seen, 18);
    assert_eq!(
        sim.requests(Api::CodeArtsCheck),
        6,
        "each page requested exactly once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_stream_cancels_what_is_in_flight() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    // A fetch that survived the drop would time out and try again, which the simulator sees.
    let client = client(&sim)
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let mut items = client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .into_paginator()
        .page_size(10)
        .concurrency(4)
        .items();
    // The two pages the paginator reads itself to learn how offset counts.
    for _ in 0..20 {
        items.try_next().await.unwrap().unwrap();
    }
    // From now on every answer is slow: reading on starts four fetches, none can finish.
    sim.script(
        Api::CodeArtsCheck,
        std::iter::repeat_n(Fault::Slow(Duration::from_secs(5)), 50),
    );
    let waiting = tokio::time::timeout(Duration::from_millis(100), items.try_next()).await;
    assert!(waiting.is_err(), "the next page is still on its way");
    drop(items);
    let after_drop = sim.requests(Api::CodeArtsCheck);
    assert_eq!(after_drop, 2 + 4, "two pages read, four in flight");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        sim.requests(Api::CodeArtsCheck),
        after_drop,
        "no request after the stream was dropped"
    );
}
