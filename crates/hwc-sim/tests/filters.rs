//! Every documented filter narrows the result to what it names, and `total_num` / `total` count
//! exactly what the pages hold.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::Simulator;
use serde_json::Value;
use support::{DEMO_CHECK_PATH, HSS_PATH, get, token};

const BASE_QUERY: &str =
    "vul_id=CVE-2021-44228&image_type=registry&enterprise_project_id=all_granted_eps";

async fn all_items(base: &str, query: &str) -> (u64, Vec<Value>) {
    let mut items = Vec::new();
    let mut offset = 0;
    loop {
        let page = get(
            base,
            &format!("{HSS_PATH}?{query}&limit=200&offset={offset}"),
            token(),
        )
        .await;
        assert_eq!(page.status, 200, "{}", page.text);
        let page = page.json();
        let batch = page["data_list"].as_array().unwrap().clone();
        let total = page["total_num"].as_u64().unwrap();
        offset += batch.len();
        items.extend(batch);
        if offset as u64 >= total {
            assert_eq!(items.len() as u64, total);
            return (total, items);
        }
    }
}

fn encode(value: &str) -> String {
    hwc_signing::canonical::encode(value).into_owned()
}

#[tokio::test]
async fn every_hss_filter_keeps_exactly_the_matching_records() {
    let sim = Simulator::builder().records(6_000).start().await.unwrap();
    let base = sim.base_url();
    // CVE-2021-44228 is all log4j, so application filters are tried on another vulnerability.
    let other_vul = sim.data().hss.vul_ids()[1].clone();
    let other_query =
        format!("vul_id={other_vul}&image_type=registry&enterprise_project_id=all_granted_eps");
    let (_, demo_items) = all_items(&base, BASE_QUERY).await;
    let sample = demo_items[demo_items.len() / 2].clone();

    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    // (base query, parameter, value to filter on, exact match or a part of the field)
    let cases: Vec<(&str, &str, String, bool)> = vec![
        (BASE_QUERY, "image_id", text(&sample["image_id"]), true),
        (BASE_QUERY, "status", "vul_status_unfix".into(), true),
        (BASE_QUERY, "handle_type", "add_to_whitelist".into(), true),
        (BASE_QUERY, "image_name", "redis".into(), false),
        (BASE_QUERY, "user_name", "devops".into(), false),
        (BASE_QUERY, "app_version", "2.14".into(), false),
        (BASE_QUERY, "remark", "false positive".into(), false),
        (&other_query, "app_name", "openssl".into(), false),
    ];
    for (base_query, parameter, value, exact) in cases {
        let (unfiltered_total, unfiltered) = all_items(&base, base_query).await;
        let query = format!("{base_query}&{parameter}={}", encode(&value));
        let (total, items) = all_items(&base, &query).await;
        let expected: Vec<&Value> = unfiltered
            .iter()
            .filter(|item| {
                let got = item.get(parameter).map(text).unwrap_or_default();
                if exact {
                    got == value
                } else {
                    got.contains(&value)
                }
            })
            .collect();
        assert!(total > 0, "{parameter}={value} matches something");
        assert!(
            total < unfiltered_total,
            "{parameter}={value} filters something out"
        );
        assert_eq!(items.len(), expected.len(), "{parameter}={value}");
        assert!(
            items.iter().zip(&expected).all(|(a, b)| a == *b),
            "{parameter}={value}: same records, same order"
        );
    }
}

#[tokio::test]
async fn enterprise_projects_default_to_the_default_one() {
    let sim = Simulator::builder().records(6_000).start().await.unwrap();
    let base = sim.base_url();
    let query = "vul_id=CVE-2021-44228&image_type=registry";
    let total = |reply: support::Reply| reply.json()["total_num"].as_u64().unwrap();
    let default = total(get(&base, &format!("{HSS_PATH}?{query}"), token()).await);
    let explicit = total(
        get(
            &base,
            &format!("{HSS_PATH}?{query}&enterprise_project_id=0"),
            token(),
        )
        .await,
    );
    let all = total(
        get(
            &base,
            &format!("{HSS_PATH}?{query}&enterprise_project_id=all_granted_eps"),
            token(),
        )
        .await,
    );
    assert_eq!(default, explicit);
    assert!(default < all);
    let mut sum = default;
    for project in &sim.data().hss.enterprise_projects()[1..] {
        sum += total(
            get(
                &base,
                &format!("{HSS_PATH}?{query}&enterprise_project_id={project}"),
                token(),
            )
            .await,
        );
    }
    assert_eq!(sum, all, "the enterprise projects partition the records");
    let unknown = total(
        get(
            &base,
            &format!("{HSS_PATH}?{query}&enterprise_project_id=nope"),
            token(),
        )
        .await,
    );
    assert_eq!(unknown, 0);
}

#[tokio::test]
async fn codearts_time_filters_bound_start_and_end() {
    let sim = Simulator::builder()
        .records(1_000)
        .check_records(2_000)
        .start()
        .await
        .unwrap();
    let base = sim.base_url();
    let all = get(
        &base,
        &format!("{DEMO_CHECK_PATH}?limit=1000&offset=0"),
        token(),
    )
    .await
    .json();
    let newest = all["data"][0].clone();
    let tenth = all["data"][9].clone();
    let start = tenth["check_time"].as_str().unwrap();
    let end = newest["check_end_time"].as_str().unwrap();
    let query = format!("start_time={}&end_time={}", encode(start), encode(end));
    let page = get(
        &base,
        &format!("{DEMO_CHECK_PATH}?{query}&limit=1000"),
        token(),
    )
    .await
    .json();
    assert_eq!(page["total"], 10, "start and end are inclusive");
    assert_eq!(page["data"][0], newest);
    assert_eq!(page["data"][9], tenth);

    let only_start = get(
        &base,
        &format!("{DEMO_CHECK_PATH}?start_time={}", encode(start)),
        token(),
    )
    .await
    .json();
    assert_eq!(only_start["total"], 10);
    let before_tenth = tenth["check_end_time"].as_str().unwrap();
    let only_end = get(
        &base,
        &format!("{DEMO_CHECK_PATH}?end_time={}", encode(before_tenth)),
        token(),
    )
    .await
    .json();
    assert_eq!(only_end["total"], 2_000 - 9);
    let empty = get(
        &base,
        &format!(
            "{DEMO_CHECK_PATH}?start_time={}&end_time={}",
            encode(end),
            encode(start)
        ),
        token(),
    )
    .await
    .json();
    assert_eq!(empty["total"], 0);

    // Older clients sent other forms than today's documented one, so the simulator is lenient:
    // unreadable values filter nothing.
    let unreadable = get(
        &base,
        &format!("{DEMO_CHECK_PATH}?start_time=yesterday&end_time="),
        token(),
    )
    .await;
    assert_eq!(
        (unreadable.status, unreadable.json()["total"].as_u64()),
        (200, Some(2_000))
    );
    // A date and epoch milliseconds are understood too.
    let day = &start[..10];
    let by_day = get(
        &base,
        &format!("{DEMO_CHECK_PATH}?start_time={day}"),
        token(),
    )
    .await
    .json();
    // Exactly the scans that started on or after that day (all within the first 1000).
    let want = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|scan| &scan["check_time"].as_str().unwrap()[..10] >= day)
        .count();
    assert!((10..1_000).contains(&want), "{want}");
    assert_eq!(by_day["total"].as_u64().unwrap() as usize, want);
    let civil = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", start).unwrap();
    let millis = civil
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .unwrap()
        .timestamp()
        .as_millisecond();
    let by_millis = get(
        &base,
        &format!("{DEMO_CHECK_PATH}?start_time={millis}"),
        token(),
    )
    .await
    .json();
    assert_eq!(by_millis["total"], 10);
    // The documented form: UTC, `yyyy-MM-ddTHH:mm:ssZ`.
    let utc = civil
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .unwrap()
        .timestamp()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let by_utc = get(
        &base,
        &format!("{DEMO_CHECK_PATH}?start_time={}", encode(&utc)),
        token(),
    )
    .await
    .json();
    assert_eq!(by_utc["total"], 10, "{utc}");
}
