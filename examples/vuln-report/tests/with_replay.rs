//! The user's test with the replay transport: canned answers, no socket, and the requests the
//! code made, to assert on.

#![allow(clippy::unwrap_used)] // Tests state their expectations by panicking.

use hwc::test_util::{Canned, ReplayTransport};
use serde_json::json;

#[tokio::test]
async fn the_release_check_asks_for_one_scan_and_reads_its_counts() {
    let replay = ReplayTransport::new();
    replay.answer(
        hwc::codearts_check::OPERATION,
        Canned::json(
            json!({"total": 40, "data": [{"check_time": "2024-05-02 09:00:00",
            "issue_counts": {"critical": 0, "serious": 1, "normal": 7, "prompt": 3}}]}),
        ),
    );
    let client = replay.client_builder().unwrap().build().unwrap();
    assert!(
        vuln_report::releasable(&client, "0123456789abcdef0123456789abcdef", "web", 1)
            .await
            .unwrap()
    );
    let sent = replay.requests_to(hwc::codearts_check::OPERATION);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].query_value("limit").as_deref(), Some("1"));
    assert!(
        sent[0]
            .request
            .uri()
            .path()
            .ends_with("/tasks/web/checkrecord")
    );
}

#[tokio::test]
async fn an_error_of_the_service_reaches_the_caller_typed() {
    let replay = ReplayTransport::new();
    replay.answer(
        hwc::codearts_check::OPERATION,
        Canned::status(
            404,
            json!({"error_code": "CC.00000002", "error_msg": "task not found"}),
        ),
    );
    let client = replay.client_builder().unwrap().build().unwrap();
    let error = vuln_report::releasable(&client, "0123456789abcdef0123456789abcdef", "gone", 1)
        .await
        .unwrap_err();
    assert_eq!(
        (error.status(), error.code()),
        (Some(404), Some("CC.00000002"))
    );
}
