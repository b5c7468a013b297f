//! Which end of a result the simulated APIs answer first. Neither API page says that results
//! come newest first (both services do so as far as anyone has seen), so clients that rely on
//! it are tested against both orders.

use std::fmt;
use std::str::FromStr;

/// The order of the records in every answer of both simulated APIs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Order {
    /// Newest first (the default: what the services are seen to do).
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
}

impl Order {
    /// The name on the command line: `newest`, `oldest`.
    pub fn name(self) -> &'static str {
        match self {
            Order::Newest => "newest",
            Order::Oldest => "oldest",
        }
    }

    /// The records `offset..offset + limit` of a result in this order, from `newest_first`,
    /// which answers `(total, records)` for a range of the result newest first.
    pub fn page<T>(
        self,
        offset: usize,
        limit: usize,
        newest_first: impl Fn(usize, usize) -> (usize, Vec<T>),
    ) -> (usize, Vec<T>) {
        match self {
            Order::Newest => newest_first(offset, limit),
            Order::Oldest => {
                let (total, _) = newest_first(0, 0);
                let end = total.saturating_sub(offset);
                let start = end.saturating_sub(limit);
                let (total, mut records) = newest_first(start, end - start);
                records.reverse();
                (total, records)
            }
        }
    }
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Order {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [Order::Newest, Order::Oldest]
            .into_iter()
            .find(|order| order.name() == text)
            .ok_or_else(|| format!("{text:?} is not one of newest, oldest"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oldest_first_is_the_same_records_reversed() {
        let result: Vec<u32> = (0..25).rev().collect(); // newest first: 24, 23, ..., 0
        let newest_first = |offset: usize, limit: usize| {
            let records = result.iter().skip(offset).take(limit).copied().collect();
            (result.len(), records)
        };
        let mut paged = Vec::new();
        for offset in (0..30).step_by(10) {
            let (total, records) = Order::Oldest.page(offset, 10, newest_first);
            assert_eq!(total, 25);
            paged.extend(records);
        }
        assert_eq!(paged, (0..25).collect::<Vec<_>>());
        assert_eq!(
            Order::Newest.page(20, 10, newest_first).1,
            vec![4, 3, 2, 1, 0]
        );
    }
}
