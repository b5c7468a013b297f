//! Printing records as a table, one JSON document, JSON lines or CSV.

use std::io::Write;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use super::format::Output;
use super::rows::{Layout, Row, longest_word, shorten};

/// Writes records as they arrive: JSON lines, CSV and the JSON document stream (memory stays
/// flat however many records there are); only the table holds records, to size its columns.
pub struct Printer<W: Write, R: Row> {
    format: Output,
    layout: Layout,
    out: W,
    held: Vec<R>,
    /// Records written so far (JSON's `count`, and whether the next one needs a comma).
    written: u64,
}

impl<W: Write, R: Row> Printer<W, R> {
    /// A printer writing `format` to `out`.
    pub fn new(format: Output, layout: Layout, out: W) -> std::io::Result<Self> {
        let mut printer = Self {
            format,
            layout,
            out,
            held: Vec::new(),
            written: 0,
        };
        if format == Output::Json {
            printer.out.write_all(b"{\n  \"items\": [")?;
        }
        if format == Output::Csv {
            let header = csv_lines(std::iter::once(
                printer
                    .layout
                    .columns
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
            ))?;
            printer.out.write_all(&header)?;
            printer.out.flush()?;
        }
        Ok(printer)
    }

    /// Prints (or holds, for the table) a batch of records.
    pub fn push(&mut self, records: Vec<R>) -> std::io::Result<()> {
        match self.format {
            Output::Json => {
                let mut buffer = Vec::with_capacity(records.len() * 512);
                for record in &records {
                    buffer.extend_from_slice(if self.written == 0 {
                        b"\n    "
                    } else {
                        b",\n    "
                    });
                    let pretty = serde_json::to_string_pretty(record)?;
                    buffer.extend_from_slice(pretty.replace('\n', "\n    ").as_bytes());
                    self.written += 1;
                }
                self.out.write_all(&buffer)?;
                self.out.flush()
            }
            // The records of `-o ocsf` are events already (`render::ocsf::Ocsf`).
            Output::Jsonl | Output::Ocsf => {
                let mut buffer = Vec::with_capacity(records.len() * 256);
                for record in &records {
                    serde_json::to_writer(&mut buffer, record)?;
                    buffer.push(b'\n');
                }
                // Whole lines at once, so an interrupted run leaves only complete lines.
                self.out.write_all(&buffer)?;
                self.out.flush()
            }
            Output::Csv => {
                let rows = records
                    .iter()
                    .map(|record| record.cells(&self.layout))
                    .collect::<std::io::Result<Vec<_>>>()?;
                let lines = csv_lines(rows.into_iter())?;
                self.out.write_all(&lines)?;
                self.out.flush()
            }
            Output::Table => {
                self.held.extend(records);
                Ok(())
            }
        }
    }

    /// Ends a run that stopped early (interrupted or failed): a JSON document is closed, so it
    /// stays valid with the records so far, and says `"complete": false`; the table prints
    /// nothing, since it would look whole.
    pub fn abandon(mut self, total: Option<u64>) -> std::io::Result<()> {
        match self.format {
            Output::Json => self.close_json(total, false),
            _ => self.out.flush(),
        }
    }

    fn close_json(&mut self, total: Option<u64>, complete: bool) -> std::io::Result<()> {
        let total = total.map_or_else(|| "null".to_owned(), |t| t.to_string());
        let end = if self.written == 0 { "" } else { "\n  " };
        writeln!(
            self.out,
            "{end}],\n  \"count\": {},\n  \"total\": {total},\n  \"complete\": {complete}\n}}",
            self.written
        )?;
        self.out.flush()
    }

    /// Ends the output; `total` is the API's total, for JSON and the table's caption.
    pub fn finish(mut self, total: Option<u64>) -> std::io::Result<()> {
        match self.format {
            Output::Json => self.close_json(total, true)?,
            Output::Table => {
                let layout = &self.layout;
                let mut table = Table::new();
                table
                    .load_preset(UTF8_FULL_CONDENSED)
                    .set_content_arrangement(ContentArrangement::Dynamic)
                    .set_header(layout.table.iter().map(|&i| layout.columns[i]));
                if let Some(width) = terminal_width() {
                    table.set_width(width);
                }
                // Columns may wrap between words, never inside one (`vul_status_ignored` stays
                // whole): each column is at least as wide as its longest word.
                let mut widest = vec![0usize; layout.table.len()];
                for (slot, &column) in layout.table.iter().enumerate() {
                    widest[slot] = longest_word(layout.columns[column]);
                }
                for record in &self.held {
                    let cells = record.cells(layout)?;
                    let shown: Vec<String> = layout
                        .table
                        .iter()
                        .map(|&i| {
                            let cell = cells.get(i).map(String::as_str).unwrap_or_default();
                            match layout.table_limit(i) {
                                Some(limit) => shorten(cell, limit),
                                None => cell.to_owned(),
                            }
                        })
                        .collect();
                    for (slot, cell) in shown.iter().enumerate() {
                        widest[slot] = widest[slot].max(longest_word(cell));
                    }
                    table.add_row(shown);
                }
                for (slot, width) in widest.into_iter().enumerate() {
                    if let Some(column) = table.column_mut(slot) {
                        // The width counts the padding on both sides.
                        let width = u16::try_from(width + 2).unwrap_or(u16::MAX);
                        column.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
                            comfy_table::Width::Fixed(width),
                        ));
                    }
                }
                writeln!(self.out, "{table}")?;
                let total = total.map(|t| format!(" of {t}")).unwrap_or_default();
                writeln!(self.out, "{} records{total}", self.held.len())?;
            }
            Output::Jsonl | Output::Csv | Output::Ocsf => {}
        }
        self.out.flush()
    }
}

/// Rows as CSV lines, quoted where needed.
fn csv_lines(rows: impl Iterator<Item = Vec<String>>) -> std::io::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).map_err(std::io::Error::other)?;
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// The terminal's width, or `COLUMNS`, or none (then 120 columns are assumed by the table).
fn terminal_width() -> Option<u16> {
    comfy_table::Table::new()
        .width()
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .or(Some(120))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::rows::{longest_word, shorten};

    #[test]
    fn long_values_are_shortened_from_the_start() {
        assert_eq!(shorten("short", 32), "short");
        let name = "swr.cn-north-4.myhuaweicloud.com/team-3/postgres";
        let shown = shorten(name, 20);
        assert_eq!(shown.chars().count(), 20);
        assert_eq!(shown, "…com/team-3/postgres");
        assert_eq!(longest_word("add to whitelist"), 9);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let lines = csv_lines(
            [vec![
                "plain".to_owned(),
                "a, b".to_owned(),
                "say \"hi\"".to_owned(),
                "two\nlines".to_owned(),
                String::new(),
            ]]
            .into_iter(),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(lines).unwrap(),
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\n"
        );
    }
}
