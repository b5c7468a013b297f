//! The demo data set that docs, tests and examples name exists whatever the seed, and the data
//! is reproducible from its seed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::Simulator;
use support::{DEMO_CHECK_PATH, HSS_PATH, get, token};

async fn total(base: &str, path: &str, field: &str) -> u64 {
    get(base, path, token()).await.json()[field]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn the_demo_vulnerability_and_task_exist_whatever_the_seed() {
    for seed in [0, 1, 42, u64::MAX] {
        let records = 4_000;
        let sim = Simulator::builder()
            .records(records)
            .seed(seed)
            .start()
            .await
            .unwrap();
        let base = sim.base_url();
        let query = |kind: &str| {
            format!(
                "{HSS_PATH}?vul_id=CVE-2021-44228&image_type={kind}&enterprise_project_id=all_granted_eps"
            )
        };
        let registry = total(&base, &query("registry"), "total_num").await;
        let local = total(&base, &query("local"), "total_num").await;
        assert!(registry > 0 && local > 0, "seed {seed}: both image types");
        assert!(
            (registry + local) as usize * 10 >= records,
            "seed {seed}: at least 10% of the records"
        );

        let scans = get(
            &base,
            &format!("{DEMO_CHECK_PATH}?limit=1000&offset=0"),
            token(),
        )
        .await
        .json();
        assert!(scans["total"].as_u64().unwrap() >= 2_000, "seed {seed}");
        let last = get(
            &base,
            &format!("{DEMO_CHECK_PATH}?limit=1&offset=1999"),
            token(),
        )
        .await
        .json();
        let newest = scans["data"][0]["check_time"].as_str().unwrap()[..4]
            .parse::<i32>()
            .unwrap();
        let oldest = last["data"][0]["check_time"].as_str().unwrap()[..4]
            .parse::<i32>()
            .unwrap();
        assert!(
            newest - oldest >= 3,
            "seed {seed}: spread over several years ({oldest}..{newest})"
        );
    }
}

#[tokio::test]
async fn larger_data_sets_have_longer_demo_histories() {
    let sim = Simulator::builder().records(200_000).start().await.unwrap();
    assert_eq!(
        total(&sim.base_url(), DEMO_CHECK_PATH, "total").await,
        4_000
    );
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    let page = |seed: u64| async move {
        let sim = Simulator::builder()
            .records(2_000)
            .seed(seed)
            .start()
            .await
            .unwrap();
        get(
            &sim.base_url(),
            &format!("{HSS_PATH}?vul_id=CVE-2021-44228&image_type=registry&limit=50"),
            token(),
        )
        .await
        .text
    };
    assert_eq!(page(9).await, page(9).await);
    assert_ne!(page(9).await, page(10).await);
}

#[tokio::test]
async fn a_share_of_records_carries_what_the_real_api_sends_beyond_its_tables() {
    let sim = Simulator::builder().records(20_000).start().await.unwrap();
    let base = sim.base_url();
    let mut numeric_ids = 0;
    let mut fixed = 0;
    let mut manual_repair = 0;
    let mut missing_optional = 0;
    for offset in (0..2_000).step_by(200) {
        let page = get(
            &base,
            &format!("{HSS_PATH}?vul_id=CVE-2021-44228&image_type=registry&enterprise_project_id=all_granted_eps&limit=200&offset={offset}"),
            token(),
        )
        .await
        .json();
        for item in page["data_list"].as_array().unwrap() {
            numeric_ids += usize::from(item["image_id"].is_number());
            fixed += usize::from(item["status"] == "vul_status_fixed");
            manual_repair += usize::from(item["handle_type"] == "manual_repair");
            missing_optional +=
                usize::from(item.get("app_path").is_none() || item.get("remark").is_none());
        }
    }
    for (what, count) in [
        ("numeric image_id", numeric_ids),
        ("vul_status_fixed", fixed),
        ("manual_repair", manual_repair),
        ("missing fields", missing_optional),
    ] {
        assert!(count >= 20, "{what}: {count} of 2000");
    }
    assert_eq!(
        fixed, manual_repair,
        "a manual repair leaves the vulnerability fixed"
    );
}
