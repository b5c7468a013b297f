//! The generated `spec` modules say what the YAML says: every endpoint, parameter, constraint
//! and paging field, so code reading them reads the spec.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_api::descriptor::{Location, OffsetUnit, ParameterSchema, Service};
use support::api_page::Constraints;
use support::spec::{Spec, constraints_of};

const SERVICES: [(&str, &Service); 2] = [
    ("hss-v5.yaml", &hwc_api::hss::spec::SERVICE),
    (
        "codearts-check-v2.yaml",
        &hwc_api::codearts_check::spec::SERVICE,
    ),
];

fn constraints_of_descriptor(schema: &ParameterSchema) -> Constraints {
    match *schema {
        ParameterSchema::Text {
            min_length,
            max_length,
            default,
            ..
        } => Constraints {
            min_length,
            max_length,
            default: default.map(str::to_owned),
            ..Constraints::default()
        },
        ParameterSchema::Choice { values, .. } => Constraints {
            values: values.iter().map(|v| (*v).to_owned()).collect(),
            ..Constraints::default()
        },
        ParameterSchema::List {
            items,
            min_items,
            max_items,
        } => Constraints {
            min_items,
            max_items,
            ..constraints_of_descriptor(items)
        },
        ParameterSchema::Integer {
            minimum,
            maximum,
            default,
            ..
        } => Constraints {
            minimum,
            maximum,
            default: default.map(|d| d.to_string()),
            ..Constraints::default()
        },
    }
}

#[test]
fn descriptors_repeat_the_spec_exactly() {
    for (file, service) in SERVICES {
        let spec = Spec::load(file);
        assert_eq!(service.version, spec.document["info"]["version"], "{file}");
        assert_eq!(
            service.sdk_name, spec.document["info"]["x-hwc-sdk-service"],
            "{file}"
        );
        let legacy: Vec<&str> = spec.document["info"]["x-hwc-sdk-service-legacy"]
            .as_array()
            .map(|names| names.iter().filter_map(|n| n.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(service.legacy_sdk_names, legacy, "{file}");
        let endpoints: Vec<(String, String)> = service
            .endpoints
            .iter()
            .map(|e| (e.region.to_owned(), e.url.to_owned()))
            .collect();
        assert_eq!(endpoints, spec.server_regions(), "{file}: endpoints");

        assert_eq!(service.operations.len(), Spec::paths(file).len(), "{file}");
        for operation in service.operations {
            let spec = Spec::load_operation(file, operation.id);
            let file = format!("{file} {}", operation.id);
            assert_eq!(operation.id, spec.operation["operationId"], "{file}");
            assert_eq!(operation.path, spec.path, "{file}");
            assert_eq!(operation.method, "GET");

            let declared: Vec<_> = spec.parameters().collect();
            assert_eq!(
                operation.parameters.len(),
                declared.len(),
                "{file}: parameter count"
            );
            for (generated, yaml) in operation.parameters.iter().zip(&declared) {
                let context = format!("{file}: {}", generated.name);
                assert_eq!(generated.name, yaml["name"], "{context}");
                let location = match generated.location {
                    Location::Path => "path",
                    Location::Query => "query",
                };
                assert_eq!(location, yaml["in"], "{context}");
                assert_eq!(
                    generated.required,
                    yaml["required"].as_bool().unwrap_or(false),
                    "{context}"
                );
                let schema = spec.resolve(&yaml["schema"]);
                let declared = if schema["type"] == "array" {
                    // A list: its counts, and what each value takes.
                    Constraints {
                        min_items: schema["minItems"].as_u64(),
                        max_items: schema["maxItems"].as_u64(),
                        ..constraints_of(&spec.resolve(&schema["items"]))
                    }
                } else {
                    constraints_of(&schema)
                };
                assert_eq!(
                    constraints_of_descriptor(&generated.schema),
                    declared,
                    "{context}"
                );
                let kind = match generated.schema {
                    ParameterSchema::Text { .. } => "string",
                    ParameterSchema::Integer { .. } => "integer",
                    ParameterSchema::Choice { .. } => "enum",
                    ParameterSchema::List { .. } => "array",
                };
                let declared_kind = if schema["enum"].is_array() {
                    "enum"
                } else {
                    schema["type"].as_str().unwrap_or_default()
                };
                assert_eq!(kind, declared_kind, "{context}: kind");
                if !matches!(generated.schema, ParameterSchema::Text { .. }) {
                    assert!(schema["x-hwc-time-format"].is_null(), "{context}");
                }
                if let ParameterSchema::Text { pattern, .. } = generated.schema {
                    assert_eq!(pattern, schema["pattern"].as_str(), "{context}: pattern");
                }
                if let ParameterSchema::Text { time_format, .. } = generated.schema {
                    assert_eq!(
                        time_format,
                        schema["x-hwc-time-format"].as_str(),
                        "{context}: x-hwc-time-format"
                    );
                }
                if let ParameterSchema::Integer { bits, .. } = generated.schema {
                    let expected = if schema["format"] == "int32" { 32 } else { 64 };
                    assert_eq!(bits, expected, "{context}: format");
                }
            }

            assert_eq!(
                operation.iam_project_header,
                spec.operation["x-hwc-iam-project"] == "header",
                "{file}: x-hwc-iam-project"
            );
            let extension = &spec.operation["x-hwc-paging"];
            let Some(paging) = operation.paging else {
                assert!(extension.is_null(), "{file}: {} pages", operation.id);
                continue;
            };
            assert_eq!(paging.unique_by, extension["unique-by"].as_str(), "{file}");
            assert_eq!(paging.offset_parameter, extension["offset"], "{file}");
            let unit = match paging.offset_unit {
                OffsetUnit::Record => "record",
                OffsetUnit::Page => "page",
            };
            assert_eq!(unit, extension["offset-unit"], "{file}");
            assert_eq!(paging.limit_parameter, extension["limit"], "{file}");
            assert_eq!(paging.page_size, extension["page-size"].as_u64(), "{file}");
            assert_eq!(paging.total_field, extension["total"], "{file}");
            assert_eq!(paging.items_field, extension["items"], "{file}");
        }
    }
}

#[test]
fn descriptors_state_the_documented_ranges() {
    // The figures FACTS.md calls out, read through the generated tables.
    let hss = hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS;
    assert_eq!(
        hss.parameter("limit").map(|p| p.schema),
        Some(ParameterSchema::Integer {
            bits: 32,
            minimum: Some(10),
            maximum: Some(200),
            default: Some(10)
        })
    );
    assert_eq!(
        hss.parameter("offset").map(|p| p.schema),
        Some(ParameterSchema::Integer {
            bits: 32,
            minimum: Some(0),
            maximum: Some(2_000_000),
            default: Some(0)
        })
    );
    let codearts = hwc_api::codearts_check::spec::CHECK_RECORD;
    assert_eq!(
        codearts.parameter("limit").map(|p| p.schema),
        Some(ParameterSchema::Integer {
            bits: 32,
            minimum: Some(1),
            maximum: Some(1000),
            default: Some(10)
        })
    );
    assert_eq!(
        codearts.parameter("offset").map(|p| p.schema),
        Some(ParameterSchema::Integer {
            bits: 32,
            minimum: Some(0),
            maximum: Some(999_999),
            default: Some(0)
        })
    );
    assert_eq!(hss.paging.map(|p| p.offset_unit), Some(OffsetUnit::Record));
    assert_eq!(
        codearts.paging.map(|p| p.offset_unit),
        Some(OffsetUnit::Page),
        "a page number, as CodeArts Check is documented today"
    );
}
