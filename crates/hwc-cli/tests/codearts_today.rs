//! `hwc codearts-check` against CodeArts Check as documented today: `--all` is exact whichever
//! way the service counts `offset`, `--region` reaches the current endpoint, the official SDKs'
//! override names (current and legacy) route requests, and a dead endpoint fails over.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::{CodeArtsPaging, DEMO_PROJECT, DEMO_TASK, Fault, Simulator};
use support::{DEMO_RECORDS as RECORDS, hwc_with_demo_keys as hwc, run};

const SCANS: usize = 2_000;
const WINDOW: usize = 40;

fn check_times(output: &std::process::Output) -> Vec<String> {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            record["check_time"]["raw"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn all_is_exact_whatever_offset_counts() {
    for paging in CodeArtsPaging::ALL {
        for fault_rate in [0.0, 0.1] {
            let faults = ["429", "503", "drop", "busy"]
                .iter()
                .map(|kind| kind.parse::<Fault>().unwrap())
                .collect();
            let sim = Simulator::builder()
                .records(500)
                .check_records(SCANS)
                .codearts_paging(paging)
                .random_faults(fault_rate, faults, 5)
                .lockout(None)
                .start()
                .await
                .unwrap();
            let all: Vec<String> = sim.data().codearts.check_times(DEMO_PROJECT, DEMO_TASK);
            // The window's start as RFC 3339 with the API's +08:00, which the CLI converts.
            let window_start = format!("{}+08:00", all[WINDOW - 1].replace(' ', "T"));
            for page_size in ["1", "7", "1000"] {
                for concurrency in ["1", "4"] {
                    let mut command = hwc();
                    command
                        .args(["--endpoint", &sim.base_url(), "-o", "jsonl"])
                        .args(["--concurrency", concurrency, "--retries", "8"])
                        .args(RECORDS)
                        .args(["--all", "--limit", page_size]);
                    let want = if page_size == "1" {
                        command.args(["--start-time", &window_start]);
                        &all[..WINDOW]
                    } else {
                        &all[..]
                    };
                    let got = check_times(&run(command).await);
                    assert_eq!(
                        got, want,
                        "{paging}, faults {fault_rate}, --limit {page_size}, --concurrency {concurrency}"
                    );
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_undecidable_server_exits_1_naming_the_problem() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let mut command = hwc();
    command
        .args(["--endpoint", &sim.base_url(), "-o", "jsonl"])
        .args([
            "codearts-check",
            "records",
            "--codearts-project",
            DEMO_PROJECT,
        ])
        .args(["--task-id", hwc_sim::ALIKE_TASK, "--all", "--limit", "7"]);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot tell how the server counts offset"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing printed as if complete");
}

#[test]
fn offset_help_says_what_offset_means_for_each_operation() {
    let help = |args: &[&str]| {
        let output = hwc().args(args).arg("--help").output().unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let records = help(&["codearts-check", "records"]);
    assert!(
        records.contains("The page to ask for, sent as given"),
        "{records}"
    );
    assert!(records.contains("number of pages to skip"), "{records}");
    let history = help(&["hss", "vul-history"]);
    assert!(history.contains("Index of the first record"), "{history}");
}

/// One page through `--region cn-north-4` with the environment `env` adds.
async fn via_region(env: &[(&str, String)]) -> std::process::Output {
    let mut command = hwc();
    command
        .args(["--region", "cn-north-4", "-o", "jsonl"])
        .args(RECORDS)
        .args(["--limit", "2"]);
    for (name, value) in env {
        command.env(name, value);
    }
    run(command).await
}

#[tokio::test(flavor = "multi_thread")]
async fn region_overrides_read_codeartscheck_and_the_legacy_codecheck() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    for variable in [
        "HUAWEICLOUD_SDK_REGION_CODEARTSCHECK_CN_NORTH_4",
        "HUAWEICLOUD_SDK_REGION_CODECHECK_CN_NORTH_4",
    ] {
        let output = via_region(&[(variable, sim.base_url())]).await;
        assert_eq!(check_times(&output).len(), 2, "{variable}");
    }
    let dir = tempfile::tempdir().unwrap();
    for name in ["CODEARTSCHECK", "CodeCheck"] {
        let file = dir.path().join(format!("{name}.yaml"));
        std::fs::write(
            &file,
            format!(
                "{name}:\n  - id: cn-north-4\n    endpoint: {}\n",
                sim.base_url()
            ),
        )
        .unwrap();
        let output =
            via_region(&[("HUAWEICLOUD_SDK_REGIONS_FILE", file.display().to_string())]).await;
        assert_eq!(check_times(&output).len(), 2, "regions.yaml under {name}");
    }
    // A dead first endpoint in the list: the next one answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let output = via_region(&[(
        "HUAWEICLOUD_SDK_REGION_CODEARTSCHECK_CN_NORTH_4",
        format!("{dead},{}", sim.base_url()),
    )])
    .await;
    assert_eq!(check_times(&output).len(), 2, "failed over");
}
