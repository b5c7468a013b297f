//! The simulator's fixtures (the test kit): data a test gives in the facade's own models comes
//! back through the facade over real HTTP as the same models, filtered and paged as any data;
//! `sim.received(api)` shows what was asked; `hwc::test_util::simulator_client` needs nothing
//! else to talk to it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use futures::TryStreamExt;
use hwc::codearts_check::{CheckRecord, IssueCounts};
use hwc::hss::{HandleRecord, ImageType, VulStatus};
use hwc::test_util::simulator_client;
use hwc_sim::{Api, DEMO_AK, DEMO_SK, Simulator};

const VUL: &str = "CVE-2099-0001";
const PROJECT: &str = "fedcba9876543210fedcba9876543210";

fn handled(minute: i64, image: &str, user: &str, status: &str) -> HandleRecord {
    let time = jiff::Timestamp::from_second(1_714_557_600 + minute * 60).unwrap();
    HandleRecord::new()
        .with_image_name(image)
        .with_image_version("1.25")
        .with_user_name(user)
        .with_handle_type(if status == "vul_status_ignored" {
            "ignore"
        } else {
            "not_ignore"
        })
        .with_status(status)
        .with_handle_time(time)
        .with_remark(format!("handled by {user}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn hss_records_given_as_models_come_back_as_the_same_models() {
    // Out of order on purpose: the history is served newest first.
    let given: Vec<HandleRecord> = (0..7)
        .map(|n| {
            let status = if n % 2 == 0 {
                "vul_status_ignored"
            } else {
                "vul_status_unfix"
            };
            handled((n * 37) % 11, &format!("image-{n}"), "alice", status)
        })
        .collect();
    let sim = Simulator::builder()
        .records(100)
        .hss_records(VUL, ImageType::Registry, given.clone())
        .start()
        .await
        .unwrap();
    let client = simulator_client(&sim.base_url(), DEMO_AK, DEMO_SK)
        .unwrap()
        .build()
        .unwrap();

    let got: Vec<HandleRecord> = client
        .hss()
        .image_vul_handle_history(VUL, ImageType::Registry)
        .limit(10)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    let mut wanted = given.clone();
    wanted.sort_by_key(|record| std::cmp::Reverse(record.handle_time));
    assert_eq!(got, wanted, "the same models, newest first");

    // Filters and paging apply to fixtures as to generated data.
    let ignored = client
        .hss()
        .image_vul_handle_history(VUL, ImageType::Registry)
        .status(VulStatus::VulStatusIgnored)
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!(ignored.total, Some(4));
    assert!(ignored.items.iter().all(|record| record.remark.is_some()));
    // The other image type of the vulnerability has no history.
    let local = client
        .hss()
        .image_vul_handle_history(VUL, ImageType::Local)
        .send()
        .await
        .unwrap();
    assert_eq!((local.total, local.items.len()), (Some(0), 0));

    let received = sim.received(Api::Hss);
    assert_eq!(received.len(), 3, "{received:?}");
    assert!(
        received
            .iter()
            .all(|request| request.operation == "ListGeneralImageVulOperations")
    );
    let statuses: Vec<_> = received
        .iter()
        .map(|request| request.query_value("status"))
        .collect();
    assert_eq!(statuses, [None, Some("vul_status_ignored"), None]);
    assert!(
        received[0]
            .header("authorization")
            .unwrap()
            .contains(DEMO_AK)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn codearts_scans_given_as_models_come_back_with_their_verdict() {
    let scans = vec![
        CheckRecord::new()
            .with_check_time("2024-05-02 09:00:00")
            .with_check_end_time("2024-05-02 09:03:00")
            .with_issue_counts(IssueCounts::new(0, 0, 4, 10)),
        CheckRecord::new()
            .with_check_time("2024-05-01 09:00:00")
            .with_check_end_time("2024-05-01 09:05:00")
            .with_issue_counts(IssueCounts::new(1, 3, 5, 11)),
    ];
    let sim = Simulator::builder()
        .records(100)
        .codearts_scans(PROJECT, "my-task", scans.clone())
        .start()
        .await
        .unwrap();
    let client = simulator_client(&sim.base_url(), DEMO_AK, DEMO_SK)
        .unwrap()
        .build()
        .unwrap();
    let got: Vec<CheckRecord> = client
        .codearts_check()
        .check_records(PROJECT, "my-task")
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got, scans);

    // The task exists in its project, and its latest scan decides the service's verdict.
    let tasks = client.codearts_check().tasks(PROJECT).send().await.unwrap();
    let ids: Vec<_> = tasks
        .items
        .iter()
        .filter_map(|task| task.task_id.as_ref().map(|id| id.to_string()))
        .collect();
    assert_eq!(ids, ["my-task"]);
    assert!(
        sim.received(Api::CodeArtsCheck)
            .iter()
            .any(|request| request.operation == "ShowTaskListByProjectId")
    );
}

#[tokio::test]
async fn a_fixture_scan_without_a_readable_time_is_refused_at_start() {
    let error = Simulator::builder()
        .records(100)
        .codearts_scans(
            PROJECT,
            "my-task",
            [CheckRecord::new().with_check_time("yesterday")],
        )
        .start()
        .await
        .err()
        .unwrap();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("\"yesterday\""), "{error}");
}

#[tokio::test]
async fn a_history_given_twice_is_refused_at_start() {
    let scan = || [CheckRecord::new().with_check_time("2024-05-01 10:00:00")];
    let error = Simulator::builder()
        .records(100)
        .codearts_scans(PROJECT, "my-task", scan())
        .codearts_scans("another-project", "my-task", scan())
        .start()
        .await
        .err()
        .unwrap();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("my-task"), "{error}");

    let record = || [handled(1, "nginx", "alice", "vul_status_ignored")];
    let error = Simulator::builder()
        .records(100)
        .hss_records("CVE-2024-0001", ImageType::Registry, record())
        .hss_records("CVE-2024-0001", ImageType::Registry, record())
        .start()
        .await
        .err()
        .unwrap();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("CVE-2024-0001"), "{error}");
}
