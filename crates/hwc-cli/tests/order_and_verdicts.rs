//! What relies on newest first is checked against answers that come oldest first (`--since`,
//! `--state`, `gate`); a gate fails closed on times it cannot read; the exit codes of `gate` and
//! `config` do not depend on whether stdout is open; `config` passes only Huawei Cloud answers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use std::collections::HashSet;

use hwc_sim::{DEMO_PROJECT, DEMO_TASK, Order, Simulator};
use support::{DEMO_RECORDS, gate, hwc_with_demo_keys, run};

const QUERY: [&str; 8] = support::DEMO_HSS;

/// The JSON lines `hwc -o jsonl <query> <extra>` prints against `url`.
async fn jsonl(url: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", url, "-o", "jsonl"])
        .args(QUERY)
        .args(extra);
    let output = run(command).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn time(record: &serde_json::Value) -> String {
    record["handle_time"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn since_and_state_are_right_when_records_come_oldest_first() {
    let sim = Simulator::builder()
        .records(4_000)
        .order(Order::Oldest)
        .start()
        .await
        .unwrap();
    let url = sim.base_url();
    let all = jsonl(&url, &["--all"]).await;
    assert!(all.len() > 100);
    assert!(time(&all[0]) < time(&all[all.len() - 1]), "oldest first");
    let mut times: Vec<String> = all.iter().map(time).collect();
    times.sort();
    let since = times[times.len() / 2].clone();
    let new = jsonl(&url, &["--since", &since]).await;
    let expected: Vec<&serde_json::Value> = all.iter().filter(|r| time(r) >= since).collect();
    assert_eq!(
        new.iter().collect::<Vec<_>>(),
        expected,
        "every record since, none older"
    );

    // An incremental export over runs, with records handled between them.
    let dir = tempfile::tempdir().unwrap();
    let (state, out) = (dir.path().join("state.json"), dir.path().join("out.jsonl"));
    let export = || {
        let mut command = hwc_with_demo_keys();
        command
            .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
            .args(["--endpoint", &url, "-o", "jsonl"])
            .args(QUERY)
            .arg("--state")
            .arg(&state)
            .arg("--append")
            .arg(&out);
        command
    };
    assert!(run(export()).await.status.success());
    sim.add_hss_records(9);
    assert!(run(export()).await.status.success());
    let lines: Vec<String> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let distinct: HashSet<&String> = lines.iter().collect();
    assert_eq!(distinct.len(), lines.len(), "nothing twice");
    let whole: HashSet<String> = jsonl(&url, &["--all"])
        .await
        .iter()
        .map(|record| record.to_string())
        .collect();
    let exported: HashSet<String> = lines
        .iter()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(exported, whole, "everything once");
}

#[tokio::test(flavor = "multi_thread")]
async fn gate_judges_the_latest_scan_when_scans_come_oldest_first() {
    let sim = Simulator::builder()
        .records(100)
        .order(Order::Oldest)
        .start()
        .await
        .unwrap();
    let newest = sim
        .data()
        .codearts
        .query(DEMO_PROJECT, DEMO_TASK, None, None, 0, 2)
        .items;
    let critical = newest[0].issue_counts.critical;
    let at = |n: u32| n.to_string();
    let (code, out) = gate(
        &sim.base_url(),
        &["--max-critical", &at(critical), "-o", "json"],
    )
    .await;
    assert_eq!(code, Some(0), "{out}");
    let verdict: serde_json::Value = serde_json::from_str(&out).unwrap();
    let expected = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", &newest[0].check_time)
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .unwrap()
        .timestamp()
        .to_string();
    assert_eq!(verdict["latest_scan"], expected.as_str(), "{out}");
    if critical > 0 {
        let (code, out) = gate(&sim.base_url(), &["--max-critical", &at(critical - 1)]).await;
        assert_eq!(code, Some(4), "{out}");
    }
}

/// A CodeArts Check API on loopback answering `scans` (JSON objects) for every task.
async fn serving_scans(scans: serde_json::Value) -> String {
    support::serve(move |_| {
        let total = scans.as_array().map_or(0, Vec::len);
        (
            200,
            serde_json::json!({"total": total, "data": scans}).to_string(),
        )
    })
    .await
}

fn scan(check_time: serde_json::Value, critical: u32) -> serde_json::Value {
    serde_json::json!({
        "check_time": check_time,
        "check_end_time": "2026-11-01 09:00:00",
        "issue_counts": {"critical": critical, "serious": 0, "normal": 0, "prompt": 0}
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gate_never_skips_a_scan_whose_time_it_cannot_read() {
    for unreadable in [
        serde_json::Value::Null,
        serde_json::json!("sometime last week"),
        serde_json::json!(""),
    ] {
        // The API's first scan has 5 critical issues and no readable time; the one after it
        // has none. The first is the latest: the gate fails.
        let url = serving_scans(serde_json::json!([
            scan(unreadable.clone(), 5),
            scan(serde_json::json!("2026-11-01 08:00:00"), 0)
        ]))
        .await;
        let (code, out) = gate(&url, &["--max-critical", "0"]).await;
        assert_eq!(code, Some(4), "{unreadable}: {out}");
    }
    // Oldest first (both times known and rising), and a third scan without a time: the latest
    // cannot be told, and the gate fails saying so.
    let url = serving_scans(serde_json::json!([
        scan(serde_json::json!("2026-11-01 08:00:00"), 0),
        scan(serde_json::json!("2026-11-02 08:00:00"), 0),
        scan(serde_json::Value::Null, 0)
    ]))
    .await;
    let (code, out) = gate(&url, &["--max-critical", "0"]).await;
    assert_eq!(code, Some(4), "{out}");
    assert!(out.contains("the latest scan cannot be told"), "{out}");
}

/// Runs `hwc args` (demo keys, project `p`) with its standard output a pipe whose reader has
/// gone.
async fn with_stdout_closed(args: &[&str]) -> std::process::Output {
    let mut command = support::hwc_process(args);
    let (reader, writer) = nix::unistd::pipe().unwrap();
    drop(reader);
    command
        .stdout(std::process::Stdio::from(writer))
        .stderr(std::process::Stdio::piped());
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn gate_and_config_exit_codes_do_not_depend_on_stdout() {
    let url = serving_scans(serde_json::json!([
        scan(serde_json::json!("2026-11-02 08:00:00"), 5),
        scan(serde_json::json!("2026-11-01 08:00:00"), 0)
    ]))
    .await;
    for format in ["table", "json"] {
        let (code, out) = gate(&url, &["--max-critical", "0", "-o", format]).await;
        assert_eq!(code, Some(4), "{format}: {out}");
        let args = [
            &[
                "--endpoint",
                url.as_str(),
                "-o",
                format,
                "codearts-check",
                "gate",
            ][..],
            &DEMO_RECORDS[2..],
            &["--max-critical", "0"],
        ]
        .concat();
        let closed = with_stdout_closed(&args).await;
        assert_eq!(
            closed.status.code(),
            Some(4),
            "{format}, stdout closed: {}",
            String::from_utf8_lossy(&closed.stderr)
        );
    }
    // config: a failing check exits 1 with stdout closed too.
    let closed = with_stdout_closed(&["--endpoint", "http://127.0.0.1:1", "config"]).await;
    assert_eq!(closed.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn config_fails_against_a_web_server_that_is_not_huawei_cloud() {
    for (status, body) in [
        (404, "<html><body>Not Found</body></html>".to_owned()),
        (404, String::new()),
        (
            404,
            r#"{"error_code":"APIGW.0101","error_msg":"The API does not exist or has not been published in the environment"}"#
                .to_owned(),
        ),
        (
            502,
            r#"{"error_code":"APIGW.0201","error_msg":"bad gateway"}"#.to_owned(),
        ),
    ] {
        let answer = body.clone();
        let url = support::serve(move |_| (status, answer.clone())).await;
        let mut command = hwc_with_demo_keys();
        command
            .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
            .args(["--endpoint", &url, "--retries", "0", "config"]);
        let output = run(command).await;
        let out = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{status} {body}: {out}");
        assert!(!out.contains("ok: signed call accepted"), "{status} {body}: {out}");
    }
    // The service's own "not found" for the probe's ids passes: the call got through.
    let url = support::serve(|_| {
        (
            404,
            r#"{"error_code":"CC.00000004","error_msg":"task not found"}"#.to_owned(),
        )
    })
    .await;
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &url, "config"]);
    let output = run(command).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}
