//! Properties over arbitrary input: canonical encoding agrees with an independent reference for
//! any Unicode, decoding any JSON never panics, and open enums round-trip any text.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use hwc::canonical;
use hwc_api::hss::types as hss;
use proptest::prelude::*;
use serde_json::Value;

/// RFC 3986 percent-encoding written out byte by byte, independent of the crate's encoder.
fn reference_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn reference_query(pairs: &[(String, String)]) -> String {
    let mut sorted = pairs.to_vec();
    sorted.sort();
    sorted
        .iter()
        .map(|(n, v)| format!("{}={}", reference_encode(n), reference_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("total_num".to_owned()),
                    Just("data_list".to_owned()),
                    Just("image_id".to_owned()),
                    Just("handle_time".to_owned()),
                    Just("status".to_owned()),
                    Just("total".to_owned()),
                    Just("data".to_owned()),
                    Just("issue_counts".to_owned()),
                    Just("check_time".to_owned()),
                    ".{0,6}"
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn encoding_agrees_with_the_reference(text in "\\PC{0,24}") {
        prop_assert_eq!(canonical::encode(&text).into_owned(), reference_encode(&text));
    }

    #[test]
    fn canonical_queries_agree_and_decode_back(pairs in prop::collection::vec(("\\PC{0,8}", "\\PC{0,8}"), 0..6)) {
        let canonical_query = canonical::canonical_query(&pairs);
        prop_assert_eq!(&canonical_query, &reference_query(&pairs));
        // What goes on the wire parses back to the same pairs, sorted.
        let mut sorted = pairs.clone();
        sorted.sort();
        let parsed = if canonical_query.is_empty() { Vec::new() } else { canonical::parse_query(&canonical_query).into_iter().map(|(n, v)| (n.into_owned(), v.into_owned())).collect() };
        prop_assert_eq!(parsed, sorted);
    }

    #[test]
    fn canonical_uris_encode_each_segment(segments in prop::collection::vec("[^/%]{0,8}", 1..5)) {
        let raw_path = format!("/{}", segments.iter().map(|s| reference_encode(s)).collect::<Vec<_>>().join("/"));
        let expected = format!("/{}/", segments.iter().map(|s| reference_encode(s)).collect::<Vec<_>>().join("/"));
        let expected = if expected.ends_with("//") { expected[..expected.len() - 1].to_owned() } else { expected };
        prop_assert_eq!(canonical::canonical_uri(&raw_path), expected);
    }

    #[test]
    fn decoding_any_json_never_panics(value in any_json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        if let Ok(page) = serde_json::from_slice::<hss::ListGeneralImageVulOperationsResponse>(&bytes) {
            // Any record the generated type accepts has a model (the conversion cannot fail),
            // whose JSON reads back the same.
            for record in page.data_list {
                let model = hwc::hss::HandleRecord::from(record);
                let again: hwc::hss::HandleRecord =
                    serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
                prop_assert_eq!(again, model);
            }
        }
        if let Ok(page) = serde_json::from_slice::<hwc_api::codearts_check::types::CheckRecordResponse>(&bytes) {
            let _: Vec<hwc::codearts_check::CheckRecord> = page.data.into_iter().map(Into::into).collect();
        }
        let _ = hwc::ApiError::from_body("Op", 500, &bytes, None, None);
    }

    #[test]
    fn open_enums_round_trip_any_text(text in "\\PC{0,16}") {
        let status = hss::ReportedVulStatus::from(text.as_str());
        prop_assert_eq!(status.as_str(), text.as_str());
        let json = serde_json::to_string(&status).unwrap();
        let back: hss::ReportedVulStatus = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, status);
    }
}
