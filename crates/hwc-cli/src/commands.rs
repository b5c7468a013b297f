//! The operations' commands: `hwc hss vul-history` and `hwc codearts-check records` with
//! their hand-chosen columns and extras, any other operation of the specs with its items as
//! JSON, and `hwc codearts-check trend`.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use hwc::codearts_check::{CheckRecord, CheckRecords};
use hwc::hss::{HandleRecord, ImageVulHandleHistory};
use hwc::{FromParameters, Page, PagedRequest, Paginator};
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::{Output, Trend, VulHistoryExtras};
use crate::chart;
use crate::export::{Export, Query, Seen};
use crate::failure::Failure;
use crate::operations::Invocation;
use crate::output::{Layout, Printer, Row, Tabular};
use crate::session::Session;

/// Runs the operation the command line asked for.
pub async fn run_operation(
    session: &Session,
    invocation: &Invocation<'_>,
    format: Output,
) -> Result<(), Failure> {
    let client = &session.client;
    let given = invocation.pairs();
    let operation = invocation.operation;
    if operation.id == hwc::hss::OPERATION.id {
        let extras =
            <VulHistoryExtras as clap::FromArgMatches>::from_arg_matches(invocation.matches)
                .map_err(|error| Failure::Usage(error.to_string()))?;
        let request = ImageVulHandleHistory::from_parameters(client, &given)?;
        let query = if extras.state.is_some() || extras.append.is_some() {
            export_query(session, operation, &given).await?
        } else {
            Query::default()
        };
        return vul_history(request, invocation.all, &extras, format, query).await;
    }
    if operation.id == hwc::codearts_check::OPERATION.id {
        let request = CheckRecords::from_parameters(client, &given)?;
        return records(request, invocation.all, format).await;
    }
    // An operation nobody wrote a command for: its items as JSON, every field a column.
    let entry = hwc::operations()
        .find(|entry| entry.operation.id == operation.id)
        .ok_or_else(|| Failure::Usage(format!("{} has no command", operation.id)))?;
    let pages = (entry.json_pages)(client, &given, invocation.all)?;
    let layout = Layout::fields(operation.paging.map_or(&[], |p| p.item_fields));
    let resume = invocation
        .all
        .then(|| Resume::new(operation, page_size(&given, operation)));
    let stdout = std::io::stdout().lock();
    print_pages(pages, format, layout, resume, stdout, |_| true).await
}

/// The query an export's state belongs to: the operation, the parameters given but paging,
/// the project and the endpoint.
async fn export_query(
    session: &Session,
    operation: &'static hwc::descriptor::Operation,
    given: &[(&str, &str)],
) -> Result<Query, Failure> {
    let paging = operation
        .paging
        .map(|p| [p.offset_parameter, p.limit_parameter]);
    let parameters = given
        .iter()
        .filter(|(name, _)| !paging.is_some_and(|paging| paging.contains(name)))
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    Ok(Query {
        operation: operation.id.to_owned(),
        parameters,
        project: session.client.resolve_project_id().await?.to_owned(),
        endpoint: session.endpoint_label(hwc::Service::Hss)?,
    })
}

/// The page size given as the operation's limit parameter.
fn page_size(given: &[(&str, &str)], operation: &hwc::descriptor::Operation) -> Option<u64> {
    let limit = operation.paging?.limit_parameter;
    given
        .iter()
        .find(|(name, _)| *name == limit)
        .and_then(|(_, value)| value.parse().ok())
}

/// `hwc hss vul-history`.
pub async fn vul_history(
    request: ImageVulHandleHistory,
    all: bool,
    args: &VulHistoryExtras,
    format: Output,
    query: Query,
) -> Result<(), Failure> {
    let (_, limit) = request.paging();
    let now = jiff::Timestamp::now();
    let until = args.until.map(|until| until.at(now));
    if args.append.is_some() && !matches!(format, Output::Jsonl | Output::Csv) {
        return Err(Failure::Usage(
            "--append takes --output jsonl or csv (whole lines a reader can tail)".into(),
        ));
    }
    let export = if args.state.is_some() || args.append.is_some() {
        Some(
            Export::begin(
                args.state.as_deref(),
                args.append.as_deref(),
                &query,
                args.wait_lock,
            )
            .await?,
        )
    } else {
        None
    };
    let known = export
        .as_ref()
        .map(|export| export.known().clone())
        .unwrap_or_default();
    // Records older than the newest one already exported are not new (same second: by key).
    let since = match (args.since.map(|since| since.at(now)), known.newest) {
        (Some(given), Some(exported)) => Some(given.max(exported)),
        (given, exported) => given.or(exported),
    };
    if !(all || since.is_some() || export.is_some()) {
        // One page, as asked; --until still leaves out what is newer.
        let mut page = request.send().await?;
        if let Some(until) = until {
            page.items
                .retain(|record| record.handle_time.is_none_or(|time| time <= until));
        }
        return print_page(page.items, page.total, format);
    }
    let paginator = Paginator::new(request);
    // A run cut at a boundary has nothing to resume, nor has an export (going on from an
    // offset would lose or repeat records: the same command again is what goes on); a plain
    // --all has.
    let resume =
        (since.is_none() && export.is_none()).then(|| Resume::new(hwc::hss::OPERATION, limit));
    // Stops at the first record handled before --since when the answers come newest first;
    // pages everything and leaves older records out otherwise.
    let pages = match since {
        Some(since) => paginator.pages_since(since, |record: &HandleRecord| record.handle_time),
        None => paginator.pages(),
    };
    // Which records to print: the --until window, not exported before; and what this run
    // exported, for the next state.
    let mut next = known.clone();
    let select = |record: &HandleRecord| {
        let in_window = until.is_none_or(|until| record.handle_time.is_none_or(|t| t <= until));
        if !in_window {
            return false;
        }
        match known.seen(record, now) {
            Seen::Before => return false,
            Seen::New => {}
            Seen::NewFromTheFuture => tracing::warn!(
                handle_time = ?record.handle_time,
                user_name = record.user_name.as_deref().unwrap_or(""),
                image_name = record.image_name.as_deref().unwrap_or(""),
                "a record is dated more than a day in the future: exported once, and not taken as the time to go on from"
            ),
        }
        next.emitted(record, now);
        true
    };
    let Some(export) = export else {
        let stdout = std::io::stdout().lock();
        return print_pages(
            pages,
            format,
            HandleRecord::layout(),
            resume,
            stdout,
            select,
        )
        .await;
    };
    let output = export.output()?;
    match &output {
        Some(file) => {
            let written = print_pages(
                pages,
                format,
                HandleRecord::layout(),
                None,
                std::io::BufWriter::new(file.as_file()),
                select,
            )
            .await;
            // Writing went to the export's file, not to standard output.
            written.map_err(|failure| match failure {
                Failure::Io(error) => Failure::Write {
                    target: file.path().to_owned(),
                    message: error.to_string(),
                },
                other => other,
            })?;
        }
        None => {
            let stdout = std::io::stdout().lock();
            print_pages(pages, format, HandleRecord::layout(), None, stdout, select).await?;
        }
    }
    // Only a complete run moves the state on.
    export.commit(next, output, format == Output::Csv)
}

/// `hwc codearts-check records`.
pub async fn records(request: CheckRecords, all: bool, format: Output) -> Result<(), Failure> {
    if all {
        let (_, limit) = request.paging();
        let resume = Resume::new(hwc::codearts_check::OPERATION, limit);
        let stdout = std::io::stdout().lock();
        let pages = Paginator::new(request).pages();
        return print_pages(
            pages,
            format,
            CheckRecord::layout(),
            Some(resume),
            stdout,
            |_| true,
        )
        .await;
    }
    let page = request.send().await?;
    print_page(page.items, page.total, format)
}

fn print_page<R: Tabular>(
    items: Vec<R>,
    total: Option<u64>,
    format: Output,
) -> Result<(), Failure> {
    let stdout = std::io::stdout().lock();
    let mut printer = Printer::<_, R>::new(format, R::layout(), stdout)?;
    printer.push(items)?;
    printer.finish(total)?;
    Ok(())
}

/// Where an `--all` run got to, to print the command that goes on from there.
pub struct Resume {
    unit: hwc::descriptor::OffsetUnit,
    page_size: u64,
    /// Index of the record after the last one printed.
    next_item: Option<u64>,
}

impl Resume {
    /// For `operation` paged `page_size` records at a time (the spec's largest when `None`).
    pub fn new(operation: &hwc::descriptor::Operation, page_size: Option<u64>) -> Self {
        let paging = operation.paging;
        let largest = paging
            .and_then(|p| operation.parameter(p.limit_parameter))
            .map(|p| hwc::validate::integer_bounds(&p.schema).1)
            .and_then(|max| u64::try_from(max).ok())
            .unwrap_or(1);
        Self {
            unit: paging.map_or(hwc::descriptor::OffsetUnit::Record, |p| p.offset_unit),
            page_size: page_size.unwrap_or(largest).max(1),
            next_item: None,
        }
    }

    /// The `--offset` that starts where the run stopped: a record index, or (for page numbers,
    /// whole pages having been printed) the pages to skip.
    fn offset(&self) -> Option<u64> {
        let next = self.next_item?;
        Some(match self.unit {
            hwc::descriptor::OffsetUnit::Record => next,
            hwc::descriptor::OffsetUnit::Page => next / self.page_size,
        })
    }

    /// Tells on stderr how to go on: this command with `--offset` where it stopped.
    fn tell(&self) {
        let Some(offset) = self.offset() else {
            eprintln!("hwc: nothing was printed; run the same command again to start over");
            return;
        };
        let mut words: Vec<String> = Vec::new();
        let mut args = std::env::args_os()
            .skip(1)
            .map(|arg| arg.to_string_lossy().into_owned());
        while let Some(arg) = args.next() {
            if arg == "--offset" {
                args.next();
            } else if !arg.starts_with("--offset=") {
                words.push(arg);
            }
        }
        words.push("--offset".into());
        words.push(offset.to_string());
        let quoted: Vec<String> = words.iter().map(|word| shell_quote(word)).collect();
        eprintln!("hwc: to go on from here: hwc {}", quoted.join(" "));
    }
}

/// `word` as a POSIX shell reads it back.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Every page, printed as it arrives; a progress bar on a terminal; Ctrl-C stops between pages.
/// With `resume`, an interrupted or failed run says how to go on from where it stopped.
pub async fn print_pages<T: Row, W: Write>(
    mut pages: BoxStream<'static, Result<Page<T>, hwc::Error>>,
    format: Output,
    layout: Layout,
    mut resume: Option<Resume>,
    out: W,
    mut select: impl FnMut(&T) -> bool,
) -> Result<(), Failure> {
    let mut printer = Printer::<_, T>::new(format, layout, out)?;
    let progress = progress_bar();
    let mut total = None;
    let interrupt = crate::interrupt::requested();
    tokio::pin!(interrupt);
    loop {
        let page = tokio::select! {
            page = pages.next() => page,
            _ = &mut interrupt => {
                progress.abandon();
                // What was printed is whole lines; the rest is not printed.
                printer.abandon(total)?;
                if let Some(resume) = &resume {
                    resume.tell();
                }
                return Err(Failure::Interrupted);
            }
        };
        let Some(page) = page else { break };
        let page = match page {
            Ok(page) => page,
            Err(error) => {
                progress.abandon();
                // A JSON document stays valid, and says it is not complete.
                let _ = printer.abandon(total);
                if let Some(resume) = &resume {
                    resume.tell();
                }
                return Err(error.into());
            }
        };
        // Where the next page starts, counted before any record is left out of the output.
        if let Some(resume) = &mut resume {
            resume.next_item = Some(page.offset + page.items.len() as u64);
        }
        if total.is_none() {
            total = page.total;
            if let Some(total) = total {
                progress.set_length(total);
            }
        }
        progress.inc(page.items.len() as u64);
        let mut items = page.items;
        items.retain(|item| select(item));
        printer.push(items)?;
    }
    progress.finish_and_clear();
    printer.finish(total)?;
    Ok(())
}

/// A bar on stderr when it is a terminal outside CI; hidden otherwise.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} records  {per_sec}  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
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
        crate::chart::ChartFile::of(args.svg.as_deref(), args.png.as_deref()),
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
            crate::output::rfc3339(last.0),
            crate::output::rfc3339(previous.0)
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
    use hwc::codearts_check::{IssueCounts, ScanTime};

    use super::*;

    fn scan(time: &str, count: i64) -> CheckRecord {
        CheckRecord {
            check_time: Some(ScanTime::parse(time.to_owned())),
            check_end_time: None,
            issue_counts: IssueCounts {
                critical: Some(count),
                serious: Some(count),
                normal: Some(count.saturating_neg()),
                prompt: None,
            },
        }
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
