//! The odd answers the official SDK decodes come out of `hwc -o jsonl` too: null lists, counts
//! and times sent as strings or floats; and a count that is no whole number is an error (exit 1)
//! naming where it is.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use serde_json::json;
use support::{hwc_with_demo_keys, run};

/// `hwc -o jsonl args` against a server answering `body`: exit code, lines, stderr.
async fn jsonl(
    body: serde_json::Value,
    args: &[&str],
) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let text = body.to_string();
    let url = support::serve(move |_| (200, text.clone())).await;
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &url, "--retries", "0", "-o", "jsonl"])
        .args(args);
    let output = run(command).await;
    let lines = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (
        output.status.code(),
        lines,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn odd_answers_come_out_of_the_command_line() {
    let (code, lines, stderr) = jsonl(
        json!({"total_num": 0, "data_list": null}),
        &support::DEMO_HSS,
    )
    .await;
    assert_eq!((code, lines.len()), (Some(0), 0), "{stderr}");

    let (code, lines, stderr) = jsonl(
        json!({"total_num": "2", "data_list": [
            {"handle_time": "1736473343218", "user_name": "a"},
            {"handle_time": 1.736473343218e12, "user_name": "b"}
        ]}),
        &support::DEMO_HSS,
    )
    .await;
    assert_eq!(code, Some(0), "{stderr}");
    let times: Vec<&str> = lines
        .iter()
        .map(|l| l["handle_time"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        ["2025-01-10T01:42:23.218Z", "2025-01-10T01:42:23.218Z"]
    );

    let (code, lines, stderr) =
        jsonl(json!({"total": 0, "data": null}), &support::DEMO_RECORDS).await;
    assert_eq!((code, lines.len()), (Some(0), 0), "{stderr}");

    let (code, lines, stderr) = jsonl(
        json!({"total": 1, "data": [{"check_time": "2026-11-01 08:00:00", "issue_counts": {"critical": "3", "serious": 1.0}}]}),
        &support::DEMO_RECORDS,
    )
    .await;
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(lines[0]["issue_counts"]["critical"], 3, "{lines:?}");
    assert_eq!(lines[0]["issue_counts"]["serious"], 1, "{lines:?}");

    // Not a whole number: an error naming the field, never a truncated count.
    let (code, _, stderr) = jsonl(
        json!({"total": 1, "data": [{"issue_counts": {"critical": 2.5}}]}),
        &support::DEMO_RECORDS,
    )
    .await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("data[0].issue_counts.critical"), "{stderr}");
}
