//! `hss host-vul-history`: `--since` asks for the newest first and stops there, and `--state`
//! exports each record once across runs, known by its `id`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::Simulator;
use support::{hwc_with_demo_keys, run};

async fn host_history(sim: &Simulator, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url(), "-o", "jsonl"])
        .args(["hss", "host-vul-history", "--enterprise-project-id", "0"])
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

fn ids(records: &[serde_json::Value]) -> Vec<String> {
    records
        .iter()
        .map(|record| record["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn since_stops_at_the_first_older_page() {
    let sim = Simulator::builder()
        .host_records(1_000)
        .start()
        .await
        .unwrap();
    let all = host_history(&sim, &["--all", "--limit", "50"]).await;
    assert_eq!(all.len(), 1_000);
    // The 120th newest record's time: --since gets those at or after it, in few requests.
    let times: Vec<i64> = all
        .iter()
        .map(|record| record["handle_time"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|pair| pair[0] >= pair[1]),
        "newest first"
    );
    let since = jiff::Timestamp::from_millisecond(times[119])
        .unwrap()
        .to_string();
    let operation = hwc::hss::LIST_VUL_HANDLE_HISTORY;
    let (before, _) = sim.operation_requests(operation);
    let new = host_history(&sim, &["--since", &since, "--limit", "50"]).await;
    let (after, _) = sim.operation_requests(operation);
    let expected: Vec<String> = all
        .iter()
        .zip(&times)
        .filter(|(_, time)| **time >= times[119])
        .map(|(record, _)| record["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids(&new), expected);
    assert!(
        after - before < 20,
        "{} requests for 3 pages",
        after - before
    );
    let asked = sim.last_request(hwc_sim::Api::Hss).unwrap();
    assert!(
        asked
            .query
            .contains(&("sort_key".into(), "handle_time".into()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn state_exports_each_record_once_by_its_id() {
    let sim = Simulator::builder()
        .host_records(500)
        .start()
        .await
        .unwrap();
    let directory = tempfile::tempdir().unwrap();
    let state = directory.path().join("host.state");
    let target = directory.path().join("host.jsonl");
    let export = [
        "--state",
        state.to_str().unwrap(),
        "--append",
        target.to_str().unwrap(),
    ];
    let read = || -> Vec<serde_json::Value> {
        std::fs::read_to_string(&target)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    };
    host_history(&sim, &export).await;
    let first = read();
    assert_eq!(first.len(), 500);
    sim.add_host_records(7);
    host_history(&sim, &export).await;
    let second = read();
    assert_eq!(second.len(), 507, "the 7 new ones appended");
    let unique: std::collections::BTreeSet<String> = ids(&second).into_iter().collect();
    assert_eq!(unique.len(), 507, "each once");
    host_history(&sim, &export).await;
    assert_eq!(read().len(), 507, "nothing new, nothing appended");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_flag_is_repeated_once_per_value() {
    let sim = Simulator::builder()
        .host_records(300)
        .start()
        .await
        .unwrap();
    let records = host_history(
        &sim,
        &[
            "--status",
            "vul_status_ignored",
            "--status",
            "vul_status_unfix",
            "--all",
        ],
    )
    .await;
    assert!(!records.is_empty() && records.len() < 300);
    assert!(records.iter().all(|record| {
        let status = record["status"].as_str().unwrap();
        status == "vul_status_ignored" || status == "vul_status_unfix"
    }));
    // A value outside the spec's list is refused by the command line.
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url()])
        .args(["hss", "host-vul-history", "--enterprise-project-id", "0"])
        .args(["--status", "vul_status_gone"]);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("vul_status_gone"));
}
