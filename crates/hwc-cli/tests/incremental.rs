//! `hss vul-history --since/--until`: what is new since a time costs as few requests as the
//! newest-first order allows, and the boundary is exact.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::{Api, Simulator};
use support::{hwc_with_demo_keys, run};

const QUERY: [&str; 8] = support::DEMO_HSS;

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

/// Runs `args` (jsonl, one page at a time, no retries) with the fifth request failing; returns
/// the lines printed and the command printed to go on.
async fn fail_on_the_fifth_request(
    sim: &Simulator,
    api: Api,
    args: &[&str],
) -> (String, Vec<String>) {
    sim.script(
        api,
        std::iter::repeat_n(hwc_sim::Fault::Slow(std::time::Duration::ZERO), 4)
            .chain([hwc_sim::Fault::ServerError(503)]),
    );
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url(), "--retries", "0"])
        .args(args);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let resume = stderr
        .lines()
        .find_map(|line| line.strip_prefix("hwc: to go on from here: hwc "))
        .unwrap_or_else(|| panic!("no resume command: {stderr}"));
    // The words are plain here (no quoting needed).
    let words = resume.split(' ').map(str::to_owned).collect();
    (String::from_utf8(output.stdout).unwrap(), words)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_all_resumes_where_it_stopped_with_nothing_twice() {
    let sim = Simulator::builder().records(8_000).start().await.unwrap();
    let newest = handle_times(&sim, &["--limit", "200"]).await;
    let until = newest[30].clone();
    for (api, args) in [
        // --until leaves records out of the output: the resume point still counts them.
        (
            Api::Hss,
            [
                &["-o", "jsonl", "--concurrency", "1"][..],
                &QUERY,
                &["--all", "--limit", "20", "--until", until.as_str()],
            ]
            .concat(),
        ),
        (
            Api::Hss,
            [
                &["-o", "jsonl", "--concurrency", "1"][..],
                &QUERY,
                &["--all", "--limit", "50"],
            ]
            .concat(),
        ),
        (
            Api::CodeArtsCheck,
            [
                &["-o", "jsonl", "--concurrency", "1"][..],
                &support::DEMO_RECORDS,
                &["--all", "--limit", "100"],
            ]
            .concat(),
        ),
    ] {
        let mut whole = hwc_with_demo_keys();
        whole
            .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
            .args(["--endpoint", &sim.base_url()])
            .args(&args);
        let whole = String::from_utf8(run(whole).await.stdout).unwrap();

        let (first, resume) = fail_on_the_fifth_request(&sim, api, &args).await;
        assert!(!first.is_empty(), "{api:?}: pages before the failure");
        assert!(resume.contains(&"--offset".to_owned()), "{resume:?}");
        let mut rest = hwc_with_demo_keys();
        rest.env("HUAWEICLOUD_SDK_PROJECT_ID", "p").args(&resume);
        let rest = run(rest).await;
        assert!(
            rest.status.success(),
            "{}",
            String::from_utf8_lossy(&rest.stderr)
        );
        let joined = first + &String::from_utf8(rest.stdout).unwrap();
        assert_eq!(joined.lines().count(), whole.lines().count(), "{api:?}");
        assert_eq!(joined, whole, "{api:?}: the set completed, nothing twice");
    }
}

/// One `--state` run appending jsonl to `out`; the exit code. A failed one must not offer to go
/// on from where it stopped (that would lose or repeat records).
async fn export(sim: &Simulator, state: &std::path::Path, out: &std::path::Path) -> Option<i32> {
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args([
            "--endpoint",
            &sim.base_url(),
            "--retries",
            "0",
            "-o",
            "jsonl",
        ])
        .args(QUERY)
        .arg("--state")
        .arg(state)
        .arg("--append")
        .arg(out);
    let output = run(command).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("to go on from here"), "{stderr}");
    output.status.code()
}

#[tokio::test(flavor = "multi_thread")]
async fn state_exports_every_record_exactly_once_over_runs_even_interrupted_ones() {
    let sim = Simulator::builder().records(4_000).start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (state, out) = (dir.path().join("state.json"), dir.path().join("siem.jsonl"));
    let lines = || std::fs::read_to_string(&out).unwrap_or_default();

    assert_eq!(export(&sim, &state, &out).await, Some(0));
    let first = lines();
    assert!(
        first.lines().count() > 100,
        "the first run exports everything"
    );
    let saved = std::fs::read_to_string(&state).unwrap();

    // Nothing new: nothing appended, one request.
    let before = sim.requests(Api::Hss);
    assert_eq!(export(&sim, &state, &out).await, Some(0));
    assert_eq!(lines(), first);
    assert_eq!(sim.requests(Api::Hss) - before, 1);

    // Records handled since; a run that fails leaves the file and the state as they were.
    sim.add_hss_records(7);
    sim.script(Api::Hss, [hwc_sim::Fault::ServerError(503)]);
    assert_eq!(export(&sim, &state, &out).await, Some(1));
    assert_eq!(lines(), first, "a failed run appends nothing");
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        saved,
        "nor moves the state"
    );

    assert_eq!(export(&sim, &state, &out).await, Some(0));
    let all = lines();
    let added = all.lines().count() - first.lines().count();
    assert!(added > 0, "the new records are exported");
    let distinct: std::collections::HashSet<&str> = all.lines().collect();
    assert_eq!(
        distinct.len(),
        all.lines().count(),
        "no record twice over the runs"
    );

    // The whole result, paged afresh, is exactly what the runs exported together.
    let mut whole = hwc_with_demo_keys();
    whole
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url(), "-o", "jsonl"])
        .args(QUERY)
        .arg("--all");
    let whole = String::from_utf8(run(whole).await.stdout).unwrap();
    let expected: std::collections::HashSet<&str> = whole.lines().collect();
    assert_eq!(distinct, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn appending_csv_writes_the_header_once() {
    let sim = Simulator::builder().records(4_000).start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (state, out) = (dir.path().join("state.json"), dir.path().join("siem.csv"));
    for added in [0, 3] {
        sim.add_hss_records(added);
        let mut command = hwc_with_demo_keys();
        command
            .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
            .args(["--endpoint", &sim.base_url(), "-o", "csv"])
            .args(QUERY)
            .arg("--state")
            .arg(&state)
            .arg("--append")
            .arg(&out);
        assert!(run(command).await.status.success());
    }
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.matches("handle_time,").count(), 1, "one header");
    let mut table = hwc_with_demo_keys();
    table
        .args(["--endpoint", &sim.base_url(), "-o", "table"])
        .args(QUERY)
        .arg("--append")
        .arg(&out);
    let refused = run(table).await;
    assert_eq!(
        refused.status.code(),
        Some(2),
        "--append takes jsonl or csv"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn until_filters_a_single_page_too() {
    let sim = Simulator::builder().records(8_000).start().await.unwrap();
    let newest = handle_times(&sim, &["--limit", "50"]).await;
    let until = &newest[10];
    let page = handle_times(&sim, &["--limit", "50", "--until", until]).await;
    let expected: Vec<&String> = newest.iter().filter(|t| *t <= until).collect();
    assert_eq!(page.iter().collect::<Vec<_>>(), expected);
    assert!(page.len() < newest.len());
}
