//! Every constraint in `spec/*.yaml` is enforced by the facade before anything is sent. The
//! cases are read from the YAML files themselves (not from the generated descriptors), so the
//! spec and the facade cannot drift apart.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::path::Path;

use hwc::hss::{HandleType, ImageType, VulStatus};
use hwc::{Client, Credentials, Error, RetryPolicy};
use serde_json::Value;

fn spec(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../spec")
        .join(file);
    serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => document.pointer(reference.trim_start_matches('#')).unwrap(),
        None => value,
    }
}

/// Values breaking one constraint of a parameter schema, read from the YAML.
fn violations(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(min) = schema["minLength"].as_u64().filter(|&m| m > 0) {
        out.push("x".repeat(min as usize - 1));
    }
    if let Some(max) = schema["maxLength"].as_u64() {
        out.push("x".repeat(max as usize + 1));
    }
    if schema["type"] == "integer" {
        let (format_min, format_max) = if schema["format"] == "int32" {
            (i64::from(i32::MIN), i64::from(i32::MAX))
        } else {
            (i64::MIN, i64::MAX)
        };
        let min = schema["minimum"].as_i64().unwrap_or(format_min);
        let max = schema["maximum"].as_i64().unwrap_or(format_max);
        if min > 0 || schema["minimum"].is_i64() {
            out.push((i128::from(min) - 1).to_string());
        }
        out.push((i128::from(max) + 1).to_string());
    }
    if let Some(values) = schema["enum"].as_array() {
        out.push(format!("{}-not-listed", values[0].as_str().unwrap()));
    }
    out
}

fn client() -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all("http://127.0.0.1:9")
        .credentials(Credentials::access_key("AK", "SK").unwrap())
        .project_id("p")
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// Sends an HSS call with one parameter set to `value` (the rest valid). Port 9 on loopback
/// refuses connections, so anything that got past validation fails differently.
async fn hss_with(client: &Client, name: &str, value: &str) -> Option<Error> {
    let mut request = client
        .hss()
        .image_vul_handle_history("CVE-2021-44228", ImageType::Registry);
    match name {
        "project_id" => {
            let other = Client::builder()
                .ignore_environment()
                .endpoint_for_all("http://127.0.0.1:9")
                .credentials(Credentials::access_key("AK", "SK").unwrap())
                .project_id(value)
                .retry(RetryPolicy::disabled())
                .build()
                .unwrap();
            request = other
                .hss()
                .image_vul_handle_history("CVE-2021-44228", ImageType::Registry);
        }
        "vul_id" => {
            request = client
                .hss()
                .image_vul_handle_history(value, ImageType::Registry)
        }
        // Closed enums: an unknown value cannot be expressed with these types at all.
        "image_type" | "status" | "handle_type" => return None,
        "enterprise_project_id" => request = request.enterprise_project_id(value),
        "image_id" => request = request.image_id(value),
        "image_name" => request = request.image_name(value),
        "user_name" => request = request.user_name(value),
        "app_name" => request = request.app_name(value),
        "app_version" => request = request.app_version(value),
        "remark" => request = request.remark(value),
        "offset" => request = request.offset(value.parse().ok()?),
        "limit" => request = request.limit(value.parse().ok()?),
        other => panic!("the test does not know HSS parameter {other}: add it"),
    }
    request.send().await.err()
}

async fn codearts_with(client: &Client, name: &str, value: &str) -> Option<Error> {
    let (project, task) = match name {
        "project_id" => (value, "t"),
        "task_id" => ("p", value),
        _ => ("p", "t"),
    };
    let mut request = client.codearts_check().check_records(project, task);
    match name {
        "project_id" | "task_id" => {}
        // Typed as instants, always sent in the documented shape.
        "start_time" | "end_time" => return None,
        "offset" => request = request.offset(value.parse().ok()?),
        "limit" => request = request.limit(value.parse().ok()?),
        other => panic!("the test does not know CodeArts parameter {other}: add it"),
    }
    request.send().await.err()
}

#[tokio::test]
async fn every_constraint_of_the_specs_is_enforced_before_sending() {
    let client = client();
    let mut enforced = 0;
    for file in ["hss-v5.yaml", "codearts-check-v2.yaml"] {
        let document = spec(file);
        let operation = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .find(|path| {
                matches!(
                    path["get"]["operationId"].as_str(),
                    Some("ListGeneralImageVulOperations" | "CheckRecord")
                )
            })
            .unwrap()["get"]
            .clone();
        for parameter in operation["parameters"].as_array().unwrap() {
            let parameter = resolve(&document, parameter);
            let name = parameter["name"].as_str().unwrap();
            let schema = resolve(&document, &parameter["schema"]);
            for value in violations(schema) {
                let error = if file.starts_with("hss") {
                    hss_with(&client, name, &value).await
                } else {
                    codearts_with(&client, name, &value).await
                };
                let Some(error) = error else {
                    // Types make the value unrepresentable (closed enums, out-of-range u64).
                    assert!(
                        schema["enum"].is_array()
                            || value.starts_with('-')
                            || name.ends_with("_time"),
                        "{file} {name}={value:.20}"
                    );
                    continue;
                };
                match &error {
                    Error::InvalidInput {
                        parameter, allowed, ..
                    } => {
                        assert_eq!(parameter, name, "{file}: {error}");
                        assert!(!allowed.is_empty());
                        enforced += 1;
                    }
                    other => {
                        panic!("{file} {name}={value:.20}: expected invalid input, got {other}")
                    }
                }
            }
        }
    }
    assert!(enforced >= 20, "only {enforced} constraints were exercised");
}

/// Values at the edges the spec allows.
fn boundaries(schema: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(min) = schema["minLength"].as_u64().filter(|&m| m > 0) {
        out.push("x".repeat(min as usize));
    }
    if let Some(max) = schema["maxLength"].as_u64() {
        out.push("é".repeat(max as usize));
    }
    for bound in ["minimum", "maximum"] {
        if let Some(value) = schema[bound].as_i64() {
            out.push(value.to_string());
        }
    }
    out
}

#[tokio::test]
async fn values_at_the_edges_of_the_spec_are_not_refused() {
    let client = client();
    let mut checked = 0;
    for file in ["hss-v5.yaml", "codearts-check-v2.yaml"] {
        let document = spec(file);
        let operation = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .find(|path| {
                matches!(
                    path["get"]["operationId"].as_str(),
                    Some("ListGeneralImageVulOperations" | "CheckRecord")
                )
            })
            .unwrap()["get"]
            .clone();
        for parameter in operation["parameters"].as_array().unwrap() {
            let parameter = resolve(&document, parameter);
            let name = parameter["name"].as_str().unwrap();
            for value in boundaries(resolve(&document, &parameter["schema"])) {
                let error = if file.starts_with("hss") {
                    hss_with(&client, name, &value).await
                } else {
                    codearts_with(&client, name, &value).await
                };
                // Past validation, the call reaches the closed port and fails there.
                assert!(
                    matches!(error, Some(Error::Transport { .. })),
                    "{file} {name}={value:.20}: {error:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 15, "{checked}");
}

#[test]
fn closed_request_enums_hold_exactly_the_documented_values() {
    let document = spec("hss-v5.yaml");
    let values = |name: &str| -> Vec<String> {
        document["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let names = |all: Vec<String>| all;
    assert_eq!(
        names(
            [ImageType::Local, ImageType::Registry]
                .iter()
                .map(ToString::to_string)
                .collect()
        ),
        values("ImageType")
    );
    assert_eq!(
        names(
            [VulStatus::VulStatusUnfix, VulStatus::VulStatusIgnored]
                .iter()
                .map(ToString::to_string)
                .collect()
        ),
        values("VulStatus")
    );
    assert_eq!(
        names(
            [
                HandleType::Ignore,
                HandleType::NotIgnore,
                HandleType::AddToWhitelist
            ]
            .iter()
            .map(ToString::to_string)
            .collect()
        ),
        values("HandleType")
    );
}
