//! Per-call options (`.customize()` of every builder), against the simulator over real HTTP:
//! a timeout and a retry policy take effect for that call only, every page of a paginator
//! carries them, an extra header reaches the server signed, and a header the client writes
//! itself is refused before anything is sent.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use hwc::hss::ImageType;
use hwc::{Client, Credentials, Error, RetryPolicy};
use hwc_sim::{Api, DEMO_PROJECT, DEMO_TASK, DEMO_VUL_ID, Fault, Simulator};

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .project_id("p")
        .retry(RetryPolicy {
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            max_attempts: 4,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_policy_and_timeouts_hold_for_that_call_only() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let client = client(&sim);
    let records = || {
        client
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
    };

    // Retries off for this call: one 503 fails it, after one request.
    sim.script(Api::CodeArtsCheck, [Fault::ServerError(503)]);
    let before = sim.requests(Api::CodeArtsCheck);
    let error = records()
        .customize(|options| options.retry(RetryPolicy::disabled()))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(api) if api.status == 503),
        "{error}"
    );
    assert_eq!(sim.requests(Api::CodeArtsCheck) - before, 1);
    // The client's own policy is unchanged: the next call retries past a 503.
    sim.script(Api::CodeArtsCheck, [Fault::ServerError(503)]);
    records().send().await.unwrap();

    // An attempt timeout for this call: a 3-second answer is cut off well before.
    sim.script(Api::CodeArtsCheck, [Fault::Slow(Duration::from_secs(3))]);
    let started = Instant::now();
    let error = records()
        .customize(|options| {
            options
                .attempt_timeout(Duration::from_millis(200))
                .retry(RetryPolicy::disabled())
        })
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{error}");
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    // An operation timeout for this call, retries included.
    sim.script(Api::CodeArtsCheck, [Fault::Slow(Duration::from_secs(3))]);
    let started = Instant::now();
    let error = records()
        .customize(|options| options.operation_timeout(Duration::from_millis(300)))
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{error}");
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_extra_header_reaches_the_server_signed_on_every_page() {
    let sim = Simulator::builder().records(4_000).start().await.unwrap();
    let client = client(&sim);
    let records: Vec<_> = client
        .hss()
        .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
        .enterprise_project_id("all_granted_eps")
        .limit(100)
        .customize(|options| options.header("x-request-source", "nightly-export"))
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(records.len() > 100, "several pages");
    let sent = sim.last_request(Api::Hss).unwrap();
    assert_eq!(sent.header("x-request-source"), Some("nightly-export"));
    assert!(
        sent.header("authorization")
            .unwrap()
            .contains("x-request-source"),
        "signed"
    );

    let before = sim.requests(Api::Hss);
    let error = client
        .hss()
        .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
        .customize(|options| options.header("Authorization", "mine"))
        .send()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("header") && error.contains("Authorization"),
        "{error}"
    );
    assert_eq!(sim.requests(Api::Hss), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_derived_client_applies_its_settings_to_every_call_and_the_parent_keeps_its_own() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let parent = client(&sim);
    let derived = parent.with_config(|options| {
        options
            .header("x-request-source", "ci")
            .retry(RetryPolicy::disabled())
    });
    sim.script(Api::CodeArtsCheck, [Fault::ServerError(503)]);
    let error = derived
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(api) if api.status == 503),
        "{error}"
    );
    assert_eq!(
        sim.last_request(Api::CodeArtsCheck)
            .unwrap()
            .header("x-request-source"),
        Some("ci")
    );
    // A call of the derived client customizes on top of its settings.
    derived
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .customize(|options| options.header("x-extra", "1"))
        .send()
        .await
        .unwrap();
    let sent = sim.last_request(Api::CodeArtsCheck).unwrap();
    assert_eq!(sent.header("x-request-source"), Some("ci"));
    assert_eq!(sent.header("x-extra"), Some("1"));
    // The parent: its own retries, no header.
    sim.script(Api::CodeArtsCheck, [Fault::ServerError(503)]);
    parent
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sim.last_request(Api::CodeArtsCheck)
            .unwrap()
            .header("x-request-source"),
        None
    );
}
