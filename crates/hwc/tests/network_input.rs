//! Nothing from the network panics the client, and waits never outlast the call: an absurd
//! `Retry-After` after a slow first attempt ends the call with the API's error, and a wait that
//! would pass the operation's deadline is not started.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::time::{Duration, Instant};

use hwc::{Client, Credentials, Error};
use hwc_sim::{Api, DEMO_PROJECT, DEMO_TASK, Fault, Simulator};

fn client(sim: &Simulator, attempt: Duration, operation: Duration) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .attempt_timeout(attempt)
        .operation_timeout(operation)
        .build()
        .unwrap()
}

fn faults(kinds: &[&str]) -> Vec<Fault> {
    kinds.iter().map(|kind| kind.parse().unwrap()).collect()
}

async fn one_call(client: &Client) -> Result<hwc::Page<hwc::codearts_check::CheckRecord>, Error> {
    client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await
}

fn assert_throttled(result: Result<impl std::fmt::Debug, Error>, retry_after: u64) {
    match result {
        Err(Error::Api(api)) => {
            assert_eq!((api.status, api.code.as_str()), (429, "APIGW.0308"));
            assert_eq!(api.retry_after, Some(retry_after));
            assert!(api.request_id.is_some());
        }
        other => panic!("expected the 429, got {other:?}"),
    }
}

#[tokio::test]
async fn an_absurd_retry_after_after_a_slow_attempt_ends_the_call_with_the_429() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    sim.script(
        Api::CodeArtsCheck,
        faults(&["slow=1500ms", "429-retry-after=18446744073709551615"]),
    );
    // The first attempt times out after more than a second, so the elapsed time plus the
    // largest wait a header can say no longer fits a `Duration`.
    let client = client(&sim, Duration::from_millis(1_100), Duration::from_secs(30));
    let started = Instant::now();
    let result = one_call(&client).await;
    assert_throttled(result, u64::MAX);
    assert!(started.elapsed() < Duration::from_secs(5), "no sleep");
    assert_eq!(sim.requests(Api::CodeArtsCheck), 2);
}

#[tokio::test]
async fn a_wait_past_the_operation_deadline_is_not_started() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    sim.script(Api::CodeArtsCheck, faults(&["429-retry-after=5"]));
    let client = client(&sim, Duration::from_secs(1), Duration::from_secs(2));
    let started = Instant::now();
    let result = one_call(&client).await;
    assert_throttled(result, 5);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "ended at once, not at the deadline: {:?}",
        started.elapsed()
    );
    assert_eq!(
        sim.requests(Api::CodeArtsCheck),
        1,
        "no attempt after the wait"
    );
}

/// Resident memory of this process, from `/proc/self/statm` (Linux).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_answer_ends_the_attempt_at_the_size_limit() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    sim.script(Api::CodeArtsCheck, faults(&["endless"]));
    let client = client(&sim, Duration::from_secs(4), Duration::from_secs(30));
    let before = resident_bytes();
    let started = Instant::now();
    let error = one_call(&client).await.unwrap_err();
    let grown = resident_bytes().saturating_sub(before);
    assert!(
        error.to_string().contains("larger than"),
        "{error} after {:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            error,
            Error::ResponseTooLarge {
                limit: hwc::DEFAULT_MAX_RESPONSE_BYTES,
                status: 200,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.request_id().is_some());

    // A smaller limit of the caller's choosing stops sooner.
    sim.script(Api::CodeArtsCheck, faults(&["endless"]));
    let small = Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .max_response_bytes(100_000)
        .build()
        .unwrap();
    let error = one_call(&small).await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 100_000, .. }),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "stopped reading at the limit"
    );
    assert!(grown < 256 << 20, "memory grew by {} MiB", grown >> 20);
    assert_eq!(sim.requests(Api::CodeArtsCheck), 2, "not retried");
}
