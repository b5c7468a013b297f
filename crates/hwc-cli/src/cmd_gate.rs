//! `hwc codearts-check gate`: a verdict on the latest scan of a task, for CI pipelines:
//! thresholds per severity and/or no increase against the scan before, exit 0 when it passes
//! and `EXIT_GATE_FAILED` (4) when it does not.

use std::io::Write;

use hwc::codearts_check::{CheckRecord, CheckRecords, IssueCounts};
use serde::Serialize;

use clap::{Args, ValueEnum};

use crate::exit::Failure;
use crate::render::Output;

/// A severity of CodeArts Check's issue counts.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Critical issues.
    Critical,
    /// Major issues.
    Serious,
    /// Common problems.
    Normal,
    /// Suggestions.
    Prompt,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::Serious,
        Severity::Normal,
        Severity::Prompt,
    ];

    /// The API's name of the count.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Serious => "serious",
            Severity::Normal => "normal",
            Severity::Prompt => "prompt",
        }
    }
}

/// `hwc codearts-check gate`.
#[derive(Args, Debug)]
#[command(group(
    clap::ArgGroup::new("rules")
        .required(true)
        .multiple(true)
        .args(["max_critical", "max_serious", "max_normal", "max_prompt", "no_increase"])
))]
pub struct Gate {
    /// Fail when the latest scan has more critical issues than this.
    #[arg(long, value_name = "N")]
    pub max_critical: Option<i64>,
    /// Fail when the latest scan has more serious issues than this.
    #[arg(long, value_name = "N")]
    pub max_serious: Option<i64>,
    /// Fail when the latest scan has more normal issues than this.
    #[arg(long, value_name = "N")]
    pub max_normal: Option<i64>,
    /// Fail when the latest scan has more prompt issues (suggestions) than this.
    #[arg(long, value_name = "N")]
    pub max_prompt: Option<i64>,
    /// Fail when these counts grew since the scan before (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "SEVERITY,..")]
    pub no_increase: Vec<Severity>,
}

impl Gate {
    /// The threshold set for `severity`, if any.
    pub fn maximum(&self, severity: Severity) -> Option<i64> {
        match severity {
            Severity::Critical => self.max_critical,
            Severity::Serious => self.max_serious,
            Severity::Normal => self.max_normal,
            Severity::Prompt => self.max_prompt,
        }
    }
}

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
            .map_or_else(|| time.raw.clone(), crate::render::rfc3339),
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

/// Runs the gate: one request for the two newest scans in the window (every page when the
/// answers show the scans come oldest first). The exit code is the verdict's whether or not it
/// could be printed: a pipeline must not pass because its log was closed.
pub async fn gate(
    request: CheckRecords,
    task: &str,
    args: &Gate,
    format: Output,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let newest = newest_two(request).await?;
    let (checks, reason) = match &newest {
        Ok((Some(latest), previous)) => (judge(args, latest, previous.as_ref()), None),
        Ok((None, _)) => (
            Vec::new(),
            Some("no scan of the task in the window".to_owned()),
        ),
        Err(reason) => (Vec::new(), Some(reason.clone())),
    };
    let (latest, previous) = match &newest {
        Ok((latest, previous)) => (latest.as_ref(), previous.as_ref()),
        Err(_) => (None, None),
    };
    let passed = reason.is_none() && checks.iter().all(|check| check.passed);
    let verdict = Verdict {
        passed,
        task_id: task.to_owned(),
        latest_scan: latest.and_then(scan_time),
        previous_scan: previous.and_then(scan_time),
        checks,
        reason,
    };
    crate::exit::unless_unwritten("the verdict", print(&verdict, format, out));
    if passed {
        Ok(())
    } else {
        Err(Failure::GateFailed)
    }
}

fn print(verdict: &Verdict, format: Output, out: &mut impl Write) -> std::io::Result<()> {
    match format {
        // `-o ocsf` is refused before a gate runs; a verdict is JSON whatever.
        Output::Json | Output::Jsonl | Output::Ocsf => {
            serde_json::to_writer_pretty(&mut *out, verdict)?;
            writeln!(out)?;
        }
        Output::Table | Output::Csv => print_table(verdict, out)?,
    }
    out.flush()
}

/// The latest scan and the one before it, or why they cannot be told.
type Newest = Result<(Option<CheckRecord>, Option<CheckRecord>), String>;

/// The latest scan and the one before. The API's first scan is the latest unless the first two
/// scans' times are both known and say the answers come oldest first; then every scan is
/// fetched and the latest is found by time, which every scan must then have.
async fn newest_two(request: CheckRecords) -> Result<Newest, Failure> {
    let started = |scan: &CheckRecord| scan.check_time.as_ref().and_then(|t| t.instant);
    let first = request.clone().offset(0).limit(2).send().await?;
    let mut first = first.items.into_iter();
    let (latest, previous) = (first.next(), first.next());
    let oldest_first = match (&latest, &previous) {
        (Some(latest), Some(previous)) => matches!(
            (started(latest), started(previous)),
            (Some(one), Some(two)) if two > one
        ),
        _ => false,
    };
    if !oldest_first {
        return Ok(Ok((latest, previous)));
    }
    let mut scans = Vec::new();
    let mut pages = request.into_paginator().items();
    while let Some(scan) = futures::StreamExt::next(&mut pages).await {
        scans.push(scan?);
    }
    tracing::info!(
        scans = scans.len(),
        "the scans come oldest first: every page was fetched to find the latest"
    );
    let mut timed = Vec::with_capacity(scans.len());
    for (index, scan) in scans.into_iter().enumerate() {
        match started(&scan) {
            Some(instant) => timed.push((instant, scan)),
            None => {
                return Ok(Err(format!(
                    "the scans come oldest first and scan {} of the answers has no readable check_time ({:?}): the latest scan cannot be told",
                    index + 1,
                    scan.check_time.as_ref().map(|t| t.raw.as_str())
                )));
            }
        }
    }
    timed.sort_by_key(|(instant, _)| std::cmp::Reverse(*instant));
    let mut newest = timed.into_iter().map(|(_, scan)| scan);
    Ok(Ok((newest.next(), newest.next())))
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
