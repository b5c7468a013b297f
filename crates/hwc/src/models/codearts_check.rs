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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
#[non_exhaustive]
pub struct CheckRecord {
    /// When the scan started.
    pub check_time: Option<ScanTime>,
    /// When the scan ended.
    pub check_end_time: Option<ScanTime>,
    /// Issues found, by severity.
    pub issue_counts: IssueCounts,
}

impl IssueCounts {
    /// Counts of every severity: critical, major (`serious`), minor (`normal`), suggestions
    /// (`prompt`).
    pub fn new(critical: i64, serious: i64, normal: i64, prompt: i64) -> Self {
        Self {
            critical: Some(critical),
            serious: Some(serious),
            normal: Some(normal),
            prompt: Some(prompt),
        }
    }

    /// These counts without `prompt`, as some answers leave it out.
    pub fn without_prompt(mut self) -> Self {
        self.prompt = None;
        self
    }
}

impl CheckRecord {
    /// A scan with no time and no counts.
    ///
    /// Fixtures in code start here and set fields with the `with_` methods, so they keep
    /// compiling when a field is added:
    ///
    /// ```
    /// use hwc::codearts_check::{CheckRecord, IssueCounts};
    ///
    /// let scan = CheckRecord::new()
    ///     .with_check_time("2024-05-01 10:00:00")
    ///     .with_check_end_time("2024-05-01 10:04:10")
    ///     .with_issue_counts(IssueCounts::new(0, 2, 11, 40));
    /// assert_eq!(scan.issue_counts.serious, Some(2));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// This scan started at `raw`, as the API sends it (`2024-05-01 10:00:00`, UTC+08:00).
    pub fn with_check_time(mut self, raw: impl Into<String>) -> Self {
        self.check_time = Some(ScanTime::parse(raw.into()));
        self
    }

    /// This scan ended at `raw`, as the API sends it.
    pub fn with_check_end_time(mut self, raw: impl Into<String>) -> Self {
        self.check_end_time = Some(ScanTime::parse(raw.into()));
        self
    }

    /// This scan with `counts`.
    pub fn with_issue_counts(mut self, counts: IssueCounts) -> Self {
        self.issue_counts = counts;
        self
    }
}

/// The scan as the API sends it: what a simulator or a canned answer serves for this model.
impl From<CheckRecord> for generated::CheckRecordDataInfo {
    fn from(record: CheckRecord) -> Self {
        let time = |value: Option<ScanTime>| value.map(|time| time.raw.into());
        let counts = record.issue_counts;
        Self {
            check_time: time(record.check_time),
            check_end_time: time(record.check_end_time),
            issue_counts: Some(generated::CheckRecordIssueCountsInfo {
                critical: counts.critical,
                serious: counts.serious,
                normal: counts.normal,
                prompt: counts.prompt,
            }),
        }
    }
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
