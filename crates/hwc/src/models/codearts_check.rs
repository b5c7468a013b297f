//! CodeArts Check: the issue counts of each past scan of a task (`CheckRecord`).
//!
//! ```no_run
//! # async fn run(client: hwc::Client) -> Result<(), hwc::Error> {
//! use futures::TryStreamExt;
//!
//! let scans: Vec<_> = client
//!     .codearts_check()
//!     .check_records("0123456789abcdef0123456789abcdef", "demo-task")
//!     .into_paginator()
//!     .items()
//!     .try_collect()
//!     .await?;
//! if let Some(last) = scans.first() {
//!     println!("last scan {:?}: {:?}", last.check_time.as_ref().map(|t| &t.raw), last.issue_counts);
//! }
//! # Ok(()) }
//! ```

use hwc_api::codearts_check::types as generated;
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use serde::Serialize;

/// The operation as the spec describes it.
pub const OPERATION: &hwc_api::descriptor::Operation = &hwc_api::codearts_check::spec::CHECK_RECORD;

/// `check_time` and `check_end_time` carry no zone in every example the documentation gives.
/// Such times are read as UTC+08:00 (China Standard Time), the zone of Huawei Cloud's consoles
/// and of the CodeArts service; a time with `Z` or an offset (the API Explorer's schema) is
/// read exactly.
pub const ASSUMED_OFFSET_HOURS: i8 = 8;
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A time as the API sends it, and the instant it means: exact for RFC 3339 with `Z` or an
/// offset, under [`ASSUMED_OFFSET_HOURS`] for the zone-less `YYYY-MM-DD HH:MM:SS`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ScanTime {
    /// The text as sent, such as `2020-02-20 11:37:46`.
    pub raw: String,
    /// The instant, when the text has the documented shape.
    pub instant: Option<Timestamp>,
}

impl ScanTime {
    /// Reads `raw`; a text of another shape is kept with no instant.
    pub fn parse(raw: String) -> Self {
        let text = raw.trim();
        let instant = match DateTime::strptime(TIME_FORMAT, text) {
            Ok(civil) => civil
                .to_zoned(assumed_zone())
                .ok()
                .map(|zoned| zoned.timestamp()),
            // RFC 3339 needs a `Z` or an offset to parse as a timestamp: a zone-less
            // `...T...` stays without an instant rather than be guessed.
            Err(_) => text.parse::<Timestamp>().ok(),
        };
        Self { raw, instant }
    }
}

fn assumed_zone() -> TimeZone {
    TimeZone::fixed(Offset::constant(ASSUMED_OFFSET_HOURS))
}

/// Issues found by one scan, by severity. A count the API leaves out is `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct IssueCounts {
    /// Critical issues.
    pub critical: Option<i64>,
    /// Major issues.
    pub serious: Option<i64>,
    /// Common problems.
    pub normal: Option<i64>,
    /// Suggestions.
    pub prompt: Option<i64>,
}

/// One scan of a task.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CheckRecord {
    /// When the scan started.
    pub check_time: Option<ScanTime>,
    /// When the scan ended.
    pub check_end_time: Option<ScanTime>,
    /// Issues found, by severity.
    pub issue_counts: IssueCounts,
}

impl From<generated::CheckRecordDataInfo> for CheckRecord {
    fn from(record: generated::CheckRecordDataInfo) -> Self {
        let time = |value: Option<generated::LenientString>| {
            value.map(|v| ScanTime::parse(v.into_string()))
        };
        let counts = record.issue_counts.unwrap_or_default();
        Self {
            check_time: time(record.check_time),
            check_end_time: time(record.check_end_time),
            issue_counts: IssueCounts {
                critical: counts.critical,
                serious: counts.serious,
                normal: counts.normal,
                prompt: counts.prompt,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_times_read_the_zone_less_form_and_rfc_3339() {
        let zoneless = ScanTime::parse("2020-02-20 11:37:46".into());
        assert_eq!(
            zoneless.instant,
            Some("2020-02-20T03:37:46Z".parse().unwrap()),
            "UTC+08:00 assumed"
        );
        assert_eq!(zoneless.raw, "2020-02-20 11:37:46");
        for exact in ["2020-02-20T03:37:46Z", "2020-02-20T11:37:46+08:00"] {
            assert_eq!(
                ScanTime::parse(exact.into()).instant,
                Some("2020-02-20T03:37:46Z".parse().unwrap()),
                "{exact}"
            );
        }
        for unreadable in ["2020-02-20T11:37:46", "yesterday", ""] {
            assert_eq!(
                ScanTime::parse(unreadable.into()).instant,
                None,
                "{unreadable}"
            );
        }
    }
}
