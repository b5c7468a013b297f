//! Consistency checks across pages: totals, repeats, short pages, time order; a problem is an error, never a silently partial result.

use crate::error::{Error, PagingProblem};

use super::page::Page;

/// What the checks see: the total the discovery learned, each page, and the end.
pub(super) enum Event<T> {
    Total(Option<u64>),
    Page(Result<Page<T>, Error>),
    End,
}

pub(super) enum Step<T> {
    Yield(Result<Page<T>, Error>),
    /// Nothing to yield for this event; go on.
    Skip,
    Stop,
}

/// Checks each page against the ones before it.
pub(super) struct Checker<T> {
    pub(super) operation: &'static str,
    pub(super) start: u64,
    pub(super) next_offset: u64,
    pub(super) limit: u64,
    pub(super) total: Option<u64>,
    pub(super) received: u64,
    /// First and last items and length of the previous page.
    pub(super) previous: Option<(T, T, usize)>,
    /// Whether the first page has been checked (its total is the reference).
    pub(super) seen_first: bool,
    pub(super) finished: bool,
}

impl<T: Clone + PartialEq> Checker<T> {
    pub(super) fn new(operation: &'static str, start: u64, limit: u64) -> Self {
        Self {
            operation,
            start,
            next_offset: start,
            limit,
            total: None,
            received: start,
            previous: None,
            seen_first: false,
            finished: false,
        }
    }

    pub(super) fn problem(&mut self, problem: PagingProblem) -> Step<T> {
        self.finished = true;
        Step::Yield(Err(Error::Paging {
            operation: self.operation,
            problem,
        }))
    }

    pub(super) fn on(&mut self, event: Event<T>) -> Step<T> {
        match event {
            Event::Total(total) => {
                if total.is_some() {
                    self.seen_first = true;
                    self.total = total;
                }
                Step::Skip
            }
            Event::Page(page) => self.check(page),
            // The pages ended: with a total still ahead, the result is short, never complete.
            Event::End => match self.total {
                Some(total) if !self.finished && self.next_offset < total => {
                    self.problem(PagingProblem::ShortResult {
                        total,
                        received: self.received - self.start,
                    })
                }
                _ => Step::Stop,
            },
        }
    }

    pub(super) fn check(&mut self, page: Result<Page<T>, Error>) -> Step<T> {
        if self.finished {
            return Step::Stop;
        }
        let mut page = match page {
            Ok(page) => page,
            Err(error) => {
                self.finished = true;
                return Step::Yield(Err(error));
            }
        };
        page.offset = self.next_offset;
        if !self.seen_first {
            self.seen_first = true;
            self.total = page.total;
        }
        if page.total != self.total {
            return self.problem(PagingProblem::TotalChanged {
                first: self.total.unwrap_or(0),
                later: page.total.unwrap_or(0),
            });
        }
        let edges = match (page.items.first(), page.items.last()) {
            (Some(first), Some(last)) => Some((first.clone(), last.clone(), page.items.len())),
            _ => None,
        };
        if edges.is_some() && edges == self.previous {
            return self.problem(PagingProblem::OffsetIgnored {
                offset: self.next_offset,
            });
        }
        let got = page.items.len() as u64;
        match self.total {
            Some(total) => {
                let expected = total.saturating_sub(self.next_offset).min(self.limit);
                if got < expected {
                    return self.problem(PagingProblem::ShortResult {
                        total,
                        received: self.received - self.start + got,
                    });
                }
                if got > expected {
                    return self.problem(PagingProblem::LongPage {
                        offset: self.next_offset,
                        expected,
                        received: got,
                    });
                }
                if self.next_offset + self.limit >= total {
                    self.finished = true;
                }
            }
            // Without a total, a short page is the last one.
            None if got < self.limit => self.finished = true,
            None => {}
        }
        self.received += got;
        self.next_offset += self.limit;
        self.previous = edges;
        Step::Yield(Ok(page))
    }
}
