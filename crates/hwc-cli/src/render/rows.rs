//! What a printed record is: its columns ([`Layout`]), its cells ([`Row`]), the columns chosen
//! by hand for the models ([`Tabular`]), and times as RFC 3339.

use hwc::codearts_check::CheckRecord;
use hwc::hss::HandleRecord;
use serde::Serialize;

/// The columns of printed records.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Column names, in order (CSV has them all).
    pub columns: Vec<&'static str>,
    /// The columns a table shows, so that it fits a terminal.
    pub table: Vec<usize>,
    /// The most characters a table cell of a column shows before it is shortened with an
    /// ellipsis (JSON, JSON lines and CSV always have whole values).
    pub table_limits: Vec<(usize, usize)>,
}

impl Layout {
    /// Every field of an operation's items, as its spec lists them, all in the table: the
    /// layout of an operation nobody chose columns for.
    pub fn fields(fields: &'static [&'static str]) -> Self {
        Self {
            columns: fields.to_vec(),
            table: (0..fields.len()).collect(),
            table_limits: Vec::new(),
        }
    }

    pub(crate) fn table_limit(&self, column: usize) -> Option<usize> {
        self.table_limits
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, limit)| *limit)
    }
}

/// A record that can be printed in columns.
pub trait Row: Serialize {
    /// The values, in the layout's column order, as text.
    fn cells(&self, layout: &Layout) -> std::io::Result<Vec<String>>;
}

/// A record whose columns were chosen by hand.
pub trait Tabular: Row {
    /// The columns.
    fn layout() -> Layout;
}

/// A record of an operation without hand-chosen columns: each column is the item's field of
/// that name, text as is, anything else as compact JSON.
impl Row for serde_json::Value {
    fn cells(&self, layout: &Layout) -> std::io::Result<Vec<String>> {
        Ok(layout
            .columns
            .iter()
            .map(|name| match self.get(*name) {
                None | Some(serde_json::Value::Null) => String::new(),
                Some(serde_json::Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
            })
            .collect())
    }
}

/// `text` in at most `limit` characters: its end, after an ellipsis, since the end of an image
/// name (repository and tag) tells it apart from its neighbours.
pub(crate) fn shorten(text: &str, limit: usize) -> String {
    let length = text.chars().count();
    if length <= limit || limit < 2 {
        return text.to_owned();
    }
    let tail: String = text.chars().skip(length - (limit - 1)).collect();
    format!("…{tail}")
}

/// The width of the longest word of `text`, which a table column must not go below.
pub(crate) fn longest_word(text: &str) -> usize {
    text.split_whitespace()
        .map(|word| word.chars().count())
        .max()
        .unwrap_or(0)
}

/// Every time the CLI prints, in every format and the chart: RFC 3339 in UTC, to the second.
pub fn rfc3339(instant: jiff::Timestamp) -> String {
    instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Tabular for HandleRecord {
    fn layout() -> Layout {
        Layout {
            columns: vec![
                "handle_time",
                "handle_type",
                "status",
                "user_name",
                "image_name",
                "image_version",
                "image_id",
                "app_name",
                "app_version",
                "app_path",
                "remark",
            ],
            table: vec![0, 1, 2, 3, 4, 7, 8],
            // image_name: registry paths are long; the table shows their end.
            table_limits: vec![(4, 32)],
        }
    }
}

impl Row for HandleRecord {
    /// Each column is the record's field of that name, as in its JSON; times to the second.
    fn cells(&self, layout: &Layout) -> std::io::Result<Vec<String>> {
        let mut cells = serde_json::to_value(self)?.cells(layout)?;
        for (cell, column) in cells.iter_mut().zip(&layout.columns) {
            if *column == "handle_time" {
                *cell = self.handle_time.map(rfc3339).unwrap_or_default();
            }
        }
        Ok(cells)
    }
}

impl Tabular for CheckRecord {
    fn layout() -> Layout {
        Layout {
            columns: vec![
                "check_time",
                "check_end_time",
                "critical",
                "serious",
                "normal",
                "prompt",
            ],
            table: vec![0, 1, 2, 3, 4, 5],
            table_limits: Vec::new(),
        }
    }
}

impl Row for CheckRecord {
    fn cells(&self, _: &Layout) -> std::io::Result<Vec<String>> {
        let count = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        // The instant under the documented UTC+08:00 assumption; the raw text when the API
        // sent something unreadable.
        let time = |t: &Option<hwc::codearts_check::ScanTime>| {
            t.as_ref()
                .map(|t| t.instant.map_or_else(|| t.raw.clone(), rfc3339))
                .unwrap_or_default()
        };
        Ok(vec![
            time(&self.check_time),
            time(&self.check_end_time),
            count(self.issue_counts.critical),
            count(self.issue_counts.serious),
            count(self.issue_counts.normal),
            count(self.issue_counts.prompt),
        ])
    }
}

/// A host handling record: every field of the spec's item a column, as the generic table of
/// an operation has them.
impl Tabular for hwc::hss::VulhandleHistoryResponseInfoDataList {
    fn layout() -> Layout {
        Layout::fields(
            hwc::hss::LIST_VUL_HANDLE_HISTORY
                .paging
                .map_or(&[], |paging| paging.item_fields),
        )
    }
}

impl Row for hwc::hss::VulhandleHistoryResponseInfoDataList {
    fn cells(&self, layout: &Layout) -> std::io::Result<Vec<String>> {
        serde_json::to_value(self)?.cells(layout)
    }
}
