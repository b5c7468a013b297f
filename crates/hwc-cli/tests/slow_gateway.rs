//! A gateway whose flow control allows far fewer requests than the documented 200 a second:
//! a default `--all` settles under it instead of spending its retries on throttled answers.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::{Api, Simulator};
use support::{hwc_with_demo_keys, run};

#[tokio::test(flavor = "multi_thread")]
async fn a_default_all_completes_against_a_gateway_allowing_10_requests_a_second() {
    let sim = Simulator::builder()
        .records(6_000)
        .rate_limit(Some("10/s".parse().unwrap()))
        .start()
        .await
        .unwrap();
    let all_projects = hwc_sim::data::hss::Filters(
        [(
            "enterprise_project_id".to_owned(),
            "all_granted_eps".to_owned(),
        )]
        .into(),
    );
    let expected = sim
        .data()
        .hss
        .query(hwc_sim::DEMO_VUL_ID, false, &all_projects, 0, 0, 0)
        .total;
    for run_number in 1..=5 {
        let mut command = hwc_with_demo_keys();
        command
            .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
            .args(["--endpoint", &sim.base_url(), "-o", "jsonl"])
            .args(support::DEMO_HSS)
            .args(["--all", "--limit", "10"]);
        let output = run(command).await;
        assert!(
            output.status.success(),
            "run {run_number}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let lines = String::from_utf8(output.stdout).unwrap().lines().count();
        assert_eq!(lines, expected, "run {run_number}: every record");
    }
    assert!(sim.throttled(Api::Hss) > 0, "the gateway did throttle");
}
