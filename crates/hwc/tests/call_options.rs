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
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(5))
                .with_max_delay(Duration::from_millis(20))
                .with_max_attempts(4),
        )
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

/// Counts what it saw and adds a header before each attempt is signed.
#[derive(Debug, Default)]
struct Counting {
    attempts: std::sync::atomic::AtomicU32,
    calls: std::sync::atomic::AtomicU32,
    statuses: std::sync::Mutex<Vec<Option<u16>>>,
    /// Each hook's operation name, in the order the hooks ran.
    operations: std::sync::Mutex<Vec<&'static str>>,
}

impl hwc::Interceptor for Counting {
    fn before_signing(&self, context: &mut hwc::BeforeSigning<'_>) {
        self.operations.lock().unwrap().push(context.operation);
        context.headers.insert(
            "x-tenant",
            format!("t-{}", context.attempt).parse().unwrap(),
        );
    }

    fn after_attempt(&self, context: &hwc::AfterAttempt<'_>) {
        self.operations.lock().unwrap().push(context.operation);
        self.attempts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.statuses.lock().unwrap().push(context.status);
    }

    fn after_call(&self, context: &hwc::AfterCall<'_>) {
        self.operations.lock().unwrap().push(context.operation);
        assert!(context.succeeded && context.attempts == 2, "{context:?}");
        self.calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn interceptors_of_the_client_and_the_call_run_and_their_headers_are_signed() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let counting = std::sync::Arc::new(Counting::default());
    let client = Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .project_id("p")
        .retry(RetryPolicy::default().with_base_delay(Duration::from_millis(5)))
        .interceptor(counting.clone())
        .build()
        .unwrap();
    sim.script(Api::CodeArtsCheck, [Fault::ServerError(503)]);
    client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .customize(|options| options.interceptor(std::sync::Arc::new(hwc::TraceParent)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        counting.attempts.load(std::sync::atomic::Ordering::Relaxed),
        2
    );
    assert_eq!(counting.calls.load(std::sync::atomic::Ordering::Relaxed), 1);
    assert_eq!(*counting.statuses.lock().unwrap(), [Some(503), Some(200)]);
    // Every hook names the operation as the spec does: two attempts, then the call.
    assert_eq!(*counting.operations.lock().unwrap(), ["CheckRecord"; 5]);
    let sent = sim.last_request(Api::CodeArtsCheck).unwrap();
    assert_eq!(sent.header("x-tenant"), Some("t-2"));
    let signed = sent.header("authorization").unwrap();
    assert!(
        signed.contains("x-tenant") && signed.contains("traceparent"),
        "{signed}"
    );
    let traceparent = sent.header("traceparent").unwrap();
    let parts: Vec<&str> = traceparent.split('-').collect();
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [2, 32, 16, 2],
        "{traceparent}"
    );
    assert_eq!((parts[0], parts[3]), ("00", "01"));
}

/// Writes down each hook it sees, with the attempt's status.
#[derive(Debug, Default)]
struct Hooks(std::sync::Mutex<Vec<String>>);

impl hwc::Interceptor for Hooks {
    fn after_attempt(&self, context: &hwc::AfterAttempt<'_>) {
        let line = format!("attempt {} {:?}", context.attempt, context.status);
        self.0.lock().unwrap().push(line);
    }

    fn after_call(&self, context: &hwc::AfterCall<'_>) {
        let line = format!("call {} {}", context.succeeded, context.attempts);
        self.0.lock().unwrap().push(line);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_over_the_size_limit_is_an_attempt_the_interceptors_see() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let hooks = std::sync::Arc::new(Hooks::default());
    let client = Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .project_id("p")
        .max_response_bytes(64)
        .interceptor(hooks.clone())
        .build()
        .unwrap();
    let error = client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("larger than 64 bytes"),
        "{error}"
    );
    assert_eq!(
        *hooks.0.lock().unwrap(),
        ["attempt 1 Some(200)", "call false 1"]
    );
}
