//! `hwc hss host-vul-history`: the handling history of host vulnerabilities
//! (`ListVulHandleHistory`), with `--since`/`--until` and the incremental export (`--state`,
//! `--append`) keyed by each record's `id`.

use std::sync::Arc;

use hwc::hss::{HostVulHandleHistory, VulhandleHistoryResponseInfoDataList as HostRecord};
use hwc::{Client, FromParameters, Paginator};

use crate::cmd_vul_history::emit;
use crate::exit::Failure;
use crate::export::{Exported, Query, Seen};
use crate::history_args::HistoryArgs;
use crate::render::Output;
use crate::render::ocsf::{self, OcsfContext, OcsfEvents};

/// `hwc hss host-vul-history` with `--since`, `--until`, `--state` or `--append`.
pub async fn host_vul_history(
    client: &Client,
    given: &[(&str, &str)],
    args: &HistoryArgs,
    format: Output,
    query: Query,
    ocsf: Option<Arc<OcsfContext>>,
) -> Result<(), Failure> {
    let now = jiff::Timestamp::now();
    let until = args.until.map(|until| until.at(now));
    let export = args.open_export(&query, format).await?;
    let known = export
        .as_ref()
        .map(|export| export.known().clone())
        .unwrap_or_default();
    let since = match (args.since.map(|since| since.at(now)), known.newest) {
        (Some(given), Some(exported)) => Some(given.max(exported)),
        (given, exported) => given.or(exported),
    };
    // Newest first, as the API allows, unless the user chose an order.
    let mut parameters: Vec<(&str, &str)> = given.to_vec();
    if !given.iter().any(|(name, _)| *name == "sort_key") {
        parameters.push(("sort_key", "handle_time"));
        if !given.iter().any(|(name, _)| *name == "sort_dir") {
            parameters.push(("sort_dir", "desc"));
        }
    }
    let request = HostVulHandleHistory::from_parameters(client, &parameters)?;
    let paginator = Paginator::new(request);
    // Stops at the first older page when the answers come newest first; right in any order.
    let pages = match since {
        Some(since) => paginator.pages_since(since, |record: &HostRecord| record.time()),
        None => paginator.pages(),
    };
    let exporting = export.is_some();
    let mut next = known.clone();
    let select = |record: &HostRecord| {
        let in_window = until.is_none_or(|until| record.time().is_none_or(|t| t <= until));
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
                id = record.id.as_deref().unwrap_or(""),
                "a record is dated more than a day in the future: exported once, and not taken as the time to go on from"
            ),
        }
        next.emitted(record, now);
        true
    };
    let ocsf = ocsf.map(|context| OcsfEvents {
        event: Arc::new(|record: &HostRecord, context: &OcsfContext| {
            let record = serde_json::to_value(record).map_err(|error| error.to_string())?;
            ocsf::host_event(&record, context)
        }) as ocsf::MakeEvent<HostRecord>,
        context,
    });
    let output = emit(pages, format, ocsf, export.as_ref(), None, select).await?;
    match export {
        Some(export) => export.commit(next, output, format == Output::Csv),
        None => Ok(()),
    }
}
