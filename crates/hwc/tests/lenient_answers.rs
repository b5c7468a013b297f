//! Every answer the official SDK decodes, hwc decodes (`x-hwc-lenient-responses`): `null` in
//! any field, integers as integral floats and numeric strings; and what is still refused, a
//! fraction, a non-numeric string, a number beyond 64 bits, is refused. Per kind of JSON value,
//! for each response type, then a corpus of odd answers through the facade on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use hwc_api::codearts_check::types as codearts;
use hwc_api::hss::types as hss;
use proptest::prelude::*;
use serde_json::{Value, json};

/// A JSON value of one kind, and the integer an integer field must read from it: `Ok(None)`
/// for null, `Ok(Some(n))`, or `Err(())` when it must be refused.
fn integer_kinds() -> impl Strategy<Value = (Value, Result<Option<i64>, ()>)> {
    let huge = (i64::MAX as u64 + 1)..=u64::MAX;
    prop_oneof![
        Just((Value::Null, Ok(None))),
        any::<bool>().prop_map(|b| (Value::Bool(b), Err(()))),
        any::<i64>().prop_map(|n| (json!(n), Ok(Some(n)))),
        huge.clone().prop_map(|n| (json!(n), Err(()))),
        (-(1i64 << 52)..(1i64 << 52)).prop_map(|n| (json!(n as f64 * 1.0 + 0.0), Ok(Some(n)))),
        (-(1i64 << 40)..(1i64 << 40), 1u32..1000)
            .prop_map(|(n, part)| { (json!(n as f64 + f64::from(part) / 1000.0), Err(())) }),
        any::<i64>().prop_map(|n| (json!(n.to_string()), Ok(Some(n)))),
        any::<i64>().prop_map(|n| (json!(format!(" {n} ")), Ok(Some(n)))),
        (-(1i64 << 52)..(1i64 << 52)).prop_map(|n| (json!(format!("{:e}", n as f64)), Ok(Some(n)))),
        huge.prop_map(|n| (json!(n.to_string()), Err(()))),
        // Beyond 2^53 a float may already be another integer than the one sent: refused.
        ((1i64 << 53) + 1..(1i64 << 62)).prop_map(|n| (json!(n as f64), Err(()))),
        "[a-z ]{1,8}".prop_map(|text| (json!(text), Err(()))),
        Just((json!(""), Err(()))),
        Just((json!([1]), Err(()))),
        Just((json!({"n": 1}), Err(()))),
    ]
}

/// Any JSON value at all, for text fields, which take every one.
fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        prop::collection::vec(any::<i64>().prop_map(Value::from), 0..3).prop_map(Value::Array),
        Just(json!({"nested": {"a": [1, "b", null]}})),
    ]
}

/// Decodes `value` as `T`, and checks that what is accepted round-trips.
fn decode<T>(value: &Value) -> Result<T, serde_json::Error>
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let decoded: T = serde_json::from_value(value.clone())?;
    let again: T = serde_json::from_value(serde_json::to_value(&decoded).unwrap()).unwrap();
    assert_eq!(again, decoded, "round trip of {value}");
    Ok(decoded)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn integer_fields_read_integers_integral_floats_and_numeric_strings((value, expected) in integer_kinds()) {
        let read = |got: Result<Option<i64>, serde_json::Error>| got.map_err(|_| ());
        let page = decode::<hss::ListGeneralImageVulOperationsResponse>(&json!({"total_num": value}));
        prop_assert_eq!(read(page.map(|p| p.total_num)), expected);
        let record = decode::<hss::GeneralImageVulOperationsResponseInfo>(&json!({"handle_time": value}));
        prop_assert_eq!(read(record.map(|r| r.handle_time)), expected);
        let page = decode::<codearts::CheckRecordResponse>(&json!({"total": value}));
        prop_assert_eq!(read(page.map(|p| p.total)), expected);
        for name in ["critical", "serious", "normal", "prompt"] {
            let counts = decode::<codearts::CheckRecordIssueCountsInfo>(&json!({name: value}));
            let got = counts.map(|c| match name {
                "critical" => c.critical,
                "serious" => c.serious,
                "normal" => c.normal,
                _ => c.prompt,
            });
            prop_assert_eq!(read(got), expected, "{}", name);
        }
    }

    #[test]
    fn list_fields_take_null_as_empty_and_refuse_other_kinds(value in any_value()) {
        let hss_page = decode::<hss::ListGeneralImageVulOperationsResponse>(&json!({"data_list": value}));
        let codearts_page = decode::<codearts::CheckRecordResponse>(&json!({"data": value}));
        match &value {
            Value::Null => {
                prop_assert!(hss_page.unwrap().data_list.is_empty());
                prop_assert!(codearts_page.unwrap().data.is_empty());
            }
            // A list of numbers is a list of records that are not objects: refused either way.
            Value::Array(items) if items.is_empty() => {
                prop_assert!(hss_page.is_ok() && codearts_page.is_ok());
            }
            _ => prop_assert!(hss_page.is_err() && codearts_page.is_err(), "{}", value),
        }
    }

    #[test]
    fn text_fields_take_any_value_and_null_anywhere_is_absent(value in any_value()) {
        let record = decode::<hss::GeneralImageVulOperationsResponseInfo>(&json!({"image_id": value, "user_name": value, "remark": null}));
        let record = record.unwrap();
        match &value {
            Value::Null => prop_assert!(record.image_id.is_none()),
            Value::String(text) => prop_assert_eq!(record.image_id.as_deref(), Some(text.as_str())),
            other => {
                let text = other.to_string();
                prop_assert_eq!(record.image_id.as_deref(), Some(text.as_str()));
            }
        }
        prop_assert!(record.remark.is_none());
        let scan = decode::<codearts::CheckRecordDataInfo>(&json!({"check_time": value, "issue_counts": null}));
        prop_assert!(scan.unwrap().issue_counts.is_none());
    }
}

/// A server on loopback answering every request with 200 and `body`.
async fn answering(body: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                let _ = stream.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: odd-1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    url
}

fn client(url: &str) -> hwc::Client {
    hwc::Client::builder()
        .ignore_environment()
        .endpoint_for_all(url)
        .credentials(hwc::Credentials::access_key("AK", "SK").unwrap())
        .project_id("p")
        .retry(hwc::RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn odd_answers_decode_through_the_facade_as_the_official_sdk_decodes_them() {
    let hss_corpus = [
        (
            json!({"total_num": 0, "data_list": null}),
            Some((Some(0), vec![])),
        ),
        (
            json!({"total_num": "2", "data_list": [{"handle_time": "1736473343218"}, {"handle_time": 1.736473343218e12}]}),
            Some((
                Some(2),
                vec![Some(1_736_473_343_218), Some(1_736_473_343_218)],
            )),
        ),
        (
            json!({"total_num": null, "data_list": [{"handle_time": null, "image_id": 123456}]}),
            Some((None, vec![None])),
        ),
        (json!({"total_num": "seven", "data_list": []}), None),
        (json!({"total_num": 1.5, "data_list": []}), None),
        (
            json!({"total_num": 18_446_744_073_709_551_615u64, "data_list": []}),
            None,
        ),
        (json!([{"total_num": 1}]), None),
    ];
    for (body, expected) in hss_corpus {
        let url = answering(body.to_string()).await;
        let result = client(&url)
            .hss()
            .image_vul_handle_history("CVE-2021-44228", hwc::hss::ImageType::Registry)
            .send()
            .await;
        match (result, expected) {
            (Ok(page), Some((total, times))) => {
                assert_eq!(page.total.map(|t| t as i64), total, "{body}");
                let got: Vec<Option<i64>> = page.items.iter().map(|r| r.handle_time_ms).collect();
                assert_eq!(got, times, "{body}");
            }
            (
                Err(hwc::Error::Decode {
                    status, request_id, ..
                }),
                None,
            ) => {
                assert_eq!(
                    (status, request_id.as_deref()),
                    (200, Some("odd-1")),
                    "{body}"
                );
            }
            (other, expected) => panic!("{body}: {other:?}, expected {expected:?}"),
        }
    }
    let codearts_corpus = [
        (json!({"total": 0, "data": null}), Some(vec![])),
        (
            json!({"total": "1", "data": [{"check_time": "2026-11-01 08:00:00", "issue_counts": {"critical": "3", "serious": 2.0, "normal": null}}]}),
            Some(vec![(Some(3), Some(2), None)]),
        ),
        (
            json!({"total": 1, "data": [{"issue_counts": {"critical": "3.5"}}]}),
            None,
        ),
    ];
    for (body, expected) in codearts_corpus {
        let url = answering(body.to_string()).await;
        let result = client(&url)
            .codearts_check()
            .check_records("0123456789abcdef0123456789abcdef", "task")
            .send()
            .await;
        match (result, expected) {
            (Ok(page), Some(counts)) => {
                let got: Vec<_> = page
                    .items
                    .iter()
                    .map(|scan| {
                        (
                            scan.issue_counts.critical,
                            scan.issue_counts.serious,
                            scan.issue_counts.normal,
                        )
                    })
                    .collect();
                assert_eq!(got, counts, "{body}");
            }
            (Err(hwc::Error::Decode { .. }), None) => {}
            (other, expected) => panic!("{body}: {other:?}, expected {expected:?}"),
        }
    }
}
