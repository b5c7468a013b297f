//! `hss vul-history --since/--until`: what is new since a time costs as few requests as the
//! newest-first order allows, and the boundary is exact.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::{Api, Simulator};
use support::{hwc_with_demo_keys, run};

const QUERY: [&str; 8] = [
    "hss",
    "vul-history",
    "--vul-id",
    "CVE-2021-44228",
    "--image-type",
    "registry",
    "--enterprise-project-id",
    "all_granted_eps",
];

/// `hwc -o jsonl` of the query with `extra`, against `sim`; the `handle_time`s printed.
async fn handle_times(sim: &Simulator, extra: &[&str]) -> Vec<String> {
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url(), "-o", "jsonl"])
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
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            record["handle_time"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn since_costs_one_request_when_the_first_page_reaches_it() {
    let sim = Simulator::builder().records(8_000).start().await.unwrap();
    let newest = handle_times(&sim, &["--limit", "200"]).await;
    let since = &newest[4];
    let before = sim.requests(Api::Hss);
    let new = handle_times(&sim, &["--since", since]).await;
    assert_eq!(sim.requests(Api::Hss) - before, 1, "one request");
    let expected: Vec<&String> = newest.iter().take_while(|t| *t >= since).collect();
    assert_eq!(new.iter().collect::<Vec<_>>(), expected);
    assert!(new.len() >= 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_boundary_on_page_three_requests_at_most_concurrency_pages_past_it() {
    let sim = Simulator::builder().records(8_000).start().await.unwrap();
    let newest = handle_times(&sim, &["--limit", "200"]).await;
    // Record 25 of pages of 10: the boundary is on the third page.
    let since = &newest[25];
    let until = &newest[3];
    let before = sim.requests(Api::Hss);
    let new = handle_times(
        &sim,
        &["--since", since, "--limit", "10", "--concurrency", "4"],
    )
    .await;
    let requested = sim.requests(Api::Hss) - before;
    assert!(
        (3..=3 + 4).contains(&requested),
        "{requested} requests for a boundary on page 3"
    );
    let expected: Vec<&String> = newest.iter().take_while(|t| *t >= since).collect();
    assert_eq!(new.iter().collect::<Vec<_>>(), expected);

    // --until leaves out what is newer.
    let window = handle_times(&sim, &["--since", since, "--until", until]).await;
    let expected: Vec<&String> = expected.into_iter().filter(|t| *t <= until).collect();
    assert_eq!(window.iter().collect::<Vec<_>>(), expected);
    assert!(!window.is_empty() && window.len() < new.len());
}
