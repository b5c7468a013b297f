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
use hwc_api::descriptor::{Operation, ParameterSchema};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use serde::Serialize;

use crate::call::call;
use crate::client::Client;
use crate::error::Error;
use crate::paginate::{Page, Paginator};

/// The operation as the spec describes it.
pub const OPERATION: &Operation = &hwc_api::codearts_check::spec::CHECK_RECORD;

/// `check_time` and `check_end_time` carry no zone in every example the documentation gives.
/// Such times are read as UTC+08:00 (China Standard Time), the zone of Huawei Cloud's consoles
/// and of the CodeArts service; a time with `Z` or an offset (the API Explorer's schema) is
/// read exactly.
pub const ASSUMED_OFFSET_HOURS: i8 = 8;
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// CodeArts Check calls of a [`Client`].
#[derive(Clone, Debug)]
pub struct CodeArtsCheck {
    client: Client,
}

impl Client {
    /// CodeArts Check calls.
    pub fn codearts_check(&self) -> CodeArtsCheck {
        CodeArtsCheck {
            client: self.clone(),
        }
    }
}

impl CodeArtsCheck {
    /// The scans of task `task_id` in CodeArts project `codearts_project_id` (the 32-character
    /// CodeArts project id, not the IAM project), newest first.
    pub fn check_records(
        &self,
        codearts_project_id: impl Into<String>,
        task_id: impl Into<String>,
    ) -> CheckRecords {
        CheckRecords {
            client: self.client.clone(),
            project_id: codearts_project_id.into(),
            task_id: task_id.into(),
            start_time: None,
            end_time: None,
            offset: None,
            limit: None,
        }
    }
}

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

/// A `CheckRecord` call being built. Every parameter is checked against the spec before
/// anything is sent.
#[derive(Clone, Debug)]
pub struct CheckRecords {
    client: Client,
    project_id: String,
    task_id: String,
    start_time: Option<String>,
    end_time: Option<String>,
    offset: Option<u64>,
    limit: Option<u64>,
}

impl CheckRecords {
    /// Only scans that started at or after this instant (sent in UTC, in the form the spec
    /// gives: `2020-09-25T12:05:00Z`).
    pub fn start_time(mut self, instant: Timestamp) -> Self {
        self.start_time = Some(wire_time("start_time", instant));
        self
    }

    /// Only scans that ended at or before this instant (sent like `start_time`).
    pub fn end_time(mut self, instant: Timestamp) -> Self {
        self.end_time = Some(wire_time("end_time", instant));
        self
    }

    /// The page to ask for, sent as given. CodeArts Check documents `offset` as a page number
    /// (0 to 999,999) without saying whether the first page is 0 or 1, and its 2024
    /// documentation called it a record offset; [`into_paginator`](Self::into_paginator) finds
    /// out which from the answers, and there an offset is the number of pages to skip.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Scans per page (the API's default is 10; it allows 1 to 1000).
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sends the call: one page of scans and the total.
    pub async fn send(&self) -> Result<Page<CheckRecord>, Error> {
        self.fetch(self.offset, self.limit).await
    }

    /// Every page or every scan, as streams; see [`Paginator`].
    pub fn into_paginator(self) -> Paginator<Self> {
        Paginator::new(self)
    }

    async fn fetch(
        &self,
        offset: Option<u64>,
        limit: Option<u64>,
    ) -> Result<Page<CheckRecord>, Error> {
        let mut wire: Vec<(&'static str, String)> = vec![
            ("project_id", self.project_id.clone()),
            ("task_id", self.task_id.clone()),
        ];
        let optional = [
            ("start_time", self.start_time.clone()),
            ("end_time", self.end_time.clone()),
            ("offset", offset.map(|o| o.to_string())),
            ("limit", limit.map(|l| l.to_string())),
        ];
        wire.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.map(|v| (name, v))),
        );
        crate::validate::check_wire(OPERATION, &wire)?;

        let mut builder = self
            .client
            .codearts_check_client()?
            .check_record()
            .project_id(self.project_id.as_str())
            .task_id(self.task_id.as_str());
        if let Some(value) = &self.start_time {
            builder = builder.start_time(value.clone());
        }
        if let Some(value) = &self.end_time {
            builder = builder.end_time(value.clone());
        }
        // Validated above, so these fit the generated integer types.
        if let Some(value) = offset {
            builder = builder.offset(i32::try_from(value).unwrap_or(i32::MAX));
        }
        if let Some(value) = limit
            .and_then(|l| u32::try_from(l).ok())
            .and_then(std::num::NonZeroU32::new)
        {
            builder = builder.limit(value);
        }
        let answered = call(&self.client, OPERATION, builder.send()).await?;
        let body = answered.body;
        Ok(Page {
            total: body.total.and_then(|t| u64::try_from(t).ok()),
            offset: offset.unwrap_or(0),
            items: body.data.into_iter().map(CheckRecord::from).collect(),
            request_id: answered.request_id,
        })
    }
}

/// `instant` as the spec's `x-hwc-time-format` of parameter `name` writes it (RFC 3339 in UTC
/// if the spec gave none).
fn wire_time(name: &str, instant: Timestamp) -> String {
    match OPERATION.parameter(name).map(|p| p.schema) {
        Some(ParameterSchema::Text {
            time_format: Some(format),
            ..
        }) => crate::validate::format_time(format, instant),
        _ => instant.to_string(),
    }
}

crate::paginate::offset_paged!(CheckRecords, CheckRecord, OPERATION);

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

    #[test]
    fn times_are_sent_in_the_spec_form_in_utc() {
        let instant: Timestamp = "2020-09-25T20:05:00+08:00".parse().unwrap();
        assert_eq!(wire_time("start_time", instant), "2020-09-25T12:05:00Z");
        assert_eq!(wire_time("end_time", instant), "2020-09-25T12:05:00Z");
    }
}
