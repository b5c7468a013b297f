//! The round trip and the gateway's flow control, both off by default: every answer waits the
//! latency asked for, and beyond the rate limit a credential gets 429 `APIGW.0308` without
//! `Retry-After`, each credential and API with a bucket of its own.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use std::time::{Duration, Instant};

use hwc_sim::{Api, Simulator};
use support::{Auth, DEMO_CHECK_PATH, get};

#[tokio::test]
async fn every_answer_waits_the_latency() {
    let sim = Simulator::builder()
        .records(100)
        .latency("40ms±5ms".parse().unwrap())
        .start()
        .await
        .unwrap();
    for auth in [Auth::Token(hwc_sim::DEMO_TOKEN), Auth::None] {
        let started = Instant::now();
        let reply = get(&sim.base_url(), DEMO_CHECK_PATH, auth).await;
        assert!(reply.status == 200 || reply.status == 401);
        assert!(
            started.elapsed() >= Duration::from_millis(35),
            "{:?}",
            started.elapsed()
        );
    }
    let plain = Simulator::builder().records(100).start().await.unwrap();
    let started = Instant::now();
    get(
        &plain.base_url(),
        DEMO_CHECK_PATH,
        Auth::Token(hwc_sim::DEMO_TOKEN),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_millis(30),
        "off by default"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_rate_a_credential_is_throttled_without_retry_after() {
    let sim = Simulator::builder()
        .records(100)
        .token("first")
        .token("second")
        .rate_limit(Some("100/s".parse().unwrap()))
        .start()
        .await
        .unwrap();
    let base = sim.base_url();
    // As fast as it goes for one second, eight at a time.
    let started = Instant::now();
    let (mut passed, mut throttled) = (0u32, 0u32);
    while started.elapsed() < Duration::from_secs(1) {
        let calls = (0..8).map(|_| get(&base, DEMO_CHECK_PATH, Auth::Token("first")));
        for reply in futures::future::join_all(calls).await {
            match reply.status {
                200 => passed += 1,
                429 => {
                    assert_eq!(reply.error_code(), "APIGW.0308");
                    assert!(reply.headers.get("retry-after").is_none());
                    throttled += 1;
                }
                other => panic!("{other}: {}", reply.text),
            }
        }
    }
    // 100 a second plus the bucket's tenth of a second.
    assert!((90..=125).contains(&passed), "{passed} passed");
    assert!(throttled > 0);
    assert_eq!(u64::from(throttled), sim.throttled(Api::CodeArtsCheck));
    // The same counters for a benchmark that runs the simulator as a process of its own.
    let stats = get(&base, hwc_sim::STATS_PATH, Auth::None).await.json();
    assert_eq!(stats["codearts-check"]["throttled"], u64::from(throttled));
    assert_eq!(
        stats["codearts-check"]["requests"],
        u64::from(passed + throttled)
    );
    assert_eq!(stats["hss"]["requests"], 0);
    // Another credential has its own bucket.
    let other = get(&base, DEMO_CHECK_PATH, Auth::Token("second")).await;
    assert_eq!(other.status, 200);
}
