//! CodeArts Check's task operations against `hwc-sim` over real HTTP: every task of a project,
//! a task's latest result and gate verdict, its progress, and its issues paged exactly once
//! each whatever the service does with `offset` (pages from 0 or 1, records) and when its pages
//! repeat issues, with faults on the way; the IAM project goes in `X-Project-Id`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::collections::HashSet;
use std::time::Duration;

use futures::TryStreamExt;
use hwc::{Client, Credentials, RetryPolicy};
use hwc_sim::{Api, CLEAN_TASK, CodeArtsPaging, DEMO_PROJECT, DEMO_TASK, Fault, Simulator};

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .project_id("iam-project-of-the-region")
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(2))
                .with_max_delay(Duration::from_millis(20))
                .with_max_attempts(10),
        )
        .build()
        .unwrap()
}

async fn simulator(paging: CodeArtsPaging, repeats: bool, fault_rate: f64) -> Simulator {
    let transient = ["429", "503", "drop", "busy", "truncate"]
        .iter()
        .map(|kind| kind.parse::<Fault>().unwrap())
        .collect();
    Simulator::builder()
        .records(100)
        .codearts_paging(paging)
        .defect_repeats(repeats)
        .random_faults(fault_rate, transient, 5)
        .lockout(None)
        .start()
        .await
        .unwrap()
}

/// The latest scan's issue count of the demo task, from the simulator's data.
fn expected_issues(sim: &Simulator, task: &str) -> u64 {
    let scan = sim.data().codearts.latest_scan(task).unwrap();
    scan.counts.iter().map(|&n| u64::from(n)).sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn issues_are_paged_exactly_once_under_every_behaviour_with_faults() {
    for (paging, repeats) in [
        (CodeArtsPaging::Page0, false),
        (CodeArtsPaging::Page1, false),
        (CodeArtsPaging::Record, false),
        (CodeArtsPaging::Page0, true),
        (CodeArtsPaging::Page1, true),
    ] {
        let sim = simulator(paging, repeats, 0.10).await;
        let client = client(&sim);
        let issues: Vec<_> = client
            .codearts_check()
            .issues(DEMO_TASK)
            .limit(100)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap_or_else(|error| panic!("{paging} repeats={repeats}: {error}"));
        let expected = expected_issues(&sim, DEMO_TASK);
        assert_eq!(issues.len() as u64, expected, "{paging} repeats={repeats}");
        let ids: HashSet<String> = issues
            .iter()
            .map(|issue| issue.defect_id.as_ref().unwrap().to_string())
            .collect();
        assert_eq!(
            ids.len() as u64,
            expected,
            "{paging} repeats={repeats}: each once"
        );
        // Most severe first, as the simulator serves them: the critical ones lead.
        let critical = sim.data().codearts.latest_scan(DEMO_TASK).unwrap().counts[0] as usize;
        assert!(
            issues[..critical]
                .iter()
                .all(|issue| issue.defect_level.as_deref() == Some("0")),
            "{paging} repeats={repeats}"
        );
        sim.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tasks_summary_and_progress_come_from_the_scan_history() {
    let sim = simulator(CodeArtsPaging::Page1, false, 0.0).await;
    let client = client(&sim);
    let tasks: Vec<_> = client
        .codearts_check()
        .tasks(DEMO_PROJECT)
        .limit(1)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = tasks
        .iter()
        .map(|task| task.task_id.as_ref().unwrap().to_string())
        .collect();
    let expected: Vec<String> = sim
        .data()
        .codearts
        .tasks_of(DEMO_PROJECT)
        .into_iter()
        .map(|task| task.task_id)
        .collect();
    assert_eq!(ids, expected);
    assert!(ids.contains(&DEMO_TASK.to_owned()) && ids.contains(&CLEAN_TASK.to_owned()));

    let summary = client
        .codearts_check()
        .task_summary(DEMO_TASK)
        .send()
        .await
        .unwrap();
    let counts = sim.data().codearts.latest_scan(DEMO_TASK).unwrap().counts;
    assert_eq!(
        summary.critical_count.as_deref(),
        Some(counts[0].to_string().as_str())
    );
    assert_eq!(summary.is_access.as_deref(), Some("false"));
    let clean = client
        .codearts_check()
        .task_summary(CLEAN_TASK)
        .send()
        .await
        .unwrap();
    assert_eq!(clean.is_access.as_deref(), Some("true"));
    // No project in the path: the IAM project went signed in `X-Project-Id`.
    let sent = sim.last_request(Api::CodeArtsCheck).unwrap();
    assert_eq!(
        sent.header("x-project-id"),
        Some("iam-project-of-the-region")
    );
    assert!(
        sent.header("authorization")
            .unwrap()
            .contains("x-project-id"),
        "signed"
    );

    sim.start_scan(DEMO_TASK, 2, hwc_sim::ScanOutcome::Failed);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let progress = client
            .codearts_check()
            .progress(DEMO_TASK)
            .send()
            .await
            .unwrap();
        statuses.push(progress.task_status);
    }
    assert_eq!(statuses, [Some(0), Some(0), Some(1)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_filter_the_spec_forbids_is_refused_before_sending() {
    let sim = simulator(CodeArtsPaging::Page0, false, 0.0).await;
    let client = client(&sim);
    let error = client
        .codearts_check()
        .issues(DEMO_TASK)
        .severity("0;1")
        .send()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("severity") && error.contains("0;1"),
        "{error}"
    );
    assert_eq!(sim.requests(Api::CodeArtsCheck), 0);
}
