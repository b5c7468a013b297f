//! `hwc codearts-check trend`: every scan of a task in a range, a chart of its issue counts, and
//! the last scan against the one before.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use futures::StreamExt;
use hwc::codearts_check::{CheckRecord, CheckRecords};

use crate::exit::Failure;
use crate::render::chart;
use crate::render::rfc3339;

/// `hwc codearts-check trend`.
#[derive(Args, Debug)]
pub struct Trend {
    /// Write the chart as SVG to this file.
    #[arg(long, value_name = "FILE", conflicts_with = "png")]
    pub svg: Option<PathBuf>,
    /// Write the chart as PNG to this file.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
    /// Every task of --codearts-project, one summary each, instead of --task-id's; a chart per
    /// task, named after the file given with the task id before its extension
    /// (`trend-<task>.svg`).
    #[arg(long)]
    pub all_tasks: bool,
}

/// `hwc codearts-check trend --all-tasks`: the trend of every task of the project.
pub async fn trend_of_all_tasks(
    client: &hwc::Client,
    given: &[(&str, &str)],
    args: &Trend,
    out: &mut impl Write,
) -> Result<(), Failure> {
    use crate::cmd_records::all_tasks;
    let project = given
        .iter()
        .find(|(name, _)| *name == "project_id")
        .map_or("", |(_, value)| *value);
    for task in all_tasks::task_ids(client, project).await? {
        let request = all_tasks::request_of(client, given, &task)?;
        let mut scans = Vec::new();
        let mut stream = request.into_paginator().items();
        while let Some(scan) = stream.next().await {
            scans.push(scan?);
        }
        let svg = args.svg.as_deref().map(|path| per_task(path, &task));
        let png = args.png.as_deref().map(|path| per_task(path, &task));
        write_trend(
            &scans,
            &task,
            chart::ChartFile::of(svg.as_deref(), png.as_deref()),
            out,
        )?;
    }
    Ok(())
}

/// `trend.svg` for task `t1`: `trend-t1.svg`, beside it (the task id made safe for a file name).
fn per_task(path: &std::path::Path, task: &str) -> PathBuf {
    let safe: String = task
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(extension) => format!("{stem}-{safe}.{}", extension.to_string_lossy()),
        None => format!("{stem}-{safe}"),
    };
    path.with_file_name(name)
}

/// `hwc codearts-check trend`: every scan in the range, a chart, and a summary.
pub async fn trend(
    request: CheckRecords,
    task: &str,
    args: &Trend,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let mut scans = Vec::new();
    let mut stream = request.into_paginator().items();
    while let Some(scan) = stream.next().await {
        scans.push(scan?);
    }
    write_trend(
        &scans,
        task,
        chart::ChartFile::of(args.svg.as_deref(), args.png.as_deref()),
        out,
    )
}

/// Writes the chart (when asked) and the summary of `scans` (newest first, as the API gives).
pub fn write_trend(
    scans: &[CheckRecord],
    task: &str,
    chart: Option<chart::ChartFile<'_>>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let mut points: Vec<chart::Point> = scans
        .iter()
        .filter_map(|scan| {
            let instant = scan.check_time.as_ref()?.instant?;
            let c = scan.issue_counts;
            Some((
                instant,
                [c.critical, c.serious, c.normal, c.prompt].map(|n| n.unwrap_or(0)),
            ))
        })
        .collect();
    points.sort_by_key(|(instant, _)| *instant);
    writeln!(out, "{} scans of task {task}", points.len())?;
    if let [.., previous, last] = points.as_slice() {
        writeln!(
            out,
            "last scan {} against {}:",
            rfc3339(last.0),
            rfc3339(previous.0)
        )?;
        for (index, (name, _)) in chart::SEVERITIES.iter().enumerate() {
            let (now, before) = (last.1[index], previous.1[index]);
            // Counts come from the network: the difference of any two fits an i128.
            let change = i128::from(now) - i128::from(before);
            writeln!(out, "  {name:>8} {now:>6} ({change:+})")?;
        }
    }
    if let Some(chart) = chart {
        let path = chart
            .write(&format!("Issues per scan of {task}"), &points)
            .map_err(|message| Failure::Write {
                target: chart.path().to_owned(),
                message,
            })?;
        writeln!(out, "chart written to {}", path.display())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use hwc::codearts_check::IssueCounts;

    use super::*;

    fn scan(time: &str, count: i64) -> CheckRecord {
        CheckRecord::new().with_check_time(time).with_issue_counts(
            IssueCounts::new(count, count, count.saturating_neg(), 0).without_prompt(),
        )
    }

    #[test]
    fn counts_of_any_size_summarise_and_chart_without_overflow() {
        let dir = tempfile::tempdir().unwrap();
        for (newer, older) in [
            (i64::MAX, i64::MIN),
            (i64::MIN, i64::MAX),
            (i64::MAX, i64::MAX),
        ] {
            let scans = [
                scan("2026-11-02 08:00:00", newer),
                scan("2026-11-01 08:00:00", older),
            ];
            let svg = dir.path().join("trend.svg");
            let mut out = Vec::new();
            write_trend(&scans, "t", Some(chart::ChartFile::Svg(&svg)), &mut out)
                .unwrap_or_else(|_| panic!("{newer} {older}"));
            let text = String::from_utf8(out).unwrap();
            let change = i128::from(newer) - i128::from(older);
            assert!(text.contains(&format!("({change:+})")), "{text}");
            assert!(text.contains("2026-11-02T00:00:00Z"), "{text}");
        }
    }
}
