//! [`Paginator`]: the pages or items of a paged request, in order, fetched ahead.

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::error::{Error, PagingProblem};
use crate::time_order::{OrderWatch, TimeOrder};

use super::consistency::{Checker, Event, Step};
use super::discovery::{Discovery, discover};
use super::page::{Page, PagedRequest, unique_within};
use super::plan::plan;
use super::prefetch::{Pace, prefetch};

/// What the paginator of an operation whose pages may repeat items has seen.
#[derive(Default)]
struct Seen {
    keys: std::collections::HashSet<String>,
    /// Items an earlier page had already given.
    repeated: u64,
    yielded: u64,
    total: Option<u64>,
}

/// Walks every page of a request; see the module documentation.
#[derive(Clone, Debug)]
pub struct Paginator<R> {
    request: R,
    page_size: Option<u64>,
    concurrency: Option<usize>,
}

impl<R: PagedRequest> Paginator<R> {
    /// Pages of `request`, starting at its offset (or 0), with its limit as the page size (or
    /// the largest the spec allows).
    pub fn new(request: R) -> Self {
        Self {
            request,
            page_size: None,
            concurrency: None,
        }
    }

    /// Items per page; checked against the spec when paging starts.
    pub fn page_size(mut self, items: u64) -> Self {
        self.page_size = Some(items);
        self
    }

    /// Pages fetched at once after the first (1 for strictly one at a time).
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = Some(pages.max(1));
        self
    }

    /// Every page, in order. Ends after the last page, or with one error.
    ///
    /// For an operation whose spec counts `offset` in pages, the first two pages tell whether
    /// the server counts from 0, from 1, or in records after all; paging then follows what the
    /// server does (logged at info), or fails with [`PagingProblem::PagingUndecided`].
    pub fn pages(self) -> BoxStream<'static, Result<Page<R::Item>, Error>> {
        let operation = self.request.operation();
        let plan = match plan(operation, &self.request, self.page_size) {
            Ok(plan) => plan,
            Err(error) => return stream::once(async move { Err(error) }).boxed(),
        };
        // Asked on every top-up, so that it follows the API's rate and latency as they are learned.
        let concurrency = {
            let fixed = self.concurrency;
            let request = self.request.clone();
            std::sync::Arc::new(move || {
                fixed
                    .unwrap_or_else(|| request.default_concurrency())
                    .max(1)
            })
        };
        // A fixed concurrency is the user's choice of pace; otherwise the client's.
        let spacing = {
            let paced = self.concurrency.is_none();
            let request = self.request.clone();
            move || paced.then(|| request.page_start()).flatten()
        };
        let (start_item, limit, max_offset) = (plan.start_item, plan.limit, plan.max_offset);
        let request = self.request;
        let discovery = async move {
            let discovery = discover(&request, &plan).await;
            discovery.map(|discovery| (discovery, request))
        };
        let pages = stream::once(discovery)
            .map(move |discovered| {
                let (discovery, request) = match discovered {
                    Ok(found) => found,
                    Err(error) => {
                        return stream::once(async move { Event::Page(Err(error)) }).boxed();
                    }
                };
                let Discovery {
                    layout,
                    known,
                    complete,
                    total,
                } = discovery;
                let next_item = start_item + known.len() as u64 * limit;
                let fetch = move |request: R, first_item: u64| async move {
                    let offset = layout.wire_offset(first_item, limit);
                    if let Some(maximum_offset) = max_offset.filter(|max| offset > *max) {
                        return Err(Error::Paging {
                            operation: request.operation().id,
                            problem: PagingProblem::BeyondMaximumOffset {
                                total: total.unwrap_or(first_item),
                                maximum_offset,
                            },
                        });
                    }
                    let page = request.fetch_page(offset, limit).await?;
                    Ok(unique_within(&request, page))
                };
                let known = stream::iter(known.into_iter().map(Ok));
                let body: BoxStream<'static, Result<Page<R::Item>, Error>> = if complete {
                    known.boxed()
                } else {
                    match total {
                        // With a total, the remaining pages are known: fetched N at once, in tasks
                        // of their own, so they progress however slowly the consumer reads.
                        Some(total) => {
                            let step = usize::try_from(limit).unwrap_or(usize::MAX).max(1);
                            let first_items = (next_item..total).step_by(step);
                            let rest = prefetch(
                                operation.id,
                                first_items,
                                Pace {
                                    ahead: {
                                        let concurrency = std::sync::Arc::clone(&concurrency);
                                        move || concurrency()
                                    },
                                    spacing: spacing.clone(),
                                },
                                move |first_item| fetch(request.clone(), first_item),
                            );
                            known.chain(rest).boxed()
                        }
                        // Without one, pages come one by one until a short one.
                        None => {
                            let rest =
                                stream::unfold((next_item, false), move |(first_item, done)| {
                                    let page = (!done).then(|| fetch(request.clone(), first_item));
                                    async move {
                                        let result = page?.await;
                                        let done = result
                                            .as_ref()
                                            .map_or(true, |p| (p.items.len() as u64) < limit);
                                        Some((result, (first_item.saturating_add(limit), done)))
                                    }
                                });
                            known.chain(rest).boxed()
                        }
                    }
                };
                // The checks start from the total the first answers gave, and the end of the
                // pages is an event too, so that pages ending before the total are reported.
                stream::once(async move { Event::Total(total) })
                    .chain(body.map(Event::Page))
                    .chain(stream::once(async { Event::End }))
                    .boxed()
            })
            .flatten();
        let mut check = Checker::new(operation.id, start_item, limit);
        // Where pages may repeat items, an item an earlier page gave is not given again (the
        // checks above count it: it is on the page as the API counts pages). An item on two
        // pages means, where the total counts items once, that another was on neither: when
        // fewer distinct items came than the total, that is an error, not a short list.
        let unique = operation
            .paging
            .and_then(|paging| paging.unique_by)
            .is_some();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Seen::default()));
        let at_end = std::sync::Arc::clone(&seen);
        let checked = pages
            .map(move |event| check.on(event))
            .take_while(|step| std::future::ready(!matches!(step, Step::Stop)))
            .filter_map(|step| {
                std::future::ready(match step {
                    Step::Yield(result) => Some(result),
                    Step::Skip | Step::Stop => None,
                })
            });
        if !unique {
            return checked.boxed();
        }
        checked
            .map_ok(move |mut page| {
                if let Ok(mut seen) = seen.lock() {
                    seen.total = seen.total.or(page.total);
                    let before = page.items.len();
                    page.items.retain(|item| {
                        R::unique_key(item)
                            .filter(|key| !key.is_empty())
                            .is_none_or(|key| seen.keys.insert(key))
                    });
                    seen.repeated += (before - page.items.len()) as u64;
                    seen.yielded += page.items.len() as u64;
                }
                page
            })
            .chain(stream::once(async move {
                let short = at_end.lock().ok().and_then(|seen| {
                    let total = seen.total?;
                    (seen.repeated > 0 && seen.yielded < total.saturating_sub(start_item))
                        .then_some((total, seen.yielded))
                });
                match short {
                    Some((total, received)) => Err(Error::Paging {
                        operation: operation.id,
                        problem: PagingProblem::ShortResult { total, received },
                    }),
                    None => Ok(Page {
                        items: Vec::new(),
                        total: None,
                        offset: 0,
                        request_id: None,
                    }),
                }
            }))
            .try_filter(|page| std::future::ready(!page.items.is_empty() || page.total.is_some()))
            .boxed()
    }

    /// Every page until the first item for which `stop` is true: that page is cut before the
    /// item and is the last one, and the pages still in flight are cancelled. For results that
    /// come newest first (HSS), `stop` = "older than" lists what is new since a time, with at
    /// most `concurrency` pages requested past the boundary, and one request when the first page
    /// reaches it.
    pub fn pages_until<F>(self, stop: F) -> BoxStream<'static, Result<Page<R::Item>, Error>>
    where
        F: FnMut(&R::Item) -> bool + Send + 'static,
    {
        let pages = self.pages();
        stream::unfold((Some(pages), stop), |(pages, mut stop)| async move {
            let mut pages = pages?;
            match pages.next().await? {
                Err(error) => Some((Err(error), (None, stop))),
                Ok(mut page) => match page.items.iter().position(&mut stop) {
                    Some(boundary) => {
                        page.items.truncate(boundary);
                        // Dropping the pages cancels what is in flight.
                        drop(pages);
                        Some((Ok(page), (None, stop)))
                    }
                    None => Some((Ok(page), (Some(pages), stop))),
                },
            }
        })
        .boxed()
    }

    /// Every page's items handled at or after `since`, by the time `time_of` reads from each
    /// (items without a time are kept). No API page promises newest first, so the order is
    /// read from the answers: while every time seen goes down, paging stops at the first older
    /// item, as [`pages_until`](Self::pages_until) does; while the times cannot tell, and once
    /// they rise, every page is fetched and the older items are left out (said at info). As
    /// cheap as `pages_until` when results come newest first, and right in any order.
    pub fn pages_since<F>(
        self,
        since: jiff::Timestamp,
        time_of: F,
    ) -> BoxStream<'static, Result<Page<R::Item>, Error>>
    where
        F: Fn(&R::Item) -> Option<jiff::Timestamp> + Send + 'static,
    {
        let operation = self.request.operation().id;
        let pages = self.pages();
        let start = (Some(pages), time_of, OrderWatch::default(), false);
        stream::unfold(start, move |(pages, time_of, mut watch, told)| async move {
            let mut pages = pages?;
            let mut page = match pages.next().await? {
                Ok(page) => page,
                Err(error) => return Some((Err(error), (None, time_of, watch, told))),
            };
            for item in &page.items {
                watch.see(time_of(item));
            }
            let older = |item: &R::Item| time_of(item).is_some_and(|time| time < since);
            let order = watch.order();
            if order == TimeOrder::NewestFirst
                && let Some(boundary) = page.items.iter().position(older)
            {
                page.items.truncate(boundary);
                // Dropping the pages cancels what is in flight.
                drop(pages);
                return Some((Ok(page), (None, time_of, watch, told)));
            }
            let told = told || {
                let rising = order == TimeOrder::NotNewestFirst;
                if rising {
                    tracing::info!(
                        operation,
                        "the results do not come newest first: every page is fetched, and records older than the start left out"
                    );
                }
                rising
            };
            page.items.retain(|item| !older(item));
            Some((Ok(page), (Some(pages), time_of, watch, told)))
        })
        .boxed()
    }

    /// Every item until the first for which `stop` is true; see [`pages_until`](Self::pages_until).
    pub fn items_until<F>(self, stop: F) -> BoxStream<'static, Result<R::Item, Error>>
    where
        F: FnMut(&R::Item) -> bool + Send + 'static,
    {
        self.pages_until(stop)
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every item, in order. Ends after the last item, or with one error.
    pub fn items(self) -> BoxStream<'static, Result<R::Item, Error>> {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}
