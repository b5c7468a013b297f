//! The generated types decode what the real APIs send: both pages' example responses as written
//! on the pages, and every deviation FACTS.md lists (numeric ids, values outside the documented
//! enums, missing arrays, numbers and objects in string fields, integers beyond 32 bits).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_api::codearts_check::types as codearts;
use hwc_api::hss::types as hss;
use serde_json::json;
use support::api_page;

fn page_example(page: &str, status: u16) -> String {
    api_page::load(page)
        .example_texts
        .remove(&status)
        .unwrap_or_else(|| panic!("{page} has no example for {status}"))
}

const HSS_PAGE: &str = "hss-v5-image-vulnerability-handle-history.txt";
const CODEARTS_PAGE: &str = "codearts-check-v2-checkrecord.txt";

#[test]
fn hss_page_example_decodes_with_its_deviations() {
    let text = page_example(HSS_PAGE, 200);
    let page: hss::ListGeneralImageVulOperationsResponse =
        serde_json::from_str(&text).expect("the page's own example decodes");
    assert_eq!(page.total_num, Some(1));
    let record = &page.data_list[0];
    // Documented as String, sent as a number.
    assert_eq!(record.image_id.as_deref(), Some("123456"));
    // Outside the documented lists: kept verbatim as Unknown.
    assert_eq!(
        record.handle_type,
        Some(hss::ReportedHandleType::Unknown("manual_repair".into()))
    );
    assert_eq!(
        record.status,
        Some(hss::ReportedVulStatus::Unknown("vul_status_fixed".into()))
    );
    assert_eq!(record.handle_time, Some(1_736_473_343_218));
    insta::assert_debug_snapshot!("hss_page_example", page);

    // Encoding keeps the unknown values' raw text; the id is now text.
    let encoded = serde_json::to_value(&page).expect("encodes");
    assert_eq!(encoded["data_list"][0]["handle_type"], "manual_repair");
    assert_eq!(encoded["data_list"][0]["status"], "vul_status_fixed");
    assert_eq!(encoded["data_list"][0]["image_id"], "123456");
}

#[test]
fn codearts_page_examples_decode() {
    let page: codearts::CheckRecordResponse =
        serde_json::from_str(&page_example(CODEARTS_PAGE, 200)).expect("200 example decodes");
    assert_eq!(page.total, Some(100));
    assert_eq!(page.data.len(), 2);
    let first = &page.data[0];
    assert_eq!(first.check_time.as_deref(), Some("2020-02-20 11:37:46"));
    assert_eq!(first.check_end_time.as_deref(), Some("2020-02-20 11:47:46"));
    let counts = first.issue_counts.as_ref().expect("issue counts");
    assert_eq!(
        (
            counts.critical,
            counts.serious,
            counts.normal,
            counts.prompt
        ),
        (Some(0), Some(1), Some(2), Some(3))
    );
    insta::assert_debug_snapshot!("codearts_page_example_200", page);

    let busy: codearts::ErrorBody =
        serde_json::from_str(&page_example(CODEARTS_PAGE, 400)).expect("400 example decodes");
    assert_eq!(busy.error_code.as_deref(), Some("CC.00000000"));
    assert_eq!(
        busy.error_msg.as_deref(),
        Some("The network is busy. Please try again later.")
    );
    let expired: codearts::ErrorBody =
        serde_json::from_str(&page_example(CODEARTS_PAGE, 401)).expect("401 example decodes");
    assert_eq!(expired.error_code.as_deref(), Some("CC.00000003"));
    insta::assert_debug_snapshot!("codearts_page_examples_errors", (busy, expired));
}

#[test]
fn missing_fields_and_arrays_decode_as_absent_and_empty() {
    let empty: hss::ListGeneralImageVulOperationsResponse =
        serde_json::from_str("{}").expect("empty object");
    assert_eq!(empty.total_num, None);
    assert!(empty.data_list.is_empty());

    let no_list: hss::ListGeneralImageVulOperationsResponse =
        serde_json::from_str(r#"{"total_num": 0}"#).expect("no data_list");
    assert!(no_list.data_list.is_empty());

    let bare_record: hss::ListGeneralImageVulOperationsResponse =
        serde_json::from_str(r#"{"data_list": [{}]}"#).expect("record with no fields");
    assert_eq!(
        bare_record.data_list[0],
        hss::GeneralImageVulOperationsResponseInfo::default()
    );

    let nulls: hss::GeneralImageVulOperationsResponseInfo = serde_json::from_value(json!({
        "image_id": null, "status": null, "handle_time": null, "remark": null
    }))
    .expect("nulls");
    assert_eq!(nulls, hss::GeneralImageVulOperationsResponseInfo::default());

    let codearts_bare: codearts::CheckRecordResponse =
        serde_json::from_str(r#"{"data": [{"check_time": "2020-02-20 11:37:46"}]}"#)
            .expect("no total, no counts");
    assert_eq!(codearts_bare.total, None);
    assert_eq!(codearts_bare.data[0].issue_counts, None);
    assert!(
        serde_json::from_str::<codearts::CheckRecordResponse>("{}")
            .expect("empty")
            .data
            .is_empty()
    );
}

#[test]
fn other_json_values_in_string_fields_are_kept_as_text() {
    let record: hss::GeneralImageVulOperationsResponseInfo = serde_json::from_value(json!({
        "image_id": 123456,
        "image_name": {"repo": "nginx", "tag": "1.25"},
        "app_version": 1.5,
        "remark": true,
        "agent_id": ["a", 1],
        "user_name": "",
        "not_in_the_spec": "ignored"
    }))
    .expect("decodes");
    assert_eq!(record.image_id.as_deref(), Some("123456"));
    assert_eq!(
        record.image_name.as_deref(),
        Some(r#"{"repo":"nginx","tag":"1.25"}"#)
    );
    assert_eq!(record.app_version.as_deref(), Some("1.5"));
    assert_eq!(record.remark.as_deref(), Some("true"));
    assert_eq!(record.agent_id.as_deref(), Some(r#"["a",1]"#));
    assert_eq!(record.user_name.as_deref(), Some(""));

    let scan: codearts::CheckRecordDataInfo =
        serde_json::from_value(json!({"check_time": 1582170466, "check_end_time": "x"}))
            .expect("decodes");
    assert_eq!(scan.check_time.as_deref(), Some("1582170466"));

    let error: hss::ErrorBody =
        serde_json::from_value(json!({"error_code": 401, "error_msg": {"detail": "no"}}))
            .expect("decodes");
    assert_eq!(error.error_code.as_deref(), Some("401"));
    assert_eq!(error.error_msg.as_deref(), Some(r#"{"detail":"no"}"#));
}

#[test]
fn integers_beyond_32_bits_decode() {
    let page: hss::ListGeneralImageVulOperationsResponse = serde_json::from_value(json!({
        "total_num": 5_000_000_000_i64,
        "data_list": [{"handle_time": 253_402_300_799_000_i64}]
    }))
    .expect("decodes");
    assert_eq!(page.total_num, Some(5_000_000_000));
    let counts: codearts::CheckRecordIssueCountsInfo =
        serde_json::from_value(json!({"critical": 4_294_967_296_i64, "prompt": 0}))
            .expect("decodes");
    assert_eq!(counts.critical, Some(4_294_967_296));
    assert_eq!(counts.serious, None);
}

#[test]
fn open_enums_know_the_documented_values_and_round_trip_the_rest() {
    assert_eq!(
        hss::ReportedVulStatus::KNOWN,
        ["vul_status_unfix", "vul_status_ignored"]
    );
    assert_eq!(
        hss::ReportedHandleType::KNOWN,
        ["ignore", "not_ignore", "add_to_whitelist"]
    );
    for value in hss::ReportedHandleType::KNOWN {
        let parsed: hss::ReportedHandleType = serde_json::from_value(json!(value)).expect("known");
        assert!(parsed.is_known(), "{value}");
        assert_eq!(parsed.as_str(), *value);
        assert_eq!(
            serde_json::to_value(&parsed).expect("encodes"),
            json!(value)
        );
    }
    assert_eq!(
        hss::ReportedHandleType::from("ignore"),
        hss::ReportedHandleType::Ignore
    );
    assert_eq!(
        hss::ReportedVulStatus::from("vul_status_ignored"),
        hss::ReportedVulStatus::VulStatusIgnored
    );

    for raw in ["vul_status_fixed", "", "VUL_STATUS_UNFIX", "ünïcödé"] {
        let parsed: hss::ReportedVulStatus =
            serde_json::from_value(json!(raw)).expect("any string");
        assert_eq!(parsed, hss::ReportedVulStatus::Unknown(raw.to_owned()));
        assert!(!parsed.is_known());
        assert_eq!(parsed.to_string(), raw);
        assert_eq!(serde_json::to_value(&parsed).expect("encodes"), json!(raw));
    }
    let numeric: hss::ReportedVulStatus = serde_json::from_value(json!(7)).expect("a number");
    assert_eq!(numeric, hss::ReportedVulStatus::Unknown("7".into()));
}

#[test]
fn request_enums_stay_closed() {
    use std::str::FromStr;
    assert_eq!(
        hss::ImageType::from_str("registry").ok(),
        Some(hss::ImageType::Registry)
    );
    assert_eq!(
        hss::ImageType::from_str("local").ok(),
        Some(hss::ImageType::Local)
    );
    assert!(hss::ImageType::from_str("docker").is_err());
    assert!(hss::VulStatus::from_str("vul_status_fixed").is_err());
    assert!(hss::HandleType::from_str("manual_repair").is_err());
}

#[test]
fn broken_bodies_are_errors_not_panics() {
    for body in [
        r#"{"data_list": 5}"#,
        r#"{"data_list": [5]}"#,
        r#"{"total_num": "many"}"#,
        r#"{"total_num": 1.5}"#,
        r#"{"data_list": [{"handle_time": "yesterday"}]}"#,
        r#"{"total_num": 1, "data_list": [{"image_id": 1}"#,
        "<html>502 Bad Gateway</html>",
        "",
    ] {
        assert!(
            serde_json::from_str::<hss::ListGeneralImageVulOperationsResponse>(body).is_err(),
            "{body}"
        );
    }
    assert!(serde_json::from_str::<codearts::CheckRecordResponse>(r#"{"data": {}}"#).is_err());
}
