//! The `-o` formats.

use clap::ValueEnum;

/// How results are printed. Times are RFC 3339 in UTC in every format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// A table that fits the terminal; with --all it holds every record until the last page
    /// (use jsonl or csv for large results).
    Table,
    /// One JSON document, streamed as pages arrive.
    Json,
    /// One JSON record per line, as pages arrive.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// HSS handling records (vul-history, host-vul-history) as OCSF 1.8.0 Vulnerability
    /// Finding events (class 2002), one per line.
    Ocsf,
}
