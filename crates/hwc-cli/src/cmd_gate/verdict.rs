//! What a verdict on one task holds: its checks, each passed or not, and why no check could be
//! made when none could; what the printer and every report read.

use serde::Serialize;

/// One check of the verdict.
#[derive(Debug, Serialize)]
pub struct Check {
    /// The severity counted, or `service` for the service's own gate.
    pub severity: String,
    /// The rule, in words (`at most 0`, `no increase`).
    pub rule: String,
    /// The latest scan's count, when the rule reads one.
    pub latest: Option<i64>,
    /// The count of the scan before, for `no increase`.
    pub previous: Option<i64>,
    /// Whether the check passed.
    pub passed: bool,
    /// What the check saw, where counts do not say it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Check {
    /// The check in one line, for reports.
    pub fn describe(&self) -> String {
        if let Some(detail) = &self.detail {
            return detail.clone();
        }
        let shown = |n: Option<i64>| n.map_or_else(|| "unknown".to_owned(), |n| n.to_string());
        match self.previous {
            Some(previous) => format!(
                "{} issues: {} now, {previous} before ({})",
                self.severity,
                shown(self.latest),
                self.rule
            ),
            None => format!(
                "{} issues: {} ({})",
                self.severity,
                shown(self.latest),
                self.rule
            ),
        }
    }
}

/// The verdict on one task, as `--output json` prints it.
#[derive(Debug, Serialize)]
pub struct Verdict {
    /// No reason and every check passed.
    pub passed: bool,
    /// The task judged.
    pub task_id: String,
    /// When the scan judged ran (RFC 3339, or as the API sent it).
    pub latest_scan: Option<String>,
    /// When the scan before it ran, for `no increase`.
    pub previous_scan: Option<String>,
    /// The checks made.
    pub checks: Vec<Check>,
    /// Why the scan could not be judged (none in the window, failed, stopped, still running).
    pub reason: Option<String>,
}
