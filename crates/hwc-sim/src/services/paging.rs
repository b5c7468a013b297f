//! How the simulated CodeArts Check reads `offset`. Its documentation today calls `offset` a page
//! number without saying whether the first page is 0 or 1, and its 2024 documentation called it
//! a record offset; nobody outside Huawei can check, so the simulator can behave each way and
//! clients can be proven right against all three.

use std::fmt;
use std::str::FromStr;

/// What `offset` counts in the simulated CodeArts Check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CodeArtsPaging {
    /// A page number, the first page being 0 (today's documentation, the default).
    #[default]
    Page0,
    /// A page number, the first page being 1; 0 gives the first page too.
    Page1,
    /// The index of the first record (the 2024 documentation).
    Record,
}

impl CodeArtsPaging {
    /// The three behaviours.
    pub const ALL: [CodeArtsPaging; 3] = [
        CodeArtsPaging::Page0,
        CodeArtsPaging::Page1,
        CodeArtsPaging::Record,
    ];

    /// The name on the command line: `page0`, `page1`, `record`.
    pub fn name(self) -> &'static str {
        match self {
            CodeArtsPaging::Page0 => "page0",
            CodeArtsPaging::Page1 => "page1",
            CodeArtsPaging::Record => "record",
        }
    }

    /// The index of the first record answered for `offset` with `limit` records a page.
    pub fn first_record(self, offset: usize, limit: usize) -> usize {
        match self {
            CodeArtsPaging::Page0 => offset.saturating_mul(limit),
            CodeArtsPaging::Page1 => offset.saturating_sub(1).saturating_mul(limit),
            CodeArtsPaging::Record => offset,
        }
    }
}

impl fmt::Display for CodeArtsPaging {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for CodeArtsPaging {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|paging| paging.name() == text)
            .ok_or_else(|| format!("{text:?} is not one of page0, page1, record"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_records_each_way() {
        assert_eq!(CodeArtsPaging::Page0.first_record(2, 10), 20);
        assert_eq!(CodeArtsPaging::Page1.first_record(0, 10), 0);
        assert_eq!(CodeArtsPaging::Page1.first_record(1, 10), 0);
        assert_eq!(CodeArtsPaging::Page1.first_record(3, 10), 20);
        assert_eq!(CodeArtsPaging::Record.first_record(3, 10), 3);
        assert_eq!(
            CodeArtsPaging::Page0.first_record(usize::MAX, 10),
            usize::MAX
        );
        for paging in CodeArtsPaging::ALL {
            assert_eq!(paging.name().parse(), Ok(paging));
        }
        assert!("page2".parse::<CodeArtsPaging>().is_err());
    }
}
