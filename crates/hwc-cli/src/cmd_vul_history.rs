//! `hwc hss vul-history`: the handling history of one vulnerability, or of every one
//! (`--all-vuls`, in [`all_vuls`]), with `--since`/`--until` and the incremental export
//! (`--state`, `--append`).

mod all_vuls;

use std::sync::Arc;

use clap::Args;
use futures::stream::{self, BoxStream, StreamExt};
use hwc::hss::{HandleRecord, ImageVulHandleHistory};
use hwc::{Client, Page, PagedRequest, Paginator};

use crate::exit::Failure;
use crate::export::{Export, ExportState, Query, Seen};
use crate::history_args::HistoryArgs;
use crate::render::ocsf::{self, Ocsf, OcsfContext, OcsfEvents, VulnerabilityTag};
use crate::render::{Output, Resume, Tabular, print_page, print_pages};

/// What `hwc hss vul-history` adds to the operation's flags.
#[derive(Args, Debug, Default)]
pub struct VulHistoryExtras {
    /// Every vulnerability of the project instead of one: those `ListGeneralImageVuls` lists
    /// (both types, handled or not, local and registry images), each record tagged with its
    /// `vul_id`, `image_type` and `severity_level`. With --state, each vulnerability keeps its
    /// own watermark, and one seen for the first time is exported whole.
    #[arg(long, conflicts_with_all = ["parameter:vul_id", "parameter:image_type"])]
    pub all_vuls: bool,
    /// The time window and the incremental export.
    #[command(flatten)]
    pub history: HistoryArgs,
}

/// `hwc hss vul-history`.
pub async fn vul_history(
    request: ImageVulHandleHistory,
    all: bool,
    args: &VulHistoryExtras,
    format: Output,
    query: Query,
    ocsf: Option<(Arc<OcsfContext>, VulnerabilityTag)>,
) -> Result<(), Failure> {
    let ocsf = ocsf.map(|(context, tag)| OcsfEvents {
        event: Arc::new(move |record: &HandleRecord, context: &OcsfContext| {
            let record = serde_json::to_value(record).map_err(|error| error.to_string())?;
            ocsf::image_event(&record, &tag, context)
        }) as ocsf::MakeEvent<HandleRecord>,
        context,
    });
    let (_, limit) = request.paging();
    let now = jiff::Timestamp::now();
    let until = args.history.until.map(|until| until.at(now));
    let export = args.history.open_export(&query, format).await?;
    let known = export
        .as_ref()
        .map(|export| export.known().clone())
        .unwrap_or_default();
    // Records older than the newest one already exported are not new (same second: by key).
    let since = match (args.history.since.map(|since| since.at(now)), known.newest) {
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
        if ocsf.is_none() {
            return print_page(page.items, page.total, format);
        }
        let page = stream::once(async move { Ok(page) }).boxed();
        emit(page, format, ocsf, None, None, |_: &HandleRecord| true).await?;
        return Ok(());
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
    let exporting = export.is_some();
    let mut next = known.clone();
    let select = |record: &HandleRecord| {
        let in_window = until.is_none_or(|until| record.handle_time.is_none_or(|t| t <= until));
        if !in_window {
            return false;
        }
        // Without an export nothing was emitted before, and nothing is remembered.
        if !exporting {
            return true;
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
    let output = emit(pages, format, ocsf, export.as_ref(), resume, select).await?;
    // Only a complete run moves the state on.
    match export {
        Some(export) => export.commit(next, output, format == Output::Csv),
        None => Ok(()),
    }
}

/// Prints `pages` (as their OCSF events with `-o ocsf`) to the export's `--append` stand-in,
/// or standard output without one, and hands back the file to commit.
pub(crate) async fn emit<T: Tabular + Send + 'static>(
    pages: BoxStream<'static, Result<Page<T>, hwc::Error>>,
    format: Output,
    ocsf: Option<OcsfEvents<T>>,
    export: Option<&Export>,
    resume: Option<Resume>,
    mut select: impl FnMut(&T) -> bool,
) -> Result<Option<tempfile::NamedTempFile>, Failure> {
    match ocsf {
        Some(events) => {
            let pages = ocsf::events(pages, events);
            let select = move |event: &Ocsf<T>| select(&event.record);
            emit_rows(pages, format, export, resume, select).await
        }
        None => emit_rows(pages, format, export, resume, select).await,
    }
}

async fn emit_rows<T: Tabular>(
    pages: BoxStream<'static, Result<Page<T>, hwc::Error>>,
    format: Output,
    export: Option<&Export>,
    resume: Option<Resume>,
    select: impl FnMut(&T) -> bool,
) -> Result<Option<tempfile::NamedTempFile>, Failure> {
    match export {
        Some(export) => print_to_export(export, pages, format, select).await,
        None => {
            let stdout = std::io::stdout().lock();
            print_pages(pages, format, T::layout(), resume, stdout, select).await?;
            Ok(None)
        }
    }
}

/// Prints `pages` where the export says (its `--append` file's stand-in, else standard
/// output), and hands back the file to commit.
async fn print_to_export<T: Tabular>(
    export: &Export,
    pages: BoxStream<'static, Result<Page<T>, hwc::Error>>,
    format: Output,
    select: impl FnMut(&T) -> bool,
) -> Result<Option<tempfile::NamedTempFile>, Failure> {
    let output = export.output()?;
    match &output {
        Some(file) => {
            let written = print_pages(
                pages,
                format,
                T::layout(),
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
            print_pages(pages, format, T::layout(), None, stdout, select).await?;
        }
    }
    Ok(output)
}

/// `hwc hss vul-history --all-vuls`: every vulnerability's handling history, `given` being the
/// command's parameters (no `vul_id` or `image_type`).
pub async fn all_vuls_history(
    client: &Client,
    given: &[(&str, &str)],
    args: &VulHistoryExtras,
    format: Output,
    query: Query,
    ocsf: Option<Arc<OcsfContext>>,
) -> Result<(), Failure> {
    let ocsf = ocsf.map(|context| OcsfEvents {
        event: Arc::new(|tagged: &all_vuls::TaggedRecord, context: &OcsfContext| {
            let record = serde_json::to_value(&tagged.record).map_err(|error| error.to_string())?;
            let tag = VulnerabilityTag {
                vul_id: tagged.vul_id.clone(),
                image_type: tagged.image_type.to_owned(),
                severity: Some(tagged.severity_level.clone()).filter(|level| !level.is_empty()),
            };
            ocsf::image_event(&record, &tag, context)
        }) as ocsf::MakeEvent<all_vuls::TaggedRecord>,
        context,
    });
    let now = jiff::Timestamp::now();
    let until = args.history.until.map(|until| until.at(now));
    let given_since = args.history.since.map(|since| since.at(now));
    // The lock is taken before anything is listed: one run at a time decides what is new.
    let export = args.history.open_export(&query, format).await?;
    let known = export
        .as_ref()
        .map(|export| export.known().clone())
        .unwrap_or_default();
    let found = all_vuls::enumerate(client, given).await?;
    tracing::info!(
        pairs = found.len(),
        "vulnerabilities to page (vul_id and image type)"
    );
    let watermarks = known.vulnerabilities.clone();
    let pages = all_vuls::pages(client, given, found, move |vul| {
        // Records older than the newest already exported of this vulnerability are not new.
        let exported = watermarks.get(&vul.key()).and_then(|state| state.newest);
        match (given_since, exported) {
            (Some(given), Some(exported)) => Some(given.max(exported)),
            (given, exported) => given.or(exported),
        }
    })?;
    let exporting = export.is_some();
    let mut next = known.clone();
    let fresh = ExportState::default();
    let select = |tagged: &all_vuls::TaggedRecord| {
        let record = &tagged.record;
        let in_window = until.is_none_or(|until| record.handle_time.is_none_or(|t| t <= until));
        if !in_window {
            return false;
        }
        // Without an export nothing was emitted before, and nothing is remembered.
        if !exporting {
            return true;
        }
        let key = format!("{}/{}", tagged.image_type, tagged.vul_id);
        let before = known.vulnerabilities.get(&key).unwrap_or(&fresh);
        match before.seen(record, now) {
            Seen::Before => return false,
            Seen::New => {}
            Seen::NewFromTheFuture => tracing::warn!(
                vul_id = tagged.vul_id,
                handle_time = ?record.handle_time,
                "a record is dated more than a day in the future: exported once, and not taken as the time to go on from"
            ),
        }
        next.vulnerabilities
            .entry(key)
            .or_default()
            .emitted(record, now);
        true
    };
    let output = emit(pages, format, ocsf, export.as_ref(), None, select).await?;
    match export {
        Some(export) => export.commit(next, output, format == Output::Csv),
        None => Ok(()),
    }
}
