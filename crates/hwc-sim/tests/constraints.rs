//! Every constraint of `spec/` answers 400 `APIGW.0201` naming the parameter (an empty path
//! segment too). The cases are
//! derived from the generated descriptors, so a constraint added to the spec is tested too.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_api::descriptor::{Location, Operation, ParameterSchema};
use hwc_sim::Simulator;
use support::{get, token};

/// A valid value for each parameter of the two operations.
fn valid(name: &str) -> &'static str {
    match name {
        "project_id" => "0123456789abcdef0123456789abcdef",
        "task_id" => "demo-task",
        "vul_id" => "CVE-2021-44228",
        "image_type" => "registry",
        "status" => "vul_status_ignored",
        "handle_type" => "ignore",
        "limit" => "10",
        "offset" => "0",
        "start_time" => "2020-02-20 11:37:46",
        "end_time" => "2030-02-20 11:37:46",
        _ => "x",
    }
}

/// Values that break one constraint of the schema, each with what it breaks.
fn violations(schema: &ParameterSchema) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    match *schema {
        ParameterSchema::Text {
            min_length,
            max_length,
            ..
        } => {
            if let Some(min) = min_length.filter(|&m| m > 0) {
                out.push(("x".repeat(min as usize - 1), "below minLength"));
            }
            if let Some(max) = max_length {
                out.push(("x".repeat(max as usize + 1), "above maxLength"));
            }
        }
        ParameterSchema::Choice { values, .. } => {
            out.push((format!("{}-not", values[0]), "not in enum"));
            out.push((values[0].to_uppercase(), "case differs"));
        }
        // One value of a list, sent once: what breaks a value breaks the list.
        ParameterSchema::List { items, .. } => out.extend(violations(items)),
        ParameterSchema::Integer { .. } => {
            // Documented bounds, or the bounds of the integer format (int32) where none are.
            let (min, max) = hwc_api::validate::integer_bounds(schema);
            out.push((format!("{}", i128::from(min) - 1), "below the minimum"));
            out.push((format!("{}", i128::from(max) + 1), "above the maximum"));
            out.push(("ten".to_owned(), "not an integer"));
            out.push(("1.5".to_owned(), "not an integer"));
        }
    }
    out
}

fn request(operation: &Operation, overrides: &[(&str, Option<&str>)]) -> String {
    let value_of = |name: &str| -> Option<String> {
        match overrides.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => value.map(str::to_owned),
            None => Some(valid(name).to_owned()),
        }
    };
    let mut path = operation.path.to_owned();
    let mut query = Vec::new();
    for parameter in operation.parameters {
        let Some(value) = value_of(parameter.name) else {
            continue;
        };
        let encoded = hwc_signing::canonical::encode(&value).into_owned();
        match parameter.location {
            Location::Path => path = path.replace(&format!("{{{}}}", parameter.name), &encoded),
            Location::Query
                if parameter.required || overrides.iter().any(|(n, _)| *n == parameter.name) =>
            {
                query.push(format!("{}={encoded}", parameter.name));
            }
            Location::Query => {}
        }
    }
    format!("{path}?{}", query.join("&"))
}

#[tokio::test]
async fn every_documented_constraint_answers_400_naming_the_parameter() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let base = sim.base_url();
    let mut checked = 0;
    for operation in [
        &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS,
        &hwc_api::codearts_check::spec::CHECK_RECORD,
    ] {
        let ok = get(&base, &request(operation, &[]), token()).await;
        assert_eq!(
            ok.status, 200,
            "{}: the valid call passes: {}",
            operation.id, ok.text
        );
        for parameter in operation.parameters {
            for (value, broken) in violations(&parameter.schema) {
                let reply = get(
                    &base,
                    &request(operation, &[(parameter.name, Some(&value))]),
                    token(),
                )
                .await;
                let context = format!(
                    "{} {}={value:.20}… ({broken})",
                    operation.id, parameter.name
                );
                assert_eq!(reply.status, 400, "{context}: {}", reply.text);
                assert_eq!(reply.error_code(), "APIGW.0201", "{context}");
                let message = reply.json()["error_msg"].as_str().unwrap().to_owned();
                assert!(message.contains(parameter.name), "{context}: {message}");
                assert_eq!(reply.json()["request_id"], reply.request_id(), "{context}");
                checked += 1;
            }
            if parameter.required && parameter.location == Location::Query {
                let reply = get(
                    &base,
                    &request(operation, &[(parameter.name, None)]),
                    token(),
                )
                .await;
                assert_eq!(
                    reply.status, 400,
                    "{} without {}",
                    operation.id, parameter.name
                );
                assert!(reply.text.contains(parameter.name));
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 30,
        "only {checked} violations were derived from the spec"
    );
}

#[tokio::test]
async fn repeated_and_unknown_parameters_and_empty_path_segments_are_refused() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let base = sim.base_url();
    let hss = &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS;
    let twice = format!("{}&limit=20&limit=30", request(hss, &[]));
    assert_eq!(get(&base, &twice, token()).await.status, 400);
    let unknown = format!("{}&page=2", request(hss, &[]));
    assert_eq!(get(&base, &unknown, token()).await.status, 400);
    let empty_segment = get(&base, "/v2//tasks/demo-task/checkrecord", token()).await;
    assert_eq!(
        (empty_segment.status, empty_segment.error_code().as_str()),
        (400, "APIGW.0201")
    );
    assert!(
        empty_segment.text.contains("project_id"),
        "{}",
        empty_segment.text
    );
    let wrong_method = support::client()
        .post(format!("{base}/v2/p/tasks/t/checkrecord"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status().as_u16(), 404);
}
