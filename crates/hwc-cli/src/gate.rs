//! `hwc codearts-check gate`: a verdict on the latest scan of a task, for CI pipelines:
//! thresholds per severity and/or no increase against the scan before, exit 0 when it passes
//! and [`EXIT_GATE_FAILED`](crate::report::EXIT_GATE_FAILED) when it does not.

use std::io::Write;

use hwc::codearts_check::{CheckRecord, CheckRecords, IssueCounts};
use serde::Serialize;

use crate::args::{Gate, Output, Severity};
use crate::commands::Failure;

/// One check of the verdict.
#[derive(Debug, Serialize)]
struct Check {
    severity: &'static str,
    rule: String,
    latest: Option<i64>,
    previous: Option<i64>,
    passed: bool,
}

/// The verdict, as `--output json` prints it.
#[derive(Debug, Serialize)]
struct Verdict {
    passed: bool,
    task_id: String,
    latest_scan: Option<String>,
    previous_scan: Option<String>,
    checks: Vec<Check>,
    reason: Option<String>,
}

fn count(counts: &IssueCounts, severity: Severity) -> Option<i64> {
    match severity {
        Severity::Critical => counts.critical,
        Severity::Serious => counts.serious,
        Severity::Normal => counts.normal,
        Severity::Prompt => counts.prompt,
    }
}

fn scan_time(scan: &CheckRecord) -> Option<String> {
    let time = scan.check_time.as_ref()?;
    Some(
        time.instant
            .map_or_else(|| time.raw.clone(), crate::output::rfc3339),
    )
}

/// Judges `latest` (and `previous`, for `--no-increase`) against the rules of `args`. A count
/// the API left out fails its check: a gate must not pass on what it could not see.
fn judge(args: &Gate, latest: &CheckRecord, previous: Option<&CheckRecord>) -> Vec<Check> {
    let mut checks = Vec::new();
    for severity in Severity::ALL {
        let now = count(&latest.issue_counts, severity);
        if let Some(maximum) = args.maximum(severity) {
            checks.push(Check {
                severity: severity.name(),
                rule: format!("at most {maximum}"),
                latest: now,
                previous: None,
                passed: now.is_some_and(|n| n <= maximum),
            });
        }
        if args.no_increase.contains(&severity) {
            let before = previous.and_then(|scan| count(&scan.issue_counts, severity));
            checks.push(Check {
                severity: severity.name(),
                rule: "no increase".into(),
                latest: now,
                previous: before,
                // Without a scan before, there is nothing to have increased from.
                passed: match (now, previous, before) {
                    (Some(_), None, _) => true,
                    (Some(now), Some(_), Some(before)) => now <= before,
                    _ => false,
                },
            });
        }
    }
    checks
}

/// Runs the gate: one request for the two newest scans in the window.
pub async fn gate(
    request: CheckRecords,
    task: &str,
    args: &Gate,
    format: Output,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let page = request.offset(0).limit(2).send().await?;
    // The API lists newest first, which its pages do not promise: the later scan is the latest.
    let mut scans: Vec<&CheckRecord> = page.items.iter().take(2).collect();
    let started = |scan: &CheckRecord| scan.check_time.as_ref().and_then(|t| t.instant);
    if let [first, second] = scans[..]
        && started(second) > started(first)
    {
        scans.swap(0, 1);
    }
    let latest = scans.first().copied();
    let previous = scans.get(1).copied();
    let (checks, reason) = match latest {
        Some(latest) => (judge(args, latest, previous), None),
        None => (
            Vec::new(),
            Some("no scan of the task in the window".to_owned()),
        ),
    };
    let passed = latest.is_some() && checks.iter().all(|check| check.passed);
    let verdict = Verdict {
        passed,
        task_id: task.to_owned(),
        latest_scan: latest.and_then(scan_time),
        previous_scan: previous.and_then(scan_time),
        checks,
        reason,
    };
    match format {
        Output::Json | Output::Jsonl => {
            serde_json::to_writer_pretty(&mut *out, &verdict).map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        Output::Table | Output::Csv => print_table(&verdict, out)?,
    }
    out.flush()?;
    if passed {
        Ok(())
    } else {
        Err(Failure::GateFailed)
    }
}

fn print_table(verdict: &Verdict, out: &mut impl Write) -> std::io::Result<()> {
    let failed = verdict.checks.iter().filter(|check| !check.passed).count();
    match (&verdict.reason, verdict.passed) {
        (Some(reason), _) => writeln!(out, "FAIL: {reason} ({})", verdict.task_id)?,
        (None, true) => writeln!(
            out,
            "PASS: the scan of {} at {} meets all {} checks",
            verdict.task_id,
            verdict.latest_scan.as_deref().unwrap_or("?"),
            verdict.checks.len()
        )?,
        (None, false) => writeln!(
            out,
            "FAIL: the scan of {} at {} fails {failed} of {} checks",
            verdict.task_id,
            verdict.latest_scan.as_deref().unwrap_or("?"),
            verdict.checks.len()
        )?,
    }
    let shown = |n: Option<i64>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
    for check in &verdict.checks {
        writeln!(
            out,
            "  {:<4} {:>8}  latest {:>6}  previous {:>6}  {}",
            if check.passed { "ok" } else { "FAIL" },
            check.severity,
            shown(check.latest),
            shown(check.previous),
            check.rule
        )?;
    }
    Ok(())
}
