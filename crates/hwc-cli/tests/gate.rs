//! `hwc codearts-check gate` on data with known counts: passes (exit 0) and fails (exit 4, not
//! 1 or 2) as its thresholds and `--no-increase` say, in words and as JSON.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::{DEMO_PROJECT, DEMO_TASK, Simulator};

/// `gate` of the demo task with `rules`; exit code and stdout.
async fn gate(sim: &Simulator, rules: &[&str]) -> (Option<i32>, String) {
    support::gate(&sim.base_url(), rules).await
}

#[tokio::test(flavor = "multi_thread")]
async fn thresholds_and_no_increase_decide_the_exit_code() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let newest = sim
        .data()
        .codearts
        .query(DEMO_PROJECT, DEMO_TASK, None, None, 0, 2)
        .items;
    let (latest, previous) = (&newest[0].issue_counts, &newest[1].issue_counts);
    let (critical, serious) = (latest.critical.to_string(), latest.serious.to_string());

    let (code, out) = gate(
        &sim,
        &["--max-critical", &critical, "--max-serious", &serious],
    )
    .await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("PASS: the scan of demo-task"), "{out}");

    let below = (latest.serious - 1).to_string();
    let (code, out) = gate(
        &sim,
        &["--max-critical", &critical, "--max-serious", &below],
    )
    .await;
    assert_eq!(code, Some(4), "{out}");
    assert!(
        out.starts_with("FAIL:") && out.contains("fails 1 of 2 checks"),
        "{out}"
    );

    // No increase: pass or fail as the two newest scans really compare.
    for (name, now, before) in [
        ("critical", latest.critical, previous.critical),
        ("serious", latest.serious, previous.serious),
        ("normal", latest.normal, previous.normal),
    ] {
        let (code, out) = gate(&sim, &["--no-increase", name]).await;
        let expected = if now <= before { 0 } else { 4 };
        assert_eq!(code, Some(expected), "{name}: {now} after {before}: {out}");
    }

    let (code, out) = gate(
        &sim,
        &[
            "--max-normal",
            "0",
            "--no-increase",
            "critical,serious",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(code, Some(4));
    let verdict: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(verdict["passed"], false);
    assert_eq!(verdict["checks"].as_array().unwrap().len(), 3);
    assert_eq!(verdict["checks"][0]["severity"], "critical");
    assert_eq!(verdict["checks"][0]["rule"], "no increase");
    assert_eq!(verdict["checks"][0]["latest"], latest.critical);
    assert_eq!(verdict["checks"][0]["previous"], previous.critical);
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_to_judge_fails_and_no_rule_is_a_usage_error() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let (code, out) = gate(
        &sim,
        &[
            "--max-critical",
            "0",
            "--start-time",
            "2099-01-01T00:00:00Z",
        ],
    )
    .await;
    assert_eq!(code, Some(4), "{out}");
    assert!(out.contains("no scan of the task in the window"), "{out}");
    let (code, _) = gate(&sim, &[]).await;
    assert_eq!(code, Some(2), "a gate without a rule is a usage error");
}
