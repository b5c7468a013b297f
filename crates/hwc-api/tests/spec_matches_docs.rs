//! The specs in `spec/` say everything the API pages say: every parameter with its required flag,
//! type, default, lengths, ranges and values, every response field, the examples, and the
//! authentication header. Expectations are read from the pages (`spec/reference/`), not retyped.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use serde_json::Value;
use support::api_page::{self, ApiPage, constraints};
use support::spec::Spec;

struct Case {
    page: &'static str,
    spec: &'static str,
    /// Length limits of the documented `X-Auth-Token` header, stated in the security scheme.
    token_length: &'static str,
    /// The FACTS.md section listing what later revisions of the page changed, if any.
    revised_in: Option<&'static str>,
}

const CASES: [Case; 2] = [
    Case {
        page: "hss-v5-image-vulnerability-handle-history.txt",
        spec: "hss-v5.yaml",
        token_length: "1 to 32,768 characters",
        revised_in: None,
    },
    Case {
        page: "codearts-check-v2-checkrecord.txt",
        spec: "codearts-check-v2.yaml",
        token_length: "Minimum: 1, maximum: 100000",
        revised_in: Some("## CodeArts Check as documented today"),
    },
];

#[test]
fn the_pages_are_read_completely() {
    // Guards the page reader itself: if it silently found fewer rows, the other tests would pass
    // while checking less.
    let hss = api_page::load(CASES[0].page);
    let names: Vec<&str> = hss.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "project_id",
            "enterprise_project_id",
            "offset",
            "limit",
            "vul_id",
            "image_id",
            "image_type",
            "image_name",
            "status",
            "user_name",
            "handle_type",
            "app_name",
            "app_version",
            "remark",
            "X-Auth-Token"
        ]
    );
    assert_eq!(hss.fields.len(), 2 + 13);
    let codearts = api_page::load(CASES[1].page);
    assert_eq!(codearts.params.len(), 2 + 4 + 1);
    assert_eq!(codearts.fields.len(), 2 + 3 + 4 + 2 + 2);
    assert_eq!(
        codearts
            .example_responses
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        [200, 400, 401]
    );
}

#[test]
fn every_documented_parameter_is_in_the_spec_with_its_constraints() {
    for case in &CASES {
        let page = api_page::load(case.page);
        let spec = Spec::load(case.spec);
        let (method, path) = page.method_and_path.split_once(' ').expect("METHOD /path");
        assert_eq!(spec.path, path, "{}", case.spec);
        assert_eq!(method, "GET");

        for param in &page.params {
            let context = format!("{}: parameter {}", case.spec, param.name);
            if param.name == "X-Auth-Token" {
                check_token_scheme(&spec, case, &context);
                continue;
            }
            let location = if path.contains(&format!("{{{}}}", param.name)) {
                "path"
            } else {
                "query"
            };
            let declared = spec
                .parameter(&param.name)
                .unwrap_or_else(|| panic!("{context} is missing"));
            assert_eq!(declared["in"], location, "{context}: location");
            assert_eq!(
                declared["required"].as_bool().unwrap_or(false),
                param.mandatory,
                "{context}: required"
            );
            let description = declared["description"].as_str().unwrap_or_default();
            assert!(!description.trim().is_empty(), "{context}: no description");

            let schema = spec.resolve(&declared["schema"]);
            let expected_type = match param.doc_type.as_str() {
                "String" => "string",
                "Integer" | "Long" => "integer",
                other => panic!("{context}: undocumented type {other}"),
            };
            assert_eq!(schema["type"], expected_type, "{context}: type");

            let mut documented = constraints(&param.doc_type, &param.text);
            if let Some(section) = case.revised_in {
                revise(&mut documented, &param.name, section);
            }
            if location == "path" {
                // An empty path segment addresses another URL, so the spec may require one
                // character where the page states nothing (said in the spec's header comment).
                documented.min_length = Some(documented.min_length.unwrap_or(0).max(1));
            }
            let stated = support::spec::constraints_of(&schema);
            assert_eq!(
                stated.min_length.unwrap_or(0),
                documented.min_length.unwrap_or(0),
                "{context}: minLength"
            );
            assert_eq!(
                stated.max_length, documented.max_length,
                "{context}: maxLength"
            );
            assert_eq!(stated.minimum, documented.minimum, "{context}: minimum");
            assert_eq!(stated.maximum, documented.maximum, "{context}: maximum");
            assert_eq!(stated.default, documented.default, "{context}: default");
            // Where the page spells a value otherwise than the official SDKs (FACTS.md, "What
            // the pages and the official SDK disagree on"), the spec lists the SDKs' spelling and
            // names the page's in `x-hwc-spellings`: the page's value maps to the listed one.
            let spellings = schema["x-hwc-spellings"].as_object();
            let documented_values: Vec<String> = documented
                .values
                .iter()
                .map(|value| {
                    spellings
                        .and_then(|map| map.iter().find(|(_, other)| *other == value))
                        .map_or_else(|| value.clone(), |(listed, _)| listed.clone())
                })
                .collect();
            assert_eq!(stated.values, documented_values, "{context}: enum values");
        }

        // Nothing beyond the page: every spec parameter is documented.
        for declared in spec.parameters() {
            let name = declared["name"].as_str().unwrap_or_default();
            assert!(
                page.params.iter().any(|p| p.name == name),
                "{}: parameter {name} is not on the API page",
                case.spec
            );
        }
    }
}

/// Applies what FACTS.md says later revisions of the page changed: a bullet naming the
/// parameter that gives `A to B` (a range) or `A to B characters` (lengths), in the first bullet
/// that names it.
fn revise(documented: &mut support::api_page::Constraints, name: &str, section: &str) {
    let facts = std::fs::read_to_string(api_page::reference_dir().join("FACTS.md")).unwrap();
    let start = facts.find(section).expect("the FACTS.md section") + section.len();
    let body = &facts[start..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let named = format!("`{name}`");
    let Some(bullet) = body.split("\n- ").find(|bullet| bullet.contains(&named)) else {
        return;
    };
    // The range right after the name (a bullet may give another parameter's range too).
    let after = &bullet[bullet.find(&named).unwrap_or(0)..];
    let range = regex::Regex::new(r"(\d[\d,]*) to (\d[\d,]*)( characters)?").unwrap();
    let Some(found) = range.captures(after) else {
        return;
    };
    let number = |i: usize| found[i].replace(',', "").parse::<i64>().unwrap();
    if found.get(3).is_some() {
        documented.min_length = Some(number(1) as u64);
        documented.max_length = Some(number(2) as u64);
    } else {
        documented.minimum = Some(number(1));
        documented.maximum = Some(number(2));
    }
}

#[test]
fn revisions_of_the_codearts_page_are_applied_from_facts_md() {
    // Guards `revise`: the figures it must find in FACTS.md.
    let section = CASES[1].revised_in.unwrap();
    let revised = |name: &str| {
        let mut constraints = support::api_page::Constraints::default();
        revise(&mut constraints, name, section);
        constraints
    };
    assert_eq!(
        (revised("offset").minimum, revised("offset").maximum),
        (Some(0), Some(999_999))
    );
    assert_eq!(
        (revised("limit").minimum, revised("limit").maximum),
        (Some(1), Some(1_000))
    );
    assert_eq!(
        (
            revised("project_id").min_length,
            revised("project_id").max_length
        ),
        (Some(1), Some(32))
    );
}

fn check_token_scheme(spec: &Spec, case: &Case, context: &str) {
    let scheme = &spec.document["components"]["securitySchemes"]["iam_token"];
    assert_eq!(scheme["type"], "apiKey", "{context}");
    assert_eq!(scheme["in"], "header", "{context}");
    assert_eq!(scheme["name"], "X-Auth-Token", "{context}");
    let description = scheme["description"].as_str().unwrap_or_default();
    assert!(
        description.contains(case.token_length),
        "{context}: length range not stated"
    );
    let aksk = &spec.document["components"]["securitySchemes"]["aksk"];
    assert_eq!(aksk["name"], "Authorization", "{context}: AK/SK scheme");
    let security = spec.document["security"]
        .as_array()
        .expect("top-level security");
    assert_eq!(security.len(), 2, "{context}: either AK/SK or a token");
    assert!(
        spec.parameters().all(|p| p["in"] != "header"),
        "{context}: authentication must not be an operation parameter"
    );
}

#[test]
fn every_documented_response_field_is_in_the_spec() {
    for case in &CASES {
        let page = api_page::load(case.page);
        let spec = Spec::load(case.spec);
        for field in &page.fields {
            let context = format!("{}: {} field {}", case.spec, field.status, field.name);
            let body = spec.response_schema(field.status);
            let property = spec
                .find_property(&body, &field.name)
                .unwrap_or_else(|| panic!("{context} is missing"));
            let description = property["description"].as_str().unwrap_or_default();
            assert!(!description.trim().is_empty(), "{context}: no description");

            let resolved = spec.resolve(&property);
            let documented = constraints(&field.doc_type, &field.text);
            match field.doc_type.as_str() {
                "String" if documented.values.is_empty() => {
                    assert_eq!(
                        resolved["x-hwc-lenient-string"], true,
                        "{context}: a documented string must decode leniently"
                    );
                }
                "String" => {
                    let open = resolved["x-extensible-enum"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    assert_eq!(
                        open,
                        documented
                            .values
                            .iter()
                            .map(|v| Value::from(v.as_str()))
                            .collect::<Vec<_>>(),
                        "{context}: documented values, as an open enum"
                    );
                }
                "Integer" | "Long" => {
                    assert_eq!(resolved["type"], "integer", "{context}");
                    assert_eq!(
                        resolved["format"], "int64",
                        "{context}: 32 bits are not enough"
                    );
                }
                array if array.starts_with("Array of ") => {
                    assert_eq!(resolved["type"], "array", "{context}");
                    let item = array
                        .trim_start_matches("Array of ")
                        .trim_end_matches(" objects");
                    let items_ref = property["items"]["$ref"].as_str().unwrap_or_default();
                    assert!(
                        items_ref.ends_with(&format!("/{item}")),
                        "{context}: items {items_ref}"
                    );
                }
                object => {
                    let name = object.trim_end_matches(" object");
                    let reference = property["allOf"][0]["$ref"].as_str().unwrap_or_default();
                    assert!(
                        reference.ends_with(&format!("/{name}")),
                        "{context}: {reference}"
                    );
                }
            }
            // Lenient about what we receive: no limits on response values.
            for keyword in ["minLength", "maxLength", "pattern", "enum"] {
                assert!(
                    resolved.get(keyword).is_none(),
                    "{context}: {keyword} on a response field"
                );
            }
        }
    }
}

#[test]
fn the_documented_examples_are_in_the_spec_verbatim() {
    for case in &CASES {
        let page: ApiPage = api_page::load(case.page);
        let spec = Spec::load(case.spec);
        for (status, example) in &page.example_responses {
            assert_eq!(
                &spec.response_example(*status),
                example,
                "{}: example response for {status}",
                case.spec
            );
        }
        if let Some(query) = &page.example_query {
            for pair in query.split('&') {
                let (name, value) = pair.split_once('=').expect("name=value");
                let declared = spec.parameter(name).expect("documented parameter");
                let example = match &declared["example"] {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                assert_eq!(example, value, "{}: example of {name}", case.spec);
            }
        }
    }
}

#[test]
fn operation_ids_match_the_official_sdks() {
    assert_eq!(
        Spec::load("hss-v5.yaml").operation["operationId"],
        "ListGeneralImageVulOperations"
    );
    assert_eq!(
        Spec::load("codearts-check-v2.yaml").operation["operationId"],
        "CheckRecord"
    );
}

#[test]
fn every_error_status_shares_one_error_body() {
    for case in &CASES {
        let spec = Spec::load(case.spec);
        for status in ["400", "401", "403", "404", "429", "5XX"] {
            let response = spec.resolve(&spec.operation["responses"][status]);
            let schema = &response["content"]["application/json"]["schema"]["$ref"];
            assert_eq!(
                schema, "#/components/schemas/ErrorBody",
                "{}: {status}",
                case.spec
            );
        }
        assert!(spec.operation["responses"].get("default").is_none());
    }
}

#[test]
fn servers_list_the_regions_of_facts_md() {
    let hss = Spec::load("hss-v5.yaml");
    let regions = hss.server_regions();
    assert_eq!(regions.len(), 32, "{regions:?}");
    assert!(regions.contains(&(
        "eu-west-101".to_owned(),
        "https://hss.eu-west-101.myhuaweicloud.eu".to_owned()
    )));
    assert!(regions.contains(&(
        "cn-north-4".to_owned(),
        "https://hss.cn-north-4.myhuaweicloud.com".to_owned()
    )));
    let codearts = Spec::load("codearts-check-v2.yaml").server_regions();
    assert!(codearts.contains(&(
        "cn-north-4".to_owned(),
        "https://codearts-check.cn-north-4.myhuaweicloud.com".to_owned()
    )));
    assert!(codearts.contains(&(
        "cn-north-4".to_owned(),
        "https://codearts-check.cn-north-4.myhuaweicloud.cn".to_owned()
    )));
    assert_eq!(
        codearts
            .iter()
            .filter(|(_, url)| url.ends_with(".com"))
            .count(),
        8
    );
    assert_eq!(
        codearts
            .iter()
            .filter(|(_, url)| url.ends_with(".cn"))
            .count(),
        5
    );
}

#[test]
fn reference_copies_match_the_shared_originals() {
    // CI places the originals beside the repository; elsewhere there is nothing to compare with.
    let shared = api_page::reference_dir().join("../../../shared/api-docs");
    if !shared.is_dir() {
        // CI runs with ../shared beside the clone: there, a missing original is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {} is missing",
            shared.display()
        );
        eprintln!("{} not present; nothing to compare", shared.display());
        return;
    }
    for file in [CASES[0].page, CASES[1].page, "FACTS.md"] {
        let copy = std::fs::read(api_page::reference_dir().join(file)).expect("vendored copy");
        let original = std::fs::read(shared.join(file)).expect("shared original");
        assert!(
            copy == original,
            "spec/reference/{file} differs from ../shared/api-docs/{file}"
        );
    }
}
