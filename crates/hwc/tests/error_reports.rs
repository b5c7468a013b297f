//! Errors say what happened: a timed-out attempt its real time and the limit it hit, decode
//! errors keep serde's error as their source, and `Display` of a transport error does not
//! repeat its causes (anyhow and eyre print each cause once, from `source()`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::error::Error as _;
use std::time::Duration;

use hwc::{Client, Credentials, Error, RetryPolicy};
use hwc_sim::{Api, DEMO_PROJECT, DEMO_TASK, Fault, Simulator};

fn client(base: &str, attempt: Duration) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(base)
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .retry(RetryPolicy::disabled())
        .attempt_timeout(attempt)
        .build()
        .unwrap()
}

async fn one_call(client: &Client) -> Error {
    client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_timed_out_attempt_reports_its_time_and_limit() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    sim.script(Api::CodeArtsCheck, [Fault::Slow(Duration::from_secs(2))]);
    let limit = Duration::from_millis(300);
    let error = one_call(&client(&sim.base_url(), limit)).await;
    match &error {
        Error::Timeout { elapsed, what, .. } => {
            assert!(
                *elapsed >= limit && *elapsed < Duration::from_secs(2),
                "{elapsed:?}"
            );
            assert!(what.contains("one attempt"), "{what}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(
        error.to_string().contains("300ms"),
        "the limit is named: {error}"
    );
}

#[tokio::test]
async fn decode_errors_keep_serdes_error_as_their_source() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    sim.script(Api::CodeArtsCheck, [Fault::MalformedJson]);
    let error = one_call(&client(&sim.base_url(), Duration::from_secs(5))).await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let source = error.source().expect("a source");
    assert!(
        source.downcast_ref::<serde_json::Error>().is_some(),
        "{source:?}"
    );
}

#[tokio::test]
async fn a_transport_error_does_not_repeat_its_causes() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = one_call(&client(&dead, Duration::from_secs(5))).await;
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let shown = error.to_string();
    let mut cause = error.source();
    assert!(cause.is_some(), "the causes are in source()");
    while let Some(inner) = cause {
        assert!(
            !shown.contains(&inner.to_string()),
            "{shown:?} repeats its cause {inner}"
        );
        cause = inner.source();
    }
}
