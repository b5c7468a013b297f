//! A spec file as plain JSON, with the few look-ups the tests need ($ref and single-allOf
//! resolution, parameters, response schemas and examples, server regions).

use std::path::PathBuf;

use serde_json::Value;

use super::api_page::Constraints;

/// One spec of `spec/`, holding one of its operations: the one its API page documents (the
/// first in the file), or any other by id.
pub struct Spec {
    pub document: Value,
    pub path: String,
    pub operation: Value,
}

pub fn spec_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec")
}

impl Spec {
    /// The spec's first operation in file order: the one its API page documents.
    pub fn load(file: &str) -> Spec {
        let paths = Self::paths(file);
        let first = paths.first().expect("a path");
        Self::load_path(file, first)
    }

    /// The spec's operation `operation_id`.
    pub fn load_operation(file: &str, operation_id: &str) -> Spec {
        Self::paths(file)
            .iter()
            .map(|path| Self::load_path(file, path))
            .find(|spec| spec.operation["operationId"] == operation_id)
            .unwrap_or_else(|| panic!("{file} has no operation {operation_id}"))
    }

    /// The spec's paths, in file order.
    pub fn paths(file: &str) -> Vec<String> {
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&Self::text(file)).expect("YAML");
        yaml["paths"]
            .as_mapping()
            .expect("paths")
            .keys()
            .filter_map(|key| key.as_str().map(str::to_owned))
            .collect()
    }

    fn text(file: &str) -> String {
        let path = spec_dir().join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }

    fn load_path(file: &str, path: &str) -> Spec {
        let document: Value = serde_yaml_ng::from_str(&Self::text(file)).expect("spec is YAML");
        let item = document["paths"][path].clone();
        assert!(item["get"].is_object(), "{file} {path}: a GET operation");
        Spec {
            path: path.to_owned(),
            operation: item["get"].clone(),
            document,
        }
    }

    /// Follows `$ref`s (and `allOf` with one member) to the schema or object they name.
    pub fn resolve(&self, value: &Value) -> Value {
        let mut current = value.clone();
        loop {
            if let Some(reference) = current.get("$ref").and_then(Value::as_str) {
                let pointer = reference.strip_prefix('#').expect("local $ref");
                current = self
                    .document
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling $ref {reference}"))
                    .clone();
            } else if let Some([only]) = current
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                current = only.clone();
            } else {
                return current;
            }
        }
    }

    pub fn parameters(&self) -> impl Iterator<Item = Value> + '_ {
        self.operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| self.resolve(p))
    }

    pub fn parameter(&self, name: &str) -> Option<Value> {
        self.parameters().find(|p| p["name"] == name)
    }

    fn response(&self, status: u16) -> Value {
        let responses = &self.operation["responses"];
        let key = status.to_string();
        let range = format!("{}XX", status / 100);
        let response = responses
            .get(&key)
            .or_else(|| responses.get(&range))
            .unwrap_or_else(|| panic!("no response for {status}"));
        self.resolve(response)
    }

    pub fn response_schema(&self, status: u16) -> Value {
        self.resolve(&self.response(status)["content"]["application/json"]["schema"])
    }

    pub fn response_example(&self, status: u16) -> Value {
        self.response(status)["content"]["application/json"]["example"].clone()
    }

    /// Finds a property by name anywhere in a schema tree (objects, arrays, references).
    pub fn find_property(&self, schema: &Value, name: &str) -> Option<Value> {
        let schema = self.resolve(schema);
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            if let Some(found) = properties.get(name) {
                return Some(found.clone());
            }
            for property in properties.values() {
                if let Some(found) = self.find_property(property, name) {
                    return Some(found);
                }
            }
        }
        schema
            .get("items")
            .and_then(|items| self.find_property(items, name))
    }

    /// Every (region, base URL) the `servers` section allows.
    pub fn server_regions(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for server in self.document["servers"].as_array().expect("servers") {
            let url = server["url"].as_str().expect("url");
            for region in server["variables"]["region"]["enum"]
                .as_array()
                .expect("region enum")
            {
                let region = region.as_str().expect("region id");
                out.push((region.to_owned(), url.replace("{region}", region)));
            }
        }
        out
    }
}

/// The constraints a (resolved) parameter schema states, in the page reader's terms.
pub fn constraints_of(schema: &Value) -> Constraints {
    Constraints {
        min_items: None,
        max_items: None,
        min_length: schema["minLength"].as_u64(),
        max_length: schema["maxLength"].as_u64(),
        minimum: schema["minimum"].as_i64(),
        maximum: schema["maximum"].as_i64(),
        default: match &schema["default"] {
            Value::Null => None,
            Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        },
        values: schema["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
    }
}
