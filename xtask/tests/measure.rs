//! `cargo xtask measure`, which every benchmark figure of peak memory rests on: it reports the
//! child's own peak, grows with what the child allocates, and passes failures on.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn measure(python: &str) -> (bool, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("usage.json");
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("measure")
        .arg("--report")
        .arg(&report)
        .args(["--", "python3", "-c", python])
        .status()
        .unwrap();
    let json = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    (status.success(), json)
}

#[test]
fn peak_memory_and_cpu_time_are_the_childs() {
    let (ok, small) = measure("pass");
    assert!(ok);
    let (ok, big) = measure("b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])");
    assert!(ok);
    let small_kib = small["max_rss_kib"].as_u64().unwrap();
    let big_kib = big["max_rss_kib"].as_u64().unwrap();
    assert!(small_kib > 1_000 && small_kib < 100_000, "{small}");
    assert!(big_kib >= small_kib + 200 * 1024, "{small} {big}");
    let (ok, busy) = measure("sum(i * i for i in range(20_000_000))");
    assert!(ok);
    let (small_cpu, busy_cpu) = (
        small["user_seconds"].as_f64().unwrap(),
        busy["user_seconds"].as_f64().unwrap(),
    );
    assert!(busy_cpu > 0.3 && busy_cpu > small_cpu, "{small} {busy}");
}

#[test]
fn a_failing_command_fails_the_measurement() {
    let (ok, usage) = measure("raise SystemExit(3)");
    assert!(!ok);
    assert_eq!(usage["exit_code"], 3);
}
