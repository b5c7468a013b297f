//! The replay transport of the test kit (feature `test-util`): canned answers per operation
//! served through the whole client (validation, signing, retries, decoding, paging) with no
//! socket. Its endpoints are `*.replay.invalid`, a name that never resolves: a request that
//! tried the network would fail to connect.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use futures::TryStreamExt;
use hwc::hss::ImageType;
use hwc::test_util::{Canned, ReplayTransport};
use hwc::{Error, hss};
use serde_json::json;

/// A page of `ListGeneralImageVulOperations`: `count` records from number `first`.
fn hss_page(total: usize, first: usize, count: usize) -> serde_json::Value {
    let records: Vec<_> = (first..first + count)
        .map(|n| {
            json!({
                "image_name": format!("image-{n}"),
                "user_name": "alice",
                "handle_time": 1_700_000_000_000_i64 - n as i64 * 1_000,
                "status": "vul_status_ignored",
            })
        })
        .collect();
    json!({"total_num": total, "data_list": records})
}

#[tokio::test]
async fn a_paginator_is_served_from_canned_pages_with_no_socket() {
    let replay = ReplayTransport::new();
    for offset in [0, 10, 20] {
        replay.answer(
            hss::OPERATION,
            Canned::json(hss_page(25, offset, (25 - offset).min(10))).when_query("offset", offset),
        );
    }
    let client = replay.client_builder().unwrap().build().unwrap();
    let records: Vec<_> = client
        .hss()
        .image_vul_handle_history("CVE-2021-44228", ImageType::Registry)
        .limit(10)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<_> = records
        .iter()
        .map(|record| record.image_name.clone().unwrap())
        .collect();
    let wanted: Vec<_> = (0..25).map(|n| format!("image-{n}")).collect();
    assert_eq!(names, wanted, "every record once, in order");
    assert_eq!(replay.unused(), 0, "every canned page was asked for");

    let sent = replay.requests_to(hss::OPERATION);
    assert_eq!(sent.len(), 3);
    let mut offsets: Vec<_> = sent
        .iter()
        .map(|request| request.query_value("offset").unwrap())
        .collect();
    offsets.sort();
    assert_eq!(offsets, ["0", "10", "20"]);
    for request in &sent {
        assert_eq!(
            request.query_value("vul_id").as_deref(),
            Some("CVE-2021-44228")
        );
        assert_eq!(request.query_value("limit").as_deref(), Some("10"));
        let authorization = request.header("authorization").unwrap();
        assert!(
            authorization.starts_with("SDK-HMAC-SHA256 Access=REPLAYACCESSKEY"),
            "signed as it would be sent: {authorization}"
        );
        assert!(
            request
                .request
                .uri()
                .to_string()
                .starts_with("https://hss.replay.invalid/v5/"),
            "{:?}",
            request.request.uri()
        );
    }
    let shown = format!("{:?}", sent[0]);
    assert!(
        !shown.contains("SDK-HMAC-SHA256"),
        "Debug shows header names, not values: {shown}"
    );
}

#[tokio::test]
async fn canned_failures_are_retried_and_decoded_like_the_services() {
    let replay = ReplayTransport::new();
    replay
        .answer(
            hwc::codearts_check::OPERATION,
            Canned::status(
                503,
                json!({"error_code": "CC.00000001", "error_msg": "busy"}),
            ),
        )
        .answer(
            hwc::codearts_check::OPERATION,
            Canned::json(
                json!({"total": 1, "data": [{"check_time": "2024-05-01 10:00:00",
                "issue_counts": {"critical": 1, "serious": 2, "normal": 3, "prompt": 4}}]}),
            ),
        );
    let client = replay.client_builder().unwrap().build().unwrap();
    let page = client
        .codearts_check()
        .check_records("0123456789abcdef0123456789abcdef", "task")
        .send()
        .await
        .unwrap();
    assert_eq!(page.items[0].issue_counts.critical, Some(1));
    assert_eq!(replay.requests().len(), 2, "the 503 was retried");

    // A 4xx the service would send becomes the typed error, with its code and request id.
    replay.answer(
        hss::OPERATION,
        Canned::status(
            403,
            json!({"error_code": "HSS.1001", "error_msg": "no permission"}),
        )
        .header("x-request-id", "req-403"),
    );
    let error = client
        .hss()
        .image_vul_handle_history("CVE-2021-44228", ImageType::Local)
        .send()
        .await
        .unwrap_err();
    match error {
        Error::Api(api) => {
            assert_eq!(
                (api.status, api.code.as_str(), api.request_id.as_deref()),
                (403, "HSS.1001", Some("req-403"))
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_request_without_a_canned_answer_fails_loudly_naming_it() {
    let replay = ReplayTransport::new();
    let client = replay.client_builder().unwrap().build().unwrap();
    let error = client
        .codearts_check()
        .check_records("0123456789abcdef0123456789abcdef", "task")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert!(
        source.contains(
            "no canned answer for CheckRecord GET https://codearts-check.replay.invalid/"
        ),
        "{source}"
    );
    assert_eq!(replay.requests().len(), 1, "one attempt: not retried");

    // Invalid input is refused before the transport sees anything.
    let error = client
        .hss()
        .image_vul_handle_history("CVE-2021-44228", ImageType::Local)
        .limit(100_000)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    assert_eq!(replay.requests().len(), 1);
}

/// A connector that never answers.
#[derive(Debug)]
struct Silent;

impl hwc::Connector for Silent {
    fn send(&self, _attempt: hwc::ConnectorRequest) -> hwc::ConnectorFuture<'_> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_connector_that_never_answers_is_cut_off_at_the_attempt_timeout() {
    let client = ReplayTransport::new()
        .client_builder()
        .unwrap()
        .connector(std::sync::Arc::new(Silent))
        .attempt_timeout(std::time::Duration::from_millis(50))
        .operation_timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client
        .codearts_check()
        .check_records("0123456789abcdef0123456789abcdef", "t")
        .send()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let source = std::error::Error::source(&error).map(ToString::to_string);
    assert_eq!(
        source.as_deref(),
        Some("no answer within the attempt timeout"),
        "{error}"
    );
}
