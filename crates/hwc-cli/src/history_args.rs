//! What both handling-history commands (`hss vul-history`, `hss host-vul-history`) take besides
//! the operation's flags: the time window (`--since`, `--until`) and the incremental export
//! (`--state`, `--append`, `--wait-lock`).

use clap::Args;

use crate::exit::Failure;
use crate::export::{Export, Query};
use crate::render::Output;
use crate::time_args::{Moment, parse_moment, parse_wait};

/// The time window and the incremental export of a handling-history command.
#[derive(Args, Debug, Default)]
pub struct HistoryArgs {
    /// Only records handled at or after this time: RFC 3339, YYYY-MM-DD (midnight UTC), or a
    /// duration back from now such as 7d, 12h or 1d6h. Pages every record (like --all) but,
    /// while the answers come newest first, stops at the first page that reaches older ones.
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
    /// Append the records to FILE instead of printing them (jsonl, ocsf or csv; a new CSV file
    /// gets the header), only once the run has completed: with --state, every record reaches
    /// FILE exactly once over the runs, interrupted ones included.
    #[arg(long, value_name = "FILE")]
    pub append: Option<std::path::PathBuf>,
    /// With --state or --append: when another run is writing the same files, wait up to this
    /// long for it (such as 30s or 10m) instead of failing at once.
    #[arg(long, value_name = "DURATION", value_parser = parse_wait)]
    pub wait_lock: Option<std::time::Duration>,
}

impl HistoryArgs {
    /// Whether the run is an incremental export (`--state` or `--append`).
    pub fn exports(&self) -> bool {
        self.state.is_some() || self.append.is_some()
    }

    /// The export `--state`/`--append` ask for (none without either), its lock taken;
    /// `--append` takes whole lines only.
    pub async fn open_export(
        &self,
        query: &Query,
        format: Output,
    ) -> Result<Option<Export>, Failure> {
        if self.append.is_some() && !matches!(format, Output::Jsonl | Output::Csv | Output::Ocsf) {
            return Err(Failure::Usage(
                "--append takes --output jsonl, ocsf or csv (whole lines a reader can tail)".into(),
            ));
        }
        if !self.exports() {
            return Ok(None);
        }
        Ok(Some(
            Export::begin(
                self.state.as_deref(),
                self.append.as_deref(),
                query,
                self.wait_lock,
            )
            .await?,
        ))
    }
}
