//! The benchmarked clients do the work they are timed for: every record of both queries, at
//! each concurrency, and the load client runs without errors. Small sizes, so it runs in the
//! normal test run; `cargo xtask bench` and `load` run them at full size.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use serde_json::Value;

fn bench(args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_hwc-bench"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// 4,000 records: 250 in the HSS query (2 pages of 200); 2,500 scans (3 pages of 1,000).
async fn small_simulator() -> hwc_sim::Simulator {
    hwc_sim::Simulator::builder()
        .records(4_000)
        .check_records(2_500)
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_client_pages_every_record_of_both_queries() {
    let sim = small_simulator().await;
    let url = sim.base_url();
    for client in ["facade", "raw"] {
        for concurrency in ["1", "4"] {
            for (api, records, pages) in [("hss", 250, 2), ("codearts", 2_500, 3)] {
                let report = bench(&[
                    client,
                    "--endpoint",
                    &url,
                    "--api",
                    api,
                    "--concurrency",
                    concurrency,
                ]);
                assert_eq!(report["records"], records, "{report}");
                assert_eq!(report["pages"], pages, "{report}");
                assert!(report["seconds"].as_f64().unwrap() > 0.0, "{report}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_load_client_reports_latencies_and_no_errors() {
    let sim = small_simulator().await;
    let report = bench(&[
        "load",
        "--endpoint",
        &sim.base_url(),
        "--pagers",
        "4",
        "--seconds",
        "2",
    ]);
    assert_eq!(report["errors"], 0, "{report}");
    assert!(report["requests"].as_u64().unwrap() > 10, "{report}");
    assert!(report["complete_pagings"].as_u64().unwrap() > 0, "{report}");
    let (p50, p99) = (
        report["p50_ms"].as_f64().unwrap(),
        report["p99_ms"].as_f64().unwrap(),
    );
    assert!(p50 > 0.0 && p50 <= p99, "{report}");
}

/// `cargo xtask bench` cannot link the simulator (xtask must build even when the generated
/// code does not), so it repeats the demo credentials and names; they must stay the same.
#[test]
fn the_benchmark_runner_repeats_the_simulators_demo_names_exactly() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../../xtask/src/bench");
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let runner: String = files
        .iter()
        .map(|file| std::fs::read_to_string(file).unwrap())
        .collect();
    for (name, value) in [
        ("PROJECT", hwc_sim::DEMO_PROJECT),
        ("AK", hwc_sim::DEMO_AK),
        ("SK", hwc_sim::DEMO_SK),
    ] {
        let line = format!("pub const {name}: &str = \"{value}\";");
        assert!(runner.contains(&line), "xtask/src/bench/ lacks {line}");
    }
    for text in [hwc_sim::DEMO_VUL_ID, hwc_sim::DEMO_TASK] {
        assert!(
            runner.contains(&format!("\"{text}\"")),
            "xtask/src/bench/ lacks {text}"
        );
    }
}
