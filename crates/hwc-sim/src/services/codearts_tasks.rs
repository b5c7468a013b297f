//! CodeArts Check's task operations, from the scan histories the simulator serves: the tasks
//! of a project (`ShowTaskListByProjectId`), a task's latest result and gate verdict
//! (`ShowTaskDetail`), the issues of its latest scan (`ShowTaskDefects`, adding up to that
//! scan's counts), and the progress of a scan (`ShowProgressDetail`, running when a test starts
//! one).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;

use hwc_api::descriptor::Operation;
use serde::Serialize;

use super::CodeArtsPaging;
use super::request::{integer, to_json, validated};
use crate::data::codearts::{CodeArtsData, LatestScan};
use crate::data::defects::{Defect, defects};
use crate::gateway::GatewayError;

/// `ShowTaskListByProjectId`.
pub(crate) const TASKS: &Operation = &hwc_api::codearts_check::spec::SHOW_TASK_LIST_BY_PROJECT_ID;
/// `ShowTaskDetail`.
pub(crate) const SUMMARY: &Operation = &hwc_api::codearts_check::spec::SHOW_TASK_DETAIL;
/// `ShowTaskDefects`.
pub(crate) const DEFECTS: &Operation = &hwc_api::codearts_check::spec::SHOW_TASK_DEFECTS;
/// `ShowProgressDetail`.
pub(crate) const PROGRESS: &Operation = &hwc_api::codearts_check::spec::SHOW_PROGRESS_DETAIL;

/// How the simulated service spells its gate verdict (`is_access`): the pages and the SDK type
/// it as a string and never list its values, so clients are tried against both spellings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VerdictSpelling {
    /// `"true"` / `"false"` (the default).
    #[default]
    TrueFalse,
    /// `"1"` / `"0"`.
    OneZero,
}

/// How a scan a test started ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanOutcome {
    /// `task_status` 2.
    Succeeded,
    /// `task_status` 1.
    Failed,
    /// `task_status` 3 (stopped).
    Stopped,
}

impl ScanOutcome {
    fn task_status(self) -> u8 {
        match self {
            ScanOutcome::Succeeded => 2,
            ScanOutcome::Failed => 1,
            ScanOutcome::Stopped => 3,
        }
    }
}

/// A scan running until it has been asked about `polls` more times.
#[derive(Clone, Copy, Debug)]
struct Running {
    polls_left: u32,
    polls: u32,
    outcome: ScanOutcome,
}

/// The scans tests start, by task.
#[derive(Debug, Default)]
pub(crate) struct Scans(Mutex<HashMap<String, Running>>);

impl Scans {
    /// Starts a scan of `task` that reports running for `polls` progress requests, then ends
    /// with `outcome`.
    pub(crate) fn start(&self, task: &str, polls: u32, outcome: ScanOutcome) {
        if let Ok(mut scans) = self.0.lock() {
            scans.insert(
                task.to_owned(),
                Running {
                    polls_left: polls,
                    polls: polls.max(1),
                    outcome,
                },
            );
        }
    }

    /// The status and percentage reported now, counting this request.
    fn poll(&self, task: &str) -> (u8, u32) {
        let Ok(mut scans) = self.0.lock() else {
            return (2, 100);
        };
        match scans.get_mut(task) {
            None => (2, 100),
            Some(running) if running.polls_left == 0 => (running.outcome.task_status(), 100),
            Some(running) => {
                running.polls_left -= 1;
                let done = running.polls - running.polls_left - 1;
                (0, done * 100 / running.polls)
            }
        }
    }
}

/// A page of `ShowTaskListByProjectId`.
pub(crate) fn tasks(
    data: &CodeArtsData,
    paging: CodeArtsPaging,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(TASKS, path, query)?;
    let all = data.tasks_of(values.get("project_id").copied().unwrap_or_default());
    let limit = integer(TASKS, &values, "limit");
    let first = paging.first_record(integer(TASKS, &values, "offset"), limit);
    #[derive(Serialize)]
    struct Body {
        total: usize,
        tasks: Vec<crate::data::codearts::TaskInfo>,
    }
    to_json(&Body {
        total: all.len(),
        tasks: all.into_iter().skip(first).take(limit).collect(),
    })
}

/// The latest scan of `task`; an unknown task is 404 (the pages document no answer for one;
/// the code is the simulator's).
fn latest(data: &CodeArtsData, task: &str) -> Result<LatestScan, GatewayError> {
    data.latest_scan(task).ok_or_else(|| {
        GatewayError::new(
            axum::http::StatusCode::NOT_FOUND,
            "CC.00000001",
            format!("task {task} does not exist"),
        )
    })
}

/// `ShowTaskDetail`: the latest scan's counts as strings, and the gate verdict: passed when
/// the latest scan found no critical and no major issue.
pub(crate) fn summary(
    data: &CodeArtsData,
    spelling: VerdictSpelling,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(SUMMARY, path, query)?;
    let task = values.get("task_id").copied().unwrap_or_default();
    let scan = latest(data, task)?;
    let [critical, major, minor, suggestion] = scan.counts;
    let passed = critical == 0 && major == 0;
    let is_access = match (spelling, passed) {
        (VerdictSpelling::TrueFalse, true) => "true",
        (VerdictSpelling::TrueFalse, false) => "false",
        (VerdictSpelling::OneZero, true) => "1",
        (VerdictSpelling::OneZero, false) => "0",
    };
    to_json(&serde_json::json!({
        "task_id": task,
        "task_name": format!("{task} (simulated)"),
        "git_branch": "master",
        "last_check_time": scan.check_time,
        "issue_count": critical + major + minor + suggestion,
        "critical_count": critical.to_string(),
        "major_count": major.to_string(),
        "minor_count": minor.to_string(),
        "suggestion_count": suggestion.to_string(),
        "is_access": is_access,
        "code_quality": 100.0 - f64::from(critical * 5 + major).min(100.0),
        "check_type": "source",
        "trigger_type": "manual",
    }))
}

/// A page of `ShowTaskDefects`: pending issues of the latest scan (the service's default
/// status filter), by severity when asked; `offset` read as `paging` says, and with `repeats`
/// each page also repeats some of its own issues (the 2026 page: "more records than `limit`,
/// exactly `limit` after removing duplicates by `defect_id`").
pub(crate) fn defects_page(
    data: &CodeArtsData,
    paging: CodeArtsPaging,
    repeats: bool,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(DEFECTS, path, query)?;
    let task = values.get("task_id").copied().unwrap_or_default();
    let scan = latest(data, task)?;
    let list = |name: &str| -> Vec<usize> {
        values
            .get(name)
            .map(|text| text.split(',').filter_map(|v| v.parse().ok()).collect())
            .unwrap_or_default()
    };
    let statuses = list("status_ids");
    let levels = list("severity");
    let limit = integer(DEFECTS, &values, "limit");
    let first = paging.first_record(integer(DEFECTS, &values, "offset"), limit);
    // Every simulated issue is pending (status 0).
    let (total, mut items) = if statuses.is_empty() || statuses.contains(&0) {
        defects(task, &scan, &levels, first, limit)
    } else {
        (0, Vec::new())
    };
    if repeats {
        let copies: Vec<Defect> = items.iter().step_by(3).cloned().collect();
        for (at, copy) in copies.into_iter().enumerate() {
            let position = (at * 4 + 1).min(items.len());
            items.insert(position, copy);
        }
    }
    #[derive(Serialize)]
    struct Body {
        total: usize,
        defects: Vec<Defect>,
    }
    to_json(&Body {
        total,
        defects: items,
    })
}

/// `ShowProgressDetail`: done (2, 100%) unless a test started a scan of the task.
pub(crate) fn progress(
    scans: &Scans,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(PROGRESS, path, query)?;
    let task = values.get("task_id").copied().unwrap_or_default();
    let (status, ratio) = scans.poll(task);
    let info = match status {
        0 => "checking",
        1 => "check failed",
        3 => "check stopped",
        _ => "check success",
    };
    to_json(&serde_json::json!({
        "task_status": status,
        "progress": {"ratio": ratio.to_string(), "info": info},
    }))
}
