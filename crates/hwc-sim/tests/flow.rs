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

/// The gateway's flow control is per API: two operations of one service each have their own
/// bucket, and the counters say which operation was throttled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_operation_of_a_service_has_a_bucket_of_its_own() {
    let sim = Simulator::builder()
        .records(100)
        .rate_limit(Some("50/s".parse().unwrap()))
        .start()
        .await
        .unwrap();
    let base = sim.base_url();
    const VULS_PATH: &str = "/v5/0123456789abcdef0123456789abcdef/images/vulnerabilities?type=app_vul&handle_status=handled&image_type=local";
    // Drain the history's bucket (5 tokens at 50/s), then the other operation still passes.
    let mut history_throttled = 0;
    for _ in 0..20 {
        if get(&base, support::HSS_PATH, support::token()).await.status == 429 {
            history_throttled += 1;
        }
    }
    assert!(history_throttled > 0);
    let other = get(&base, VULS_PATH, support::token()).await;
    assert_eq!(other.status, 200, "{}", other.text);
    let history = &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS;
    let vuls = &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VULS;
    assert_eq!(sim.operation_requests(history), (20, history_throttled));
    assert_eq!(sim.operation_requests(vuls), (1, 0));
    assert_eq!(sim.throttled(Api::Hss), history_throttled);
    let stats = get(&base, hwc_sim::STATS_PATH, Auth::None).await.json();
    let operations = &stats["hss"]["operations"];
    assert_eq!(operations["vul-history"]["throttled"], history_throttled);
    assert_eq!(operations["image-vuls"]["requests"], 1);
    assert_eq!(stats["hss"]["requests"], 21);
}
