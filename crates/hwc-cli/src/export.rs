//! Incremental exports (`--state`, `--append`) that hold under overlap, crashes and hostile
//! files: one run at a time per file, records and state committed in an order a killed run
//! can be completed or undone from, and files written only under new, unique names.
//!
//! - [`lock`]: the exclusive lock beside each file a run writes;
//! - [`files`]: temporary files, permissions, links never followed, fsync;
//! - [`state`]: what earlier runs exported, and the query they belong to;
//! - [`job`]: one run, from the lock to the commit, and the recovery of a killed one.

pub(crate) mod files;
mod job;
mod lock;
mod state;

pub use job::Export;
pub use state::{ExportState, Exported, Query, Seen};
