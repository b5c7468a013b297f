//! Reads what a Huawei Cloud API page (as saved in `spec/reference/`) documents: the URI, every
//! parameter and response field with the constraints its text states, and the examples.
//!
//! The tests compare this against the specs, so the expectations come from the pages themselves
//! rather than from a second hand transcription.

use std::collections::BTreeMap;
use std::path::PathBuf;

use regex::Regex;
use serde_json::Value;

/// A parameter row of a request table.
#[derive(Debug)]
pub struct DocParam {
    pub name: String,
    pub mandatory: bool,
    pub doc_type: String,
    pub text: String,
}

/// A field row of a response table, with the status code its table belongs to.
#[derive(Debug)]
pub struct DocField {
    pub status: u16,
    pub name: String,
    pub doc_type: String,
    pub text: String,
}

/// Everything the tests need from one page.
#[derive(Debug)]
pub struct ApiPage {
    pub method_and_path: String,
    pub params: Vec<DocParam>,
    pub fields: Vec<DocField>,
    /// Example response bodies by status code.
    pub example_responses: BTreeMap<u16, Value>,
    /// The same examples as the page's text, verbatim.
    pub example_texts: BTreeMap<u16, String>,
    /// Query string of the example request, if it has one.
    pub example_query: Option<String>,
}

/// The numeric constraints and enum values a row's text states.
#[derive(Debug, Default, PartialEq)]
pub struct Constraints {
    /// Fewest and most values of a list.
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub default: Option<String>,
    pub values: Vec<String>,
}

pub fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/reference")
}

pub fn load(file: &str) -> ApiPage {
    let path = reference_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    parse(&text)
}

fn clean_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.trim().trim_end_matches('|').trim().to_owned())
        .filter(|line| !line.is_empty() && !line.starts_with("---"))
        .collect()
}

fn is_name(line: &str) -> bool {
    let mut chars = line.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && line
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(line, "Parameter" | "Mandatory" | "Type" | "Description")
}

fn is_type(line: &str) -> bool {
    matches!(line, "String" | "Integer" | "Long" | "Boolean")
        || line.starts_with("Array of ")
        || line.ends_with(" object")
}

fn ends_block(line: &str) -> bool {
    line.starts_with("Table ")
        || line.starts_with("Status code")
        || matches!(
            line,
            "Request Parameters" | "Response Parameters" | "Example Requests" | "Example Responses"
        )
}

pub fn parse(text: &str) -> ApiPage {
    let lines = clean_lines(text);
    let method_and_path = lines
        .iter()
        .find(|line| line.starts_with("GET /"))
        .cloned()
        .expect("the page states its URI");

    let examples_at = lines
        .iter()
        .position(|line| line == "Example Requests")
        .expect("the page has examples");
    let responses_at = lines
        .iter()
        .position(|line| line == "Response Parameters")
        .expect("the page has response parameters");

    let mut params = Vec::new();
    let mut fields = Vec::new();
    let mut status = 0u16;
    let mut i = 0;
    while i < examples_at {
        let line = &lines[i];
        if let Some(code) = line.strip_prefix("Status code: ") {
            status = code.trim().parse().expect("numeric status code");
        }
        let is_param = i < responses_at
            && i + 2 < examples_at
            && is_name(line)
            && matches!(lines[i + 1].as_str(), "Yes" | "No")
            && is_type(&lines[i + 2]);
        let is_field =
            i > responses_at && i + 1 < examples_at && is_name(line) && is_type(&lines[i + 1]);
        if is_param || is_field {
            let body_start = if is_param { i + 3 } else { i + 2 };
            let mut end = body_start;
            while end < examples_at && !ends_block(&lines[end]) && !starts_row(&lines, end) {
                end += 1;
            }
            let text = lines[body_start..end].join("\n");
            if is_param {
                params.push(DocParam {
                    name: line.clone(),
                    mandatory: lines[i + 1] == "Yes",
                    doc_type: lines[i + 2].clone(),
                    text,
                });
            } else {
                fields.push(DocField {
                    status,
                    name: line.clone(),
                    doc_type: lines[i + 1].clone(),
                    text,
                });
            }
            i = end;
            continue;
        }
        i += 1;
    }

    let example_query = lines[examples_at..]
        .iter()
        .find(|line| line.starts_with("GET http"))
        .and_then(|line| line.split_once('?').map(|(_, query)| query.to_owned()));

    let mut example_responses = BTreeMap::new();
    let mut example_texts = BTreeMap::new();
    let mut status = 0u16;
    let mut i = examples_at;
    while i < lines.len() {
        if let Some(code) = lines[i].strip_prefix("Status code: ") {
            status = code.trim().parse().expect("numeric status code");
        } else if lines[i].starts_with('{') && status != 0 {
            let mut json = String::new();
            let mut j = i;
            let value = loop {
                json.push_str(&lines[j]);
                json.push('\n');
                if let Ok(value) = serde_json::from_str::<Value>(&json) {
                    break value;
                }
                j += 1;
                assert!(j < lines.len(), "unterminated example JSON at line {i}");
            };
            example_responses.insert(status, value);
            example_texts.insert(status, json);
            i = j;
        }
        i += 1;
    }

    ApiPage {
        method_and_path,
        params,
        fields,
        example_responses,
        example_texts,
        example_query,
    }
}

fn starts_row(lines: &[String], i: usize) -> bool {
    is_name(&lines[i])
        && lines.get(i + 1).is_some_and(|next| {
            matches!(next.as_str(), "Yes" | "No") && lines.get(i + 2).is_some_and(|ty| is_type(ty))
                || is_type(next)
        })
}

fn number(text: &str) -> i64 {
    text.replace(',', "").parse().expect("a number")
}

/// What a row's text says about lengths, ranges, defaults and allowed values.
pub fn constraints(doc_type: &str, text: &str) -> Constraints {
    let mut out = Constraints::default();
    let numeric = matches!(doc_type, "Integer" | "Long");

    let length = Regex::new(r"(\d[\d,]*) to (\d[\d,]*) characters").expect("regex");
    if let Some(caps) = length.captures(text) {
        out.min_length = Some(number(&caps[1]) as u64);
        out.max_length = Some(number(&caps[2]) as u64);
    }
    let range = Regex::new(r"(?:range is|range:) (\d[\d,]*) ?(?:to|-) ?(\d[\d,]*)").expect("regex");
    if let Some(caps) = range.captures(text) {
        out.minimum = Some(number(&caps[1]));
        out.maximum = Some(number(&caps[2]));
    }
    let minimum = Regex::new(r"Minimum: (\d+)").expect("regex");
    let maximum = Regex::new(r"Maximum: (\d+)").expect("regex");
    if let Some(caps) = minimum.captures(text) {
        if numeric {
            out.minimum = Some(number(&caps[1]));
        } else {
            out.min_length = Some(number(&caps[1]) as u64);
        }
    }
    if let Some(caps) = maximum.captures(text) {
        if numeric {
            out.maximum = Some(number(&caps[1]));
        } else {
            out.max_length = Some(number(&caps[1]) as u64);
        }
    }

    let default_inline = Regex::new(r"Default: (\S+)").expect("regex");
    if let Some(caps) = default_inline.captures(text) {
        out.default = Some(caps[1].to_owned());
    }
    let default_number = Regex::new(r"^(?:The default value is )?(\d+)[.:]?").expect("regex");
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line == "Default Value" {
            let value = lines.next().unwrap_or_default();

            if let Some(caps) = default_number.captures(value) {
                out.default = Some(caps[1].to_owned());
            }
        }
        if let Some(item) = line.strip_prefix('•') {
            let value = item.trim().split(':').next().unwrap_or_default().trim();
            out.values.push(value.to_owned());
        }
    }
    out
}
