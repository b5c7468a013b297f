//! Offset paging: defaults, bounds, exact multiples, offsets past the end, and totals that agree
//! with the data.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use std::collections::HashSet;

use hwc_sim::Simulator;
use support::{DEMO_CHECK_PATH, HSS_PATH, get, token};

async fn sim() -> Simulator {
    Simulator::builder()
        .records(8_000)
        .check_records(2_000)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn defaults_are_those_of_the_spec() {
    let sim = sim().await;
    let base = sim.base_url();
    let hss = get(
        &base,
        &format!("{HSS_PATH}?vul_id=CVE-2021-44228&image_type=registry"),
        token(),
    )
    .await;
    assert_eq!(hss.status, 200, "{}", hss.text);
    assert_eq!(hss.json()["data_list"].as_array().unwrap().len(), 10);
    let checks = get(&base, DEMO_CHECK_PATH, token()).await;
    assert_eq!(checks.json()["data"].as_array().unwrap().len(), 10);
    assert_eq!(checks.json()["total"], 2_000);
}

#[tokio::test]
async fn paging_through_returns_every_record_once_newest_first() {
    let sim = sim().await;
    let base = sim.base_url();
    let query = "vul_id=CVE-2021-44228&image_type=local&enterprise_project_id=all_granted_eps";
    let first = get(&base, &format!("{HSS_PATH}?{query}&limit=200"), token())
        .await
        .json();
    let total = first["total_num"].as_u64().unwrap() as usize;
    assert!(total > 400, "{total}");
    let mut seen = Vec::new();
    let mut offset = 0;
    while offset < total {
        let page = get(
            &base,
            &format!("{HSS_PATH}?{query}&limit=200&offset={offset}"),
            token(),
        )
        .await
        .json();
        assert_eq!(
            page["total_num"], total,
            "the total stays the same on every page"
        );
        let items = page["data_list"].as_array().unwrap();
        assert_eq!(items.len(), (total - offset).min(200));
        seen.extend(items.iter().cloned());
        offset += 200;
    }
    assert_eq!(seen.len(), total);
    let times: Vec<i64> = seen
        .iter()
        .map(|item| item["handle_time"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let distinct: HashSet<String> = seen.iter().map(|item| item.to_string()).collect();
    assert_eq!(distinct.len(), total, "every record once");
}

#[tokio::test]
async fn exact_multiples_end_with_a_full_page_then_an_empty_one_in_every_paging_mode() {
    use hwc_sim::CodeArtsPaging::{Page0, Page1, Record};
    let cases: [(hwc_sim::CodeArtsPaging, &[(u64, usize)]); 3] = [
        (Page0, &[(0, 1_000), (1, 1_000), (2, 0), (5, 0)]),
        (Page1, &[(0, 1_000), (1, 1_000), (2, 1_000), (3, 0)]),
        (
            Record,
            &[
                (0, 1_000),
                (1_000, 1_000),
                (2_000, 0),
                (1_999, 1),
                (5_000, 0),
            ],
        ),
    ];
    for (paging, offsets) in cases {
        let sim = Simulator::builder()
            .records(1_000)
            .check_records(2_000)
            .codearts_paging(paging)
            .start()
            .await
            .unwrap();
        let base = sim.base_url();
        let mut pages = Vec::new();
        for &(offset, expected) in offsets {
            let page = get(
                &base,
                &format!("{DEMO_CHECK_PATH}?limit=1000&offset={offset}"),
                token(),
            )
            .await;
            assert_eq!(page.status, 200);
            let json = page.json();
            assert_eq!(
                json["data"].as_array().unwrap().len(),
                expected,
                "{paging}: offset {offset}"
            );
            assert_eq!(
                json["total"], 2_000,
                "{paging}: the total is given past the end too"
            );
            pages.push(json["data"].clone());
        }
        match paging {
            Page1 => assert_eq!(pages[0], pages[1], "offset 0 is the first page too"),
            _ => assert_ne!(pages[0], pages[1]),
        }
    }
}

#[tokio::test]
async fn offsets_past_the_end_and_the_largest_allowed_offset_are_empty_pages() {
    let sim = sim().await;
    let base = sim.base_url();
    let page = get(
        &base,
        &format!("{HSS_PATH}?vul_id=CVE-2021-44228&image_type=registry&offset=2000000"),
        token(),
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.json()["data_list"].as_array().unwrap().is_empty());
    assert!(page.json()["total_num"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn limit_bounds_are_inclusive() {
    let sim = sim().await;
    let base = sim.base_url();
    let hss =
        |limit: u32| format!("{HSS_PATH}?vul_id=CVE-2021-44228&image_type=registry&limit={limit}");
    for (limit, status) in [(9, 400), (10, 200), (200, 200), (201, 400)] {
        assert_eq!(
            get(&base, &hss(limit), token()).await.status,
            status,
            "HSS limit {limit}"
        );
    }
    for (limit, status) in [(0, 400), (1, 200), (1_000, 200), (1_001, 400)] {
        let reply = get(&base, &format!("{DEMO_CHECK_PATH}?limit={limit}"), token()).await;
        assert_eq!(reply.status, status, "CodeArts limit {limit}");
    }
    let page = get(&base, &hss(200), token()).await.json();
    assert_eq!(page["data_list"].as_array().unwrap().len(), 200);
}

#[tokio::test]
async fn unknown_vulnerabilities_and_tasks_have_no_records() {
    let sim = sim().await;
    let base = sim.base_url();
    let hss = get(
        &base,
        &format!("{HSS_PATH}?vul_id=CVE-1999-0001&image_type=registry"),
        token(),
    )
    .await;
    assert_eq!(
        (hss.status, hss.json()["total_num"].as_u64()),
        (200, Some(0))
    );
    let checks = get(
        &base,
        "/v2/ffffffffffffffffffffffffffffffff/tasks/nope/checkrecord",
        token(),
    )
    .await;
    assert_eq!(
        (checks.status, checks.json()["total"].as_u64()),
        (200, Some(0))
    );
}

#[tokio::test]
async fn records_added_while_paging_come_first_and_shift_the_rest() {
    let sim = sim().await;
    let base = sim.base_url();
    let path = format!("{HSS_PATH}?vul_id=CVE-2021-44228&image_type=registry&limit=10");
    let before = get(&base, &path, token()).await.json();
    sim.add_hss_records(3);
    let after = get(&base, &path, token()).await.json();
    assert_eq!(
        after["total_num"].as_u64().unwrap(),
        before["total_num"].as_u64().unwrap() + 3
    );
    for index in 0..3 {
        assert_eq!(after["data_list"][index]["remark"], "added while paging");
    }
    assert_eq!(
        after["data_list"][3], before["data_list"][0],
        "everything else moved down by 3"
    );
    let times: Vec<i64> = after["data_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["handle_time"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "still newest first");
}
