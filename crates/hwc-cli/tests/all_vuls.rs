//! `hss vul-history --all-vuls`: every vulnerability of the project found and paged exactly
//! once, under faults, and the per-vulnerability state of an incremental export across runs.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use std::collections::BTreeMap;

use hwc_sim::{Fault, Simulator};
use support::{hwc_with_demo_keys, run};

const PROJECT: [&str; 2] = ["--enterprise-project-id", "all_granted_eps"];

/// `hwc hss vul-history --all-vuls -o jsonl` with `extra` against `sim`: the records printed.
async fn all_vuls(sim: &Simulator, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url(), "-o", "jsonl"])
        .args(["hss", "vul-history", "--all-vuls"])
        .args(PROJECT)
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

/// How many records each (vul_id, image_type) has in the simulator's data, with its severity.
fn expected(sim: &Simulator, added: usize) -> BTreeMap<(String, String), (usize, String)> {
    let filters = hwc_sim::data::hss::Filters(
        [(
            "enterprise_project_id".to_owned(),
            "all_granted_eps".to_owned(),
        )]
        .into(),
    );
    sim.image_vulnerabilities(Some("all_granted_eps"))
        .into_iter()
        .map(|(vul_id, image_type, severity)| {
            let total = sim
                .data()
                .hss
                .query(&vul_id, image_type == "local", &filters, 0, 0, added)
                .total;
            (
                (vul_id, image_type.to_owned()),
                (total, severity.to_owned()),
            )
        })
        .collect()
}

/// The records of `lines` counted by (vul_id, image_type), with the severity they carry.
fn counted(lines: &[serde_json::Value]) -> BTreeMap<(String, String), (usize, String)> {
    let mut counts: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    for line in lines {
        let key = (
            line["vul_id"].as_str().unwrap().to_owned(),
            line["image_type"].as_str().unwrap().to_owned(),
        );
        let severity = line["severity_level"].as_str().unwrap().to_owned();
        let entry = counts.entry(key).or_insert((0, severity.clone()));
        assert_eq!(entry.1, severity, "one severity per vulnerability");
        entry.0 += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread")]
async fn every_vulnerability_is_paged_exactly_once_under_faults() {
    let faults = ["429", "503", "drop", "busy"]
        .iter()
        .map(|kind| kind.parse::<Fault>().unwrap())
        .collect();
    let sim = Simulator::builder()
        .records(3_000)
        .vulnerabilities(300)
        .random_faults(0.1, faults, 11)
        .lockout(None)
        .start()
        .await
        .unwrap();
    let want = expected(&sim, 0);
    // Some drawn vulnerabilities have no records, and are not listed.
    assert!(want.len() < 2 * 300, "{} pairs", want.len());
    assert!(want.len() > 300, "{} pairs", want.len());
    let lines = all_vuls(&sim, &["--limit", "50"]).await;
    assert_eq!(counted(&lines), want);
    let records: usize = want.values().map(|(count, _)| count).sum();
    assert_eq!(lines.len(), records);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_vulnerability_keeps_its_own_watermark_across_runs() {
    let sim = Simulator::builder()
        .records(2_000)
        .vulnerabilities(100)
        .unseen_vulnerabilities(5)
        .start()
        .await
        .unwrap();
    let directory = tempfile::tempdir().unwrap();
    let state = directory.path().join("state.json");
    let target = directory.path().join("records.jsonl");
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
    assert!(
        all_vuls(&sim, &export).await.is_empty(),
        "written to the file"
    );
    let first = read();
    assert_eq!(counted(&first), expected(&sim, 0));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(
        saved["vulnerabilities"].as_object().unwrap().len(),
        expected(&sim, 0).len(),
        "a watermark per vulnerability and image type"
    );

    // Two records handled since, on every vulnerability: exactly those are appended.
    sim.add_hss_records(2);
    all_vuls(&sim, &export).await;
    let second = read();
    let new = &second[first.len()..];
    let per_pair = counted(new);
    assert_eq!(per_pair.len(), expected(&sim, 0).len());
    assert!(
        per_pair.values().all(|(count, _)| *count == 2),
        "{per_pair:?}"
    );
    assert_eq!(counted(&second), expected(&sim, 2));

    // Nothing new: nothing appended.
    all_vuls(&sim, &export).await;
    assert_eq!(read().len(), second.len());

    // A state of every vulnerability is not one of a single one.
    let mut single = hwc_with_demo_keys();
    single
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url(), "-o", "jsonl"])
        .args(["hss", "vul-history", "--vul-id", hwc_sim::DEMO_VUL_ID])
        .args(["--image-type", "local"])
        .args(PROJECT)
        .args(["--state", state.to_str().unwrap()]);
    let output = run(single).await;
    assert!(!output.status.success());
}
