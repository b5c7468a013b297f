//! `hwc hss vul-history`: the handling history of one vulnerability, with `--since`/`--until`
//! and the incremental export (`--state`, `--append`).

use clap::Args;
use hwc::hss::{HandleRecord, ImageVulHandleHistory};
use hwc::{PagedRequest, Paginator};

use crate::exit::Failure;
use crate::export::{Export, Query, Seen};
use crate::render::{Output, Resume, Tabular, print_page, print_pages};
use crate::time_args::{Moment, parse_moment, parse_wait};

/// What `hwc hss vul-history` adds to the operation's flags.
#[derive(Args, Debug, Default)]
pub struct VulHistoryExtras {
    /// Only records handled at or after this time: RFC 3339, YYYY-MM-DD (midnight UTC), or a
    /// duration back from now such as 7d, 12h or 1d6h. Pages every record (like --all) but
    /// stops at the first page that reaches older ones: results come newest first.
    #[arg(long, value_parser = parse_moment)]
    pub since: Option<Moment>,
    /// Only records handled at or before this time (same forms as --since).
    #[arg(long, value_parser = parse_moment)]
    pub until: Option<Moment>,
    /// Incremental export: emit only records newer than the last complete run recorded in
    /// FILE (created when missing), then record this run. FILE belongs to this query only, is
    /// replaced atomically and only when the run completes, and one run at a time writes it
    /// (FILE.lock).
    #[arg(long, value_name = "FILE")]
    pub state: Option<std::path::PathBuf>,
    /// Append the records to FILE instead of printing them (jsonl or csv; a new CSV file gets
    /// the header), only once the run has completed: with --state, every record reaches FILE
    /// exactly once over the runs, interrupted ones included.
    #[arg(long, value_name = "FILE")]
    pub append: Option<std::path::PathBuf>,
    /// With --state or --append: when another run is writing the same files, wait up to this
    /// long for it (such as 30s or 10m) instead of failing at once.
    #[arg(long, value_name = "DURATION", value_parser = parse_wait)]
    pub wait_lock: Option<std::time::Duration>,
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
