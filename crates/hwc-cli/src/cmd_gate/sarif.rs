//! `--sarif FILE`: the pending issues of each judged task's latest scan as SARIF 2.1.0, for
//! code scanning on pull requests: one run per task, a rule per checker, the level from the
//! severity, the file and line as a physical location and `partialFingerprints` from
//! `issue_key`, so that an issue keeps its identity from scan to scan.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use hwc::Client;
use hwc::codearts_check::DefectInfoV2;
use serde_json::{Value, json};

use crate::exit::Failure;

/// Issues asked for per page (the most both the SDK and the pages allow).
const PAGE_SIZE: u64 = 100;

/// Every pending issue of `task`'s latest scan.
pub async fn issues(client: &Client, task: &str) -> Result<Vec<DefectInfoV2>, Failure> {
    Ok(client
        .codearts_check()
        .issues(task)
        .limit(PAGE_SIZE)
        .into_paginator()
        .items()
        .try_collect()
        .await?)
}

/// SARIF's level of a CodeArts Check severity (`0` critical .. `3` suggestion).
fn level(defect_level: Option<&str>) -> &'static str {
    match defect_level.map(str::trim) {
        Some("0" | "1") => "error",
        Some("2") => "warning",
        _ => "note",
    }
}

fn severity_name(defect_level: Option<&str>) -> &'static str {
    match defect_level.map(str::trim) {
        Some("0") => "critical",
        Some("1") => "major",
        Some("2") => "minor",
        Some("3") => "suggestion",
        _ => "unknown",
    }
}

/// A relative file path as a URI reference: characters a URI cannot hold percent-encoded,
/// separators kept.
fn uri(path: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let path = path.trim_start_matches("./").replace('\\', "/");
    percent_encoding::utf8_percent_encode(&path, KEEP).to_string()
}

/// The SARIF document of these tasks' issues.
pub fn document(tasks: &[(String, Vec<DefectInfoV2>)]) -> Value {
    let runs: Vec<Value> = tasks
        .iter()
        .map(|(task, issues)| run(task, issues))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": runs,
    })
}

/// A text field of an issue, owned.
fn text<T: AsRef<str>>(value: &Option<T>) -> Option<String> {
    value.as_ref().map(|value| value.as_ref().to_owned())
}

fn run(task: &str, issues: &[DefectInfoV2]) -> Value {
    // Rules in a stable order, each issue pointing at its own by index.
    let mut rules: BTreeMap<String, String> = BTreeMap::new();
    for issue in issues {
        let id = text(&issue.defect_checker_name).unwrap_or_else(|| "unknown".to_owned());
        let name = text(&issue.rule_name).unwrap_or_else(|| id.clone());
        rules.entry(id).or_insert(name);
    }
    let index: BTreeMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(at, id)| (id.as_str(), at))
        .collect();
    // Code scanning refuses a whole upload with a result that has no location: an issue
    // without a file is left out, and said.
    let located: Vec<&DefectInfoV2> = issues
        .iter()
        .filter(|issue| text(&issue.file_path).is_some_and(|path| !path.trim().is_empty()))
        .collect();
    if located.len() < issues.len() {
        tracing::warn!(
            task,
            left_out = issues.len() - located.len(),
            "issues without a file_path are not in the SARIF file (a result needs a location)"
        );
    }
    let results: Vec<Value> = located
        .into_iter()
        .map(|issue| {
            let rule = text(&issue.defect_checker_name).unwrap_or_else(|| "unknown".to_owned());
            let message = text(&issue.defect_content)
                .or_else(|| text(&issue.rule_name))
                .unwrap_or_else(|| rule.clone());
            let level_text = issue.defect_level.as_deref();
            let mut result = json!({
                "ruleId": rule,
                "ruleIndex": index.get(rule.as_str()).copied().unwrap_or(0),
                "level": level(level_text),
                "message": {"text": message},
                "properties": {
                    "severity": severity_name(level_text),
                    "defectId": text(&issue.defect_id),
                    "status": text(&issue.defect_status),
                },
            });
            if let Some(path) = text(&issue.file_path).filter(|path| !path.trim().is_empty()) {
                let mut location = json!({"artifactLocation": {"uri": uri(&path)}});
                let line =
                    text(&issue.line_number).and_then(|line| line.trim().parse::<u64>().ok());
                if let Some(line) = line.filter(|&line| line >= 1) {
                    location["region"] = json!({"startLine": line});
                }
                result["locations"] = json!([{"physicalLocation": location}]);
            }
            if let Some(key) = text(&issue.issue_key).filter(|key| !key.is_empty()) {
                result["partialFingerprints"] = json!({"issueKey/v1": key});
            }
            result
        })
        .collect();
    let rules: Vec<Value> = rules
        .into_iter()
        .map(|(id, name)| json!({"id": id, "name": name, "shortDescription": {"text": name}}))
        .collect();
    json!({
        "tool": {"driver": {
            "name": "CodeArts Check",
            "informationUri": "https://support.huaweicloud.com/intl/en-us/codecheck/index.html",
            "rules": rules,
        }},
        "automationDetails": {"id": format!("codearts-check/{task}/")},
        "results": results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_uris() {
        assert_eq!(level(Some("0")), "error");
        assert_eq!(level(Some("2")), "warning");
        assert_eq!(level(Some("3")), "note");
        assert_eq!(level(None), "note");
        assert_eq!(uri("./src/a b#c.rs"), "src/a%20b%23c.rs");
        assert_eq!(uri("src\\win.cs"), "src/win.cs");
    }
}
