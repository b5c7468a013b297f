//! The simulator's fixtures through the command line: records a test gives in the facade's
//! models come out of `hss vul-history -o jsonl` as the same models, and scans given to a task
//! decide `codearts-check gate` and come out of `records`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc::codearts_check::{CheckRecord, IssueCounts};
use hwc::hss::{HandleRecord, ImageType};
use hwc_sim::Simulator;
use support::{hwc_with_demo_keys, run};

const VUL: &str = "CVE-2099-0002";
const PROJECT: &str = "fedcba9876543210fedcba9876543210";

#[tokio::test(flavor = "multi_thread")]
async fn hss_fixtures_come_out_of_the_cli_as_the_same_models() {
    let given: Vec<HandleRecord> = (0..5)
        .map(|n| {
            HandleRecord::new()
                .with_image_name(format!("team/app-{n}"))
                .with_user_name("bob")
                .with_handle_type("add_to_whitelist")
                .with_status("vul_status_ignored")
                .with_handle_time(jiff::Timestamp::from_second(1_714_557_600 - n * 3_600).unwrap())
        })
        .collect();
    let sim = Simulator::builder()
        .records(100)
        .hss_records(VUL, ImageType::Local, given.clone())
        .start()
        .await
        .unwrap();
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url(), "-o", "jsonl"])
        .args([
            "hss",
            "vul-history",
            "--vul-id",
            VUL,
            "--image-type",
            "local",
        ]);
    let output = run(command).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let got: Vec<HandleRecord> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(got, given);
}

#[tokio::test(flavor = "multi_thread")]
async fn codearts_fixtures_decide_the_gate_and_come_out_of_records() {
    let scans = |critical| {
        vec![
            CheckRecord::new()
                .with_check_time("2024-05-02 09:00:00")
                .with_check_end_time("2024-05-02 09:03:00")
                .with_issue_counts(IssueCounts::new(critical, 0, 4, 10)),
            CheckRecord::new()
                .with_check_time("2024-05-01 09:00:00")
                .with_check_end_time("2024-05-01 09:05:00")
                .with_issue_counts(IssueCounts::new(0, 0, 0, 0)),
        ]
    };
    let sim = Simulator::builder()
        .records(100)
        .codearts_scans(PROJECT, "passing", scans(0))
        .codearts_scans(PROJECT, "failing", scans(2))
        .start()
        .await
        .unwrap();
    let cli = |args: &[&str]| {
        let mut command = hwc_with_demo_keys();
        command
            .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
            .args(["--endpoint", &sim.base_url()])
            .args(args);
        command
    };
    let gate = |task: &'static str| {
        cli(&[
            "codearts-check",
            "gate",
            "--codearts-project",
            PROJECT,
            "--task-id",
            task,
            "--service-verdict",
        ])
    };
    let passed = run(gate("passing")).await;
    let stdout = String::from_utf8_lossy(&passed.stdout).into_owned();
    assert_eq!(passed.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with("PASS"), "{stdout}");
    let failed = run(gate("failing")).await;
    assert_eq!(
        failed.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&failed.stdout)
    );

    let records = run(cli(&[
        "-o",
        "jsonl",
        "codearts-check",
        "records",
        "--codearts-project",
        PROJECT,
        "--task-id",
        "failing",
    ]))
    .await;
    assert!(records.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(records.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["check_time"]["raw"], "2024-05-02 09:00:00");
    assert_eq!(lines[0]["issue_counts"]["critical"], 2);
    assert_eq!(lines[1]["issue_counts"]["prompt"], 0);
}
