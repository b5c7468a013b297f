//! The order of results, read from their times. Neither API page promises that results come
//! newest first; stopping at the first older record is only right when they do, so the order
//! is checked against every time seen instead of assumed.

use jiff::Timestamp;

/// What the times seen so far say of the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeOrder {
    /// Every time seen is at or before the one before it, and some went down: newest first.
    NewestFirst,
    /// Some time rose: oldest first, or no order at all.
    NotNewestFirst,
    /// Too few times, or all equal: nothing is known yet.
    Unknown,
}

/// Watches the times of results in the order they arrive.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct OrderWatch {
    last: Option<Timestamp>,
    went_down: bool,
    went_up: bool,
}

impl OrderWatch {
    /// Notes the time of the next result (results without one say nothing).
    pub(crate) fn see(&mut self, time: Option<Timestamp>) {
        let Some(time) = time else { return };
        match self.last {
            Some(last) if time < last => self.went_down = true,
            Some(last) if time > last => self.went_up = true,
            _ => {}
        }
        self.last = Some(time);
    }

    /// What the times seen say.
    pub(crate) fn order(&self) -> TimeOrder {
        match (self.went_down, self.went_up) {
            (true, false) => TimeOrder::NewestFirst,
            (false, false) => TimeOrder::Unknown,
            (_, true) => TimeOrder::NotNewestFirst,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(seconds: &[Option<i64>]) -> TimeOrder {
        let mut watch = OrderWatch::default();
        for second in seconds {
            watch.see(second.map(|s| Timestamp::from_second(s).unwrap()));
        }
        watch.order()
    }

    #[test]
    fn the_order_is_what_every_time_seen_says() {
        assert_eq!(order(&[]), TimeOrder::Unknown);
        assert_eq!(order(&[Some(5), None, Some(5)]), TimeOrder::Unknown);
        assert_eq!(
            order(&[Some(5), None, Some(4), Some(4)]),
            TimeOrder::NewestFirst
        );
        assert_eq!(order(&[Some(4), Some(5)]), TimeOrder::NotNewestFirst);
        assert_eq!(
            order(&[Some(9), Some(5), Some(7)]),
            TimeOrder::NotNewestFirst
        );
    }
}
