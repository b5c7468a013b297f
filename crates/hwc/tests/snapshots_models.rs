//! Snapshots of what users see: the public models decoded from both API pages' examples and
//! from the deviations FACTS.md lists, the JSON Schema of each public model, and how each kind
//! of error reads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use hwc::codearts_check::{CheckRecord, IssueCounts, ScanTime};
use hwc::hss::HandleRecord;
use hwc_api::codearts_check::types as codearts;
use hwc_api::hss::types as hss;
use serde_json::json;

fn page_example(file: &str, marker: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec/reference")
        .join(file);
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find(marker).unwrap() + marker.len();
    let body = &text[start..];
    let open = body.find('{').unwrap();
    // The example is the first balanced JSON object after the marker.
    let mut depth = 0;
    for (index, c) in body[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return body[open..=open + index].to_owned();
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced example in {file}");
}

#[test]
fn hss_models_from_the_page_example_and_deviations() {
    let text = page_example(
        "hss-v5-image-vulnerability-handle-history.txt",
        "Example Responses",
    );
    let page: hss::ListGeneralImageVulOperationsResponse = serde_json::from_str(&text).unwrap();
    let records: Vec<HandleRecord> = page.data_list.into_iter().map(HandleRecord::from).collect();
    insta::assert_json_snapshot!("hss_page_example", records);

    let deviations: hss::ListGeneralImageVulOperationsResponse = serde_json::from_value(json!({
        "data_list": [
            {"image_id": {"repo": "x"}, "handle_time": 253402300800000_i64, "status": 7},
            {}
        ]
    }))
    .unwrap();
    let records: Vec<HandleRecord> = deviations
        .data_list
        .into_iter()
        .map(HandleRecord::from)
        .collect();
    assert_eq!(records[0].handle_time, None, "beyond Timestamp's range");
    assert_eq!(records[0].handle_time_ms, Some(253_402_300_800_000));
    insta::assert_json_snapshot!("hss_deviations", records);
}

#[test]
fn codearts_models_from_the_page_example_and_deviations() {
    let text = page_example("codearts-check-v2-checkrecord.txt", "Request succeeded!");
    let page: codearts::CheckRecordResponse = serde_json::from_str(&text).unwrap();
    let records: Vec<CheckRecord> = page.data.into_iter().map(CheckRecord::from).collect();
    assert_eq!(
        records[0]
            .check_time
            .as_ref()
            .unwrap()
            .instant
            .unwrap()
            .to_string(),
        "2020-02-20T03:37:46Z",
        "read as UTC+08:00"
    );
    insta::assert_json_snapshot!("codearts_page_example", records);

    let deviations: codearts::CheckRecordResponse = serde_json::from_value(json!({
        "data": [{"check_time": "20/02/2020", "issue_counts": {"critical": 1}}, {}]
    }))
    .unwrap();
    let records: Vec<CheckRecord> = deviations.data.into_iter().map(CheckRecord::from).collect();
    assert_eq!(
        records[0].check_time,
        Some(ScanTime::parse("20/02/2020".into()))
    );
    assert_eq!(records[0].check_time.as_ref().unwrap().instant, None);
    assert_eq!(records[1].issue_counts, IssueCounts::default());
    insta::assert_json_snapshot!("codearts_deviations", records);
}

#[test]
fn json_schemas_of_the_public_models() {
    insta::assert_json_snapshot!("schema_handle_record", schemars::schema_for!(HandleRecord));
    insta::assert_json_snapshot!("schema_check_record", schemars::schema_for!(CheckRecord));
}
