//! What the CLI's output promises: `--all -o json` streams one document as pages arrive,
//! `hwc ... | head` ends quietly, a file that cannot be written is named with its own exit code
//! (3; 1 stays "API or network"), and every time is RFC 3339 in UTC.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::io::Read;
use std::process::Stdio;

mod support;

use assert_cmd::Command;
use hwc_sim::{Api, Fault, Simulator};
use support::{DEMO_RECORDS as RECORDS, hwc_with_demo_keys as hwc, run};

/// `hwc --all -o json` of the demo task, 100 records a page, one page at a time.
fn json_pages(sim: &Simulator) -> Command {
    let mut command = hwc();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args([
            "--endpoint",
            &sim.base_url(),
            "-o",
            "json",
            "--concurrency",
            "1",
        ])
        .args(RECORDS)
        .args(["--all", "--limit", "100"]);
    command
}

#[tokio::test(flavor = "multi_thread")]
async fn all_as_json_streams_one_document_as_pages_arrive() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let whole = run(json_pages(&sim)).await;
    assert!(whole.status.success());
    let document: serde_json::Value = serde_json::from_slice(&whole.stdout).unwrap();
    assert_eq!(document["count"], 2_000);
    assert_eq!(document["total"], 2_000);
    assert_eq!(document["items"].as_array().unwrap().len(), 2_000);

    // The fifth request fails and is not retried: the four pages before it were already
    // printed when it failed (`slow=0ms` is a clean answer that uses up a place in the script).
    sim.script(
        Api::CodeArtsCheck,
        std::iter::repeat_n(Fault::Slow(std::time::Duration::ZERO), 4)
            .chain([Fault::ServerError(503)]),
    );
    let mut command = json_pages(&sim);
    command.args(["--retries", "0"]);
    let partial = run(command).await;
    assert_eq!(partial.status.code(), Some(1));
    let text = String::from_utf8(partial.stdout).unwrap();
    assert_eq!(
        text.matches("\"check_time\"").count(),
        400,
        "the four pages before the failure were printed as they arrived"
    );
    // Still one valid document, which says it is not complete.
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["complete"], false);
    assert_eq!(document["count"], 400);
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hwc"))
        .env_clear()
        .env("HOME", "/nonexistent-home")
        .args(["--sim", "-o", "jsonl"])
        .args(["hss", "vul-history", "--vul-id", "CVE-2021-44228"])
        .args([
            "--image-type",
            "registry",
            "--enterprise-project-id",
            "all_granted_eps",
            "--all",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 256];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "as `| head` expects");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_file_that_cannot_be_written_is_named_with_exit_3() {
    let output = hwc()
        .args(["--sim", "codearts-check", "trend"])
        .args(["--codearts-project", "0123456789abcdef0123456789abcdef"])
        .args([
            "--task-id",
            "demo-task",
            "--svg",
            "/nonexistent-dir/trend.svg",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("/nonexistent-dir/trend.svg"), "{stderr}");
}

#[test]
fn every_time_is_rfc_3339_in_utc() {
    for (args, column) in [
        (support::DEMO_HSS.to_vec(), "handle_time"),
        (RECORDS.to_vec(), "check_time"),
    ] {
        let output = hwc()
            .args(["--sim", "-o", "csv"])
            .args(&args)
            .output()
            .unwrap();
        assert!(output.status.success());
        let text = String::from_utf8(output.stdout).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let at = header.iter().position(|c| *c == column).unwrap();
        let mut seen = 0;
        for line in lines {
            let cell = line.split(',').nth(at).unwrap();
            let instant: jiff::Timestamp = cell.parse().unwrap_or_else(|e| panic!("{cell}: {e}"));
            assert!(cell.ends_with('Z'), "{cell}");
            assert_eq!(instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(), cell);
            seen += 1;
        }
        assert!(seen > 0, "{column}");
    }
}
