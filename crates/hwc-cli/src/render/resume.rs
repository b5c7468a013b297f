//! After an `--all` run that stopped early: the command that goes on from where it stopped.

/// Where an `--all` run got to, to print the command that goes on from there.
pub struct Resume {
    unit: hwc::descriptor::OffsetUnit,
    page_size: u64,
    /// Index of the record after the last one printed.
    pub(crate) next_item: Option<u64>,
}

impl Resume {
    /// For `operation` paged `page_size` records at a time (the spec's largest when `None`).
    pub fn new(operation: &hwc::descriptor::Operation, page_size: Option<u64>) -> Self {
        let paging = operation.paging;
        let largest = paging
            .and_then(|p| operation.parameter(p.limit_parameter))
            .map(|p| hwc::validate::integer_bounds(&p.schema).1)
            .and_then(|max| u64::try_from(max).ok())
            .unwrap_or(1);
        Self {
            unit: paging.map_or(hwc::descriptor::OffsetUnit::Record, |p| p.offset_unit),
            page_size: page_size.unwrap_or(largest).max(1),
            next_item: None,
        }
    }

    /// The `--offset` that starts where the run stopped: a record index, or (for page numbers,
    /// whole pages having been printed) the pages to skip.
    fn offset(&self) -> Option<u64> {
        let next = self.next_item?;
        Some(match self.unit {
            hwc::descriptor::OffsetUnit::Record => next,
            hwc::descriptor::OffsetUnit::Page => next / self.page_size,
        })
    }

    /// Tells on stderr how to go on: this command with `--offset` where it stopped.
    pub(crate) fn tell(&self) {
        let Some(offset) = self.offset() else {
            eprintln!("hwc: nothing was printed; run the same command again to start over");
            return;
        };
        let mut words: Vec<String> = Vec::new();
        let mut args = std::env::args_os()
            .skip(1)
            .map(|arg| arg.to_string_lossy().into_owned());
        while let Some(arg) = args.next() {
            if arg == "--offset" {
                args.next();
            } else if !arg.starts_with("--offset=") {
                words.push(arg);
            }
        }
        words.push("--offset".into());
        words.push(offset.to_string());
        let quoted: Vec<String> = words.iter().map(|word| shell_quote(word)).collect();
        eprintln!("hwc: to go on from here: hwc {}", quoted.join(" "));
    }
}

/// `word` as a POSIX shell reads it back.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}
