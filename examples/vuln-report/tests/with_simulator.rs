//! The user's test with the simulator's fixtures: the data the test needs, in hwc's models,
//! served over HTTP on loopback by `hwc-sim`.

#![allow(clippy::unwrap_used)] // Tests state their expectations by panicking.

use hwc::codearts_check::{CheckRecord, IssueCounts};
use hwc::hss::{HandleRecord, ImageType};
use hwc::test_util::simulator_client;
use hwc_sim::{Api, DEMO_AK, DEMO_SK, Simulator};

fn record(user: &str, hour: i64) -> HandleRecord {
    HandleRecord::new()
        .with_image_name("team/web")
        .with_user_name(user)
        .with_handle_type("ignore")
        .with_handle_time(jiff::Timestamp::from_second(1_714_557_600 + hour * 3_600).unwrap())
}

#[tokio::test]
async fn the_report_counts_every_record_of_every_page() {
    // 450 records: three pages of 200 at the API's default page size.
    let records: Vec<_> = (0..450)
        .map(|n| record(["ana", "bo", "cy"][n % 3], n as i64))
        .collect();
    let sim = Simulator::builder()
        .records(100)
        .hss_records("CVE-2024-0001", ImageType::Registry, records.clone())
        .start()
        .await
        .unwrap();
    let client = simulator_client(&sim.base_url(), DEMO_AK, DEMO_SK)
        .unwrap()
        .build()
        .unwrap();

    let report = vuln_report::handlers(&client, "CVE-2024-0001")
        .await
        .unwrap();
    assert_eq!(report.by_user.values().sum::<usize>(), 450);
    assert_eq!(report.by_user["ana"], 150);
    assert_eq!(report.newest, records.last().cloned());
    assert!(sim.received(Api::Hss).len() >= 3, "paged");
}

#[tokio::test]
async fn a_task_is_releasable_by_its_latest_scan_only() {
    let sim = Simulator::builder()
        .records(100)
        .codearts_scans(
            "0123456789abcdef0123456789abcdef",
            "web",
            [
                CheckRecord::new()
                    .with_check_time("2024-05-02 09:00:00")
                    .with_issue_counts(IssueCounts::new(0, 2, 30, 90)),
                CheckRecord::new()
                    .with_check_time("2024-05-01 09:00:00")
                    .with_issue_counts(IssueCounts::new(4, 9, 30, 90)),
            ],
        )
        .start()
        .await
        .unwrap();
    let client = simulator_client(&sim.base_url(), DEMO_AK, DEMO_SK)
        .unwrap()
        .build()
        .unwrap();
    let project = "0123456789abcdef0123456789abcdef";
    assert!(
        vuln_report::releasable(&client, project, "web", 2)
            .await
            .unwrap()
    );
    assert!(
        !vuln_report::releasable(&client, project, "web", 1)
            .await
            .unwrap()
    );
    assert!(
        !vuln_report::releasable(&client, project, "never-scanned", 9)
            .await
            .unwrap()
    );
}
