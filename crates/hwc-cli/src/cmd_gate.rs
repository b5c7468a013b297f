//! `hwc codearts-check gate`: a verdict on the latest scan of a task, or of every task of a
//! project, for CI pipelines: thresholds per severity, no increase against the scan before, the
//! service's own quality gate; optionally after waiting for the running scan; with reports
//! beside it (JUnit, SARIF, a GitHub job summary). Exit 0 when every verdict passes and
//! `EXIT_GATE_FAILED` (4) when one does not.
//!
//! - [`verdict`]: what a verdict on one task holds, its checks
//! - [`service_verdict`]: `--service-verdict`, `is_access` of `ShowTaskDetail`
//! - [`wait`]: `--wait`, `ShowProgressDetail` until the scan ends
//! - [`junit`], [`sarif`], [`github`]: the reports

mod github;
mod junit;
mod sarif;
mod service_verdict;
mod verdict;
mod wait;

use std::io::Write;
use std::path::PathBuf;

use hwc::Client;
use hwc::codearts_check::{CheckRecord, CheckRecords, IssueCounts};

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::exit::Failure;
use crate::render::Output;
use verdict::{Check, Verdict};

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
        .args(["max_critical", "max_serious", "max_normal", "max_prompt", "no_increase", "service_verdict"])
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
    /// Fail unless the service's own quality gate passed (is_access of ShowTaskDetail);
    /// combines with the other rules.
    #[arg(long)]
    pub service_verdict: bool,
    /// Judge every task of --codearts-project (one verdict each; fails when any fails)
    /// instead of --task-id.
    #[arg(long)]
    pub all_tasks: bool,
    /// First wait for the task's running scan to end (polling its progress with backoff), at
    /// most this long (30s, 10m, 1h); a scan that failed, was stopped or still runs fails the
    /// gate.
    #[arg(long, value_name = "DURATION", value_parser = crate::time_args::parse_wait)]
    pub wait: Option<std::time::Duration>,
    /// Also write the verdicts as a JUnit XML report (one test case per check per task).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write the pending issues of each judged scan as SARIF 2.1.0 (code scanning).
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Under GitHub Actions: append a Markdown summary to $GITHUB_STEP_SUMMARY and print an
    /// ::error annotation per failed check (on stderr).
    #[arg(long)]
    pub github: bool,
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
                severity: severity.name().to_owned(),
                rule: format!("at most {maximum}"),
                latest: now,
                previous: None,
                passed: now.is_some_and(|n| n <= maximum),
                detail: None,
            });
        }
        if args.no_increase.contains(&severity) {
            let before = previous.and_then(|scan| count(&scan.issue_counts, severity));
            checks.push(Check {
                severity: severity.name().to_owned(),
                detail: None,
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

impl Gate {
    /// Whether any rule reads the scans' counts (else only the service's verdict is asked).
    fn counts_rules(&self) -> bool {
        Severity::ALL
            .iter()
            .any(|&severity| self.maximum(severity).is_some())
            || !self.no_increase.is_empty()
    }
}

/// Runs the gate: the tasks to judge (`--task-id`, or every task of the project with
/// `--all-tasks`), each judged and its verdict printed, then the reports. The exit code is the
/// verdicts' whether or not they could be printed: a pipeline must not pass because its log
/// was closed; a report that cannot be written turns a pass into exit 3, never a failure into a
/// pass.
pub async fn gate(
    client: &Client,
    given: &[(&str, &str)],
    args: &Gate,
    format: Output,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let value = |name: &str| {
        given
            .iter()
            .find(|(given, _)| *given == name)
            .map(|(_, value)| (*value).to_owned())
    };
    let project = value("project_id").unwrap_or_default();
    let tasks =
        if args.all_tasks {
            crate::cmd_records::all_tasks::task_ids(client, &project).await?
        } else {
            vec![value("task_id").ok_or_else(|| {
                Failure::Usage("--task-id is required (or --all-tasks)".to_owned())
            })?]
        };
    // One deadline for the whole run: `--wait` is how long the gate may wait, however many
    // tasks it waits for.
    let deadline = args.wait.map(|limit| std::time::Instant::now() + limit);
    // One JSON document of several verdicts is printed whole at the end.
    let at_once = !(args.all_tasks && format == Output::Json);
    let mut verdicts = Vec::with_capacity(tasks.len().max(1));
    for task in &tasks {
        let verdict = judge_task(client, given, task, args, deadline).await?;
        if at_once {
            crate::exit::unless_unwritten("the verdict", print(&verdict, format, out));
        }
        verdicts.push(verdict);
    }
    if tasks.is_empty() {
        // Nothing to judge is a failed gate, never a pass.
        let verdict = Verdict {
            passed: false,
            task_id: String::new(),
            latest_scan: None,
            previous_scan: None,
            checks: Vec::new(),
            reason: Some(format!("CodeArts project {project} has no tasks to judge")),
        };
        if at_once {
            crate::exit::unless_unwritten("the verdict", print(&verdict, format, out));
        }
        verdicts.push(verdict);
    }
    if !at_once {
        crate::exit::unless_unwritten("the verdicts", print_all(&verdicts, out));
    }
    let passed = verdicts.iter().all(|verdict| verdict.passed);
    let reports = write_reports(client, args, &verdicts).await;
    match (passed, reports) {
        (false, Err(error)) => {
            // Said on stderr; the exit code stays the failed verdict's.
            let _ = crate::exit::exit_code(Err(error));
            Err(Failure::GateFailed)
        }
        (false, Ok(())) => Err(Failure::GateFailed),
        (true, reports) => reports,
    }
}

/// The verdict on `task`: waited for when asked, its counts' rules, the service's verdict.
async fn judge_task(
    client: &Client,
    given: &[(&str, &str)],
    task: &str,
    args: &Gate,
    deadline: Option<std::time::Instant>,
) -> Result<Verdict, Failure> {
    let mut reason = None;
    if let Some(deadline) = deadline {
        reason = wait::until_done(client, task, deadline).await?;
    }
    let mut checks = Vec::new();
    let (mut latest_scan, mut previous_scan) = (None, None);
    if reason.is_none() && args.counts_rules() {
        let request = crate::cmd_records::all_tasks::request_of(client, given, task)?;
        match newest_two(request).await? {
            Ok((Some(latest), previous)) => {
                checks = judge(args, &latest, previous.as_ref());
                latest_scan = scan_time(&latest);
                previous_scan = previous.as_ref().and_then(scan_time);
            }
            Ok((None, _)) => reason = Some("no scan of the task in the window".to_owned()),
            Err(why) => reason = Some(why),
        }
    }
    if reason.is_none() && args.service_verdict {
        let (check, last_check) = service_verdict::check(client, task).await?;
        checks.push(check);
        latest_scan = latest_scan.or(last_check);
    }
    let passed = reason.is_none() && checks.iter().all(|check| check.passed);
    Ok(Verdict {
        passed,
        task_id: task.to_owned(),
        latest_scan,
        previous_scan,
        checks,
        reason,
    })
}

/// The reports asked for, each written whole or not at all; every one is attempted, and the
/// first failure is returned.
async fn write_reports(client: &Client, args: &Gate, verdicts: &[Verdict]) -> Result<(), Failure> {
    let write = |path: &PathBuf, text: &[u8]| {
        crate::export::files::replace(path, text).map_err(|error| Failure::Write {
            target: path.clone(),
            message: error.to_string(),
        })
    };
    let mut outcomes = Vec::new();
    if let Some(path) = &args.junit {
        outcomes.push(write(path, junit::report(verdicts).as_bytes()));
    }
    if let Some(path) = &args.sarif {
        let sarif = async {
            let mut tasks = Vec::with_capacity(verdicts.len());
            for verdict in verdicts
                .iter()
                .filter(|verdict| !verdict.task_id.is_empty())
            {
                tasks.push((
                    verdict.task_id.clone(),
                    sarif::issues(client, &verdict.task_id).await?,
                ));
            }
            let text = serde_json::to_vec_pretty(&sarif::document(&tasks))
                .map_err(|error| Failure::Usage(error.to_string()))?;
            write(path, &text)
        };
        outcomes.push(sarif.await);
    }
    if args.github {
        outcomes.push(github::write(verdicts));
    }
    outcomes.into_iter().collect()
}

/// Several verdicts as one JSON document: whether all passed, and each.
fn print_all(verdicts: &[Verdict], out: &mut impl Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct All<'a> {
        passed: bool,
        verdicts: &'a [Verdict],
    }
    let all = All {
        passed: verdicts.iter().all(|verdict| verdict.passed),
        verdicts,
    };
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)?;
    out.flush()
}

fn print(verdict: &Verdict, format: Output, out: &mut impl Write) -> std::io::Result<()> {
    match format {
        // `-o ocsf` is refused before a gate runs; a verdict is JSON whatever.
        Output::Json | Output::Ocsf => {
            serde_json::to_writer_pretty(&mut *out, verdict)?;
            writeln!(out)?;
        }
        // One line per verdict.
        Output::Jsonl => {
            serde_json::to_writer(&mut *out, verdict)?;
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
