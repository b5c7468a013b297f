//! Offset paging for any operation whose spec has `x-hwc-paging`: the largest page the spec
//! allows, the first page alone (to learn the total), then up to N pages at once, yielded in
//! order, with every inconsistency reported instead of a silently partial result.

use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use hwc_api::descriptor::{OffsetUnit, Operation, ParameterSchema};

use crate::error::{Error, PagingProblem};
use crate::time_order::{OrderWatch, TimeOrder};

/// One page of results.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page, in the API's order.
    pub items: Vec<T>,
    /// Items in the whole result, as the API announced with this page (`None` when it did not).
    pub total: Option<u64>,
    /// Index of the first item of this page in the whole result.
    pub offset: u64,
    /// `X-Request-Id` of the answer.
    pub request_id: Option<String>,
}

/// A request that can be sent for any page: what an operation's builder implements to get a
/// paginator. Its paging parameters come from the spec.
pub trait PagedRequest: Clone + Send + Sync + 'static {
    /// One result. `Clone` and `PartialEq` let the paginator tell a repeated page (a server
    /// that ignores the offset) by its first and last items.
    type Item: Clone + PartialEq + Send + 'static;

    /// The operation, whose spec gives the paging parameters and their limits.
    fn operation(&self) -> &'static Operation;

    /// The offset and limit set on this request, if any.
    fn paging(&self) -> (Option<u64>, Option<u64>);

    /// Pages fetched at once, from the client's configuration.
    fn default_concurrency(&self) -> usize;

    /// The least time between starting two pages, when a rate must be kept by spacing them
    /// rather than by the number in flight (see the facade's `ClientBuilder::page_concurrency`).
    fn page_spacing(&self) -> Option<std::time::Duration> {
        None
    }

    /// Fetches the page at `offset` of `limit` items.
    fn fetch_page(
        &self,
        offset: u64,
        limit: u64,
    ) -> impl Future<Output = Result<Page<Self::Item>, Error>> + Send;
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
            move || paced.then(|| request.page_spacing()).flatten()
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
                    request.fetch_page(offset, limit).await
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
        pages
            .map(move |event| check.on(event))
            .take_while(|step| std::future::ready(!matches!(step, Step::Stop)))
            .filter_map(|step| {
                std::future::ready(match step {
                    Step::Yield(result) => Some(result),
                    Step::Skip | Step::Stop => None,
                })
            })
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

/// A task fetching one page, aborted when dropped: dropping the stream cancels what is in
/// flight.
struct PageTask<T>(tokio::task::JoinHandle<Result<Page<T>, Error>>);

impl<T> Drop for PageTask<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How fast [`prefetch`] goes, asked again at every top-up: at most `ahead()` pages fetched or
/// waiting, and, when `spacing()` says so, starts at least that far apart.
struct Pace<A, S> {
    ahead: A,
    spacing: S,
}

/// What [`prefetch`] carries from one page to the next.
struct Prefetch<I, F, T, A, S> {
    first_items: I,
    queue: std::collections::VecDeque<PageTask<T>>,
    fetch: F,
    pace: Pace<A, S>,
    /// When the next page may start, if pages are being spaced.
    next_start: Option<tokio::time::Instant>,
    ended: bool,
}

/// Fetches the pages starting at `first_items` in spawned tasks, as fast as `pace` allows, and
/// yields them in order. The tasks run whether or not the stream is polled, so a slow consumer
/// does not make prefetched pages time out. After an error the stream ends at once and the
/// tasks still running are aborted.
fn prefetch<I, A, S, F, Fut, T>(
    operation: &'static str,
    first_items: I,
    pace: Pace<A, S>,
    fetch: F,
) -> BoxStream<'static, Result<Page<T>, Error>>
where
    I: Iterator<Item = u64> + Send + 'static,
    A: Fn() -> usize + Send + 'static,
    S: Fn() -> Option<std::time::Duration> + Send + 'static,
    F: Fn(u64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
    T: Send + 'static,
{
    use tracing::Instrument;

    let state = Prefetch {
        first_items,
        queue: std::collections::VecDeque::new(),
        fetch,
        pace,
        next_start: None,
        ended: false,
    };
    stream::unfold(state, move |mut state| async move {
        if state.ended {
            return None;
        }
        while state.queue.len() < (state.pace.ahead)().max(1) {
            let Some(first_item) = state.first_items.next() else {
                break;
            };
            let start_at = (state.pace.spacing)().map(|gap| {
                let now = tokio::time::Instant::now();
                let at = state.next_start.map_or(now, |next| next.max(now));
                state.next_start = Some(at + gap);
                at
            });
            let page = (state.fetch)(first_item);
            let paced = async move {
                if let Some(at) = start_at {
                    tokio::time::sleep_until(at).await;
                }
                page.await
            };
            let handle = match tokio::runtime::Handle::try_current() {
                Ok(runtime) => runtime.spawn(paced.in_current_span()),
                Err(error) => {
                    let failed = Err(fetch_failed(
                        operation,
                        format!("no Tokio runtime: {error}"),
                    ));
                    state.queue.clear();
                    state.ended = true;
                    return Some((failed, state));
                }
            };
            state.queue.push_back(PageTask(handle));
        }
        let mut next = state.queue.pop_front()?;
        let result = match (&mut next.0).await {
            Ok(result) => result,
            Err(error) => Err(fetch_failed(operation, error.to_string())),
        };
        if result.is_err() {
            // Aborts every page still in flight.
            state.queue.clear();
            state.ended = true;
        }
        Some((result, state))
    })
    .boxed()
}

fn fetch_failed(operation: &'static str, reason: String) -> Error {
    Error::Paging {
        operation,
        problem: PagingProblem::FetchFailed { reason },
    }
}

struct Plan {
    /// Index of the first item to yield.
    start_item: u64,
    limit: u64,
    /// Largest value of the offset parameter (on the wire) the spec allows.
    max_offset: Option<u64>,
    unit: OffsetUnit,
}

/// Start, page size and the largest offset, from the request and the spec.
fn plan<R: PagedRequest>(
    operation: &'static Operation,
    request: &R,
    page_size: Option<u64>,
) -> Result<Plan, Error> {
    let paging = operation.paging.ok_or(crate::ConfigError::NotPaged {
        operation: operation.id,
    })?;
    let bounds = |name: &str| match operation.parameter(name).map(|p| p.schema) {
        Some(schema @ ParameterSchema::Integer { .. }) => {
            Some(crate::validate::integer_bounds(&schema))
        }
        _ => None,
    };
    let (limit_min, limit_max) = bounds(paging.limit_parameter).unwrap_or((1, i64::MAX));
    let (_, offset_max) = bounds(paging.offset_parameter).unwrap_or((0, i64::MAX));
    let (offset, limit) = request.paging();
    let limit = page_size.or(limit).unwrap_or(limit_max.max(1) as u64);
    if limit < limit_min.max(1) as u64 || limit > limit_max as u64 {
        return Err(Error::InvalidInput {
            parameter: paging.limit_parameter.to_owned(),
            value: limit.to_string(),
            allowed: format!("a page size from {} to {limit_max}", limit_min.max(1)),
        });
    }
    let offset = offset.unwrap_or(0);
    if offset_max < i64::MAX && offset > offset_max as u64 {
        return Err(Error::InvalidInput {
            parameter: paging.offset_parameter.to_owned(),
            value: offset.to_string(),
            allowed: format!("a start from 0 to {offset_max}"),
        });
    }
    // A record offset starts at that record; a page number at that page, counted from 0
    // whatever the server's first page number turns out to be.
    let start_item = match paging.offset_unit {
        OffsetUnit::Record => offset,
        OffsetUnit::Page => offset.saturating_mul(limit),
    };
    Ok(Plan {
        start_item,
        limit,
        max_offset: (offset_max < i64::MAX).then_some(offset_max as u64),
        unit: paging.offset_unit,
    })
}

/// How a server reads the offset parameter: what the spec says for record offsets, what the
/// first two pages showed for page numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetLayout {
    /// `offset` is the index of the first record of the page.
    Records,
    /// `offset` is a page number; the first page is 0.
    PagesFromZero,
    /// `offset` is a page number; the first page is 1 (0 gives the first page too).
    PagesFromOne,
}

impl OffsetLayout {
    /// The offset to send for the page whose first item is `first_item`.
    fn wire_offset(self, first_item: u64, limit: u64) -> u64 {
        match self {
            OffsetLayout::Records => first_item,
            OffsetLayout::PagesFromZero => first_item / limit.max(1),
            OffsetLayout::PagesFromOne => (first_item / limit.max(1)).saturating_add(1),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            OffsetLayout::Records => "offset is a record index",
            OffsetLayout::PagesFromZero => "offset is a page number, the first page being 0",
            OffsetLayout::PagesFromOne => "offset is a page number, the first page being 1",
        }
    }
}

/// What the first requests established: how to page, the pages already fetched (the first
/// ones of the result, in order) and whether they are all of it.
struct Discovery<T> {
    layout: OffsetLayout,
    known: Vec<Page<T>>,
    complete: bool,
    total: Option<u64>,
}

/// Whether a page starting at item `first_item` is the last one.
fn is_last<T>(page: &Page<T>, first_item: u64, limit: u64) -> bool {
    match page.total {
        Some(total) => first_item.saturating_add(limit) >= total,
        None => (page.items.len() as u64) < limit,
    }
}

/// Fetches what it takes to know how to page: the first page for record offsets; for page
/// numbers, the pages at offsets 0 and 1, whose relation tells the server's behaviour.
async fn discover<R: PagedRequest>(request: &R, plan: &Plan) -> Result<Discovery<R::Item>, Error> {
    let limit = plan.limit;
    let operation = request.operation().id;
    if plan.unit == OffsetUnit::Record {
        let first = request.fetch_page(plan.start_item, limit).await?;
        return Ok(Discovery {
            layout: OffsetLayout::Records,
            complete: is_last(&first, plan.start_item, limit),
            total: first.total,
            known: vec![first],
        });
    }
    // Offset 0 is the first page whichever way the server counts.
    let first = request.fetch_page(0, limit).await?;
    let total = first.total;
    if is_last(&first, 0, limit) || (first.items.len() as u64) < limit {
        // One page holds everything (or the first page is already short, which the checks
        // report): how offset counts does not matter.
        let known = if plan.start_item == 0 {
            vec![first]
        } else {
            Vec::new()
        };
        return Ok(Discovery {
            layout: OffsetLayout::PagesFromZero,
            complete: true,
            total,
            known,
        });
    }
    let second = request.fetch_page(1, limit).await?;
    if second.total != total {
        return Err(Error::Paging {
            operation,
            problem: PagingProblem::TotalChanged {
                first: total.unwrap_or(0),
                later: second.total.unwrap_or(0),
            },
        });
    }
    let layout =
        decide(&first.items, &second.items, limit, total).map_err(|evidence| Error::Paging {
            operation,
            problem: PagingProblem::PagingUndecided { evidence },
        })?;
    tracing::info!(
        operation,
        ?layout,
        "learned from the first two pages that {}",
        layout.describe()
    );
    let mut known = Vec::new();
    if plan.start_item == 0 {
        known.push(first);
    }
    if layout == OffsetLayout::PagesFromZero && plan.start_item <= limit {
        known.push(second);
    }
    let complete = match known.len() as u64 {
        0 => false,
        pages => known
            .last()
            .is_some_and(|page| is_last(page, plan.start_item + (pages - 1) * limit, limit)),
    };
    Ok(Discovery {
        layout,
        known,
        complete,
        total,
    })
}

/// Which of the three behaviours a page-numbered server has, from its answers to offsets 0 and
/// 1 (the first is a full page, so there is a second). Pages from 1 repeat the first page;
/// record offsets shift it by one record; pages from 0 give the next `limit` records. Lengths
/// must fit the total too. Exactly one behaviour must fit, or the evidence is returned.
fn decide<T: PartialEq>(
    first: &[T],
    second: &[T],
    limit: u64,
    total: Option<u64>,
) -> Result<OffsetLayout, String> {
    let received = second.len() as u64;
    let fits =
        |skipped: u64| total.is_none_or(|t| t.saturating_sub(skipped).min(limit) == received);
    let repeats = first == second;
    // With one record per page, record offsets and pages from 0 are the same thing.
    let shifted = limit >= 2
        && first.len() >= 2
        && !second.is_empty()
        && second.iter().zip(&first[1..]).all(|(a, b)| a == b);
    let mut candidates = Vec::new();
    if repeats && fits(0) {
        candidates.push(OffsetLayout::PagesFromOne);
    }
    if shifted && fits(1) {
        candidates.push(OffsetLayout::Records);
    }
    if !repeats && !shifted && fits(limit) {
        candidates.push(OffsetLayout::PagesFromZero);
    }
    match candidates.as_slice() {
        [layout] => Ok(*layout),
        [] => Err(format!(
            "offset 1 gave {received} items{}, which neither repeats the first page, nor shifts it by one record, nor continues it",
            total.map(|t| format!(" of {t}")).unwrap_or_default()
        )),
        _ => Err(format!(
            "offset 1 both repeats the first page and shifts it by one record ({} alike records)",
            first.len()
        )),
    }
}

/// What the checks see: the total the discovery learned, each page, and the end.
enum Event<T> {
    Total(Option<u64>),
    Page(Result<Page<T>, Error>),
    End,
}

enum Step<T> {
    Yield(Result<Page<T>, Error>),
    /// Nothing to yield for this event; go on.
    Skip,
    Stop,
}

/// Checks each page against the ones before it.
struct Checker<T> {
    operation: &'static str,
    start: u64,
    next_offset: u64,
    limit: u64,
    total: Option<u64>,
    received: u64,
    /// First and last items and length of the previous page.
    previous: Option<(T, T, usize)>,
    /// Whether the first page has been checked (its total is the reference).
    seen_first: bool,
    finished: bool,
}

impl<T: Clone + PartialEq> Checker<T> {
    fn new(operation: &'static str, start: u64, limit: u64) -> Self {
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

    fn problem(&mut self, problem: PagingProblem) -> Step<T> {
        self.finished = true;
        Step::Yield(Err(Error::Paging {
            operation: self.operation,
            problem,
        }))
    }

    fn on(&mut self, event: Event<T>) -> Step<T> {
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

    fn check(&mut self, page: Result<Page<T>, Error>) -> Step<T> {
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::TryStreamExt;

    use super::*;

    /// An in-memory result of `len` items numbered from 0, paged like the API (HSS limits),
    /// with misbehaviours on request.
    #[derive(Clone, Default)]
    struct Fake {
        len: u64,
        announce_total: bool,
        ignore_offset: bool,
        /// From this offset on, the announced total is one more.
        total_grows_at: Option<u64>,
        /// From this offset on, pages come back empty.
        empty_from: Option<u64>,
        fetches: Arc<AtomicUsize>,
    }

    impl PagedRequest for Fake {
        type Item = u64;

        fn operation(&self) -> &'static Operation {
            &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS
        }

        fn paging(&self) -> (Option<u64>, Option<u64>) {
            (None, None)
        }

        fn default_concurrency(&self) -> usize {
            3
        }

        fn fetch_page(
            &self,
            offset: u64,
            limit: u64,
        ) -> impl Future<Output = Result<Page<u64>, Error>> + Send {
            self.fetches.fetch_add(1, Ordering::Relaxed);
            let start = if self.ignore_offset { 0 } else { offset };
            let empty = self.empty_from.is_some_and(|from| offset >= from);
            let items: Vec<u64> = if empty {
                Vec::new()
            } else {
                (start..(start + limit).min(self.len)).collect()
            };
            let grown = self.total_grows_at.is_some_and(|at| offset >= at);
            let total = self.announce_total.then_some(self.len + u64::from(grown));
            std::future::ready(Ok(Page {
                items,
                total,
                offset,
                request_id: None,
            }))
        }
    }

    fn fake(len: u64) -> Fake {
        Fake {
            len,
            announce_total: true,
            ..Fake::default()
        }
    }

    async fn collect(request: Fake) -> Result<Vec<u64>, Error> {
        Paginator::new(request).items().try_collect().await
    }

    fn problem(result: Result<Vec<u64>, Error>) -> PagingProblem {
        match result {
            Err(Error::Paging { problem, .. }) => problem,
            other => panic!("expected a paging error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn every_item_once_in_order_with_the_largest_page_size() {
        for len in [0, 1, 199, 200, 201, 1_234] {
            let request = fake(len);
            let fetches = Arc::clone(&request.fetches);
            assert_eq!(
                collect(request).await.unwrap(),
                (0..len).collect::<Vec<_>>(),
                "{len}"
            );
            assert_eq!(
                fetches.load(Ordering::Relaxed) as u64,
                len.div_ceil(200).max(1),
                "{len}: pages of 200"
            );
        }
    }

    #[tokio::test]
    async fn without_a_total_pages_come_one_by_one_until_a_short_one() {
        for len in [0, 150, 400, 1_001] {
            let request = Fake {
                len,
                ..Fake::default()
            };
            let fetches = Arc::clone(&request.fetches);
            assert_eq!(
                collect(request).await.unwrap(),
                (0..len).collect::<Vec<_>>(),
                "{len}"
            );
            // Full pages, then the short one (possibly empty) that ends it: nothing after.
            assert_eq!(
                fetches.load(Ordering::Relaxed) as u64,
                len / 200 + 1,
                "{len}"
            );
        }
    }

    #[tokio::test]
    async fn a_server_ignoring_offset_is_caught_not_looped() {
        let request = Fake {
            ignore_offset: true,
            ..fake(1_000)
        };
        assert_eq!(
            problem(collect(request).await),
            PagingProblem::OffsetIgnored { offset: 200 }
        );
        let without_total = Fake {
            ignore_offset: true,
            ..Fake {
                len: 1_000,
                ..Fake::default()
            }
        };
        assert_eq!(
            problem(collect(without_total).await),
            PagingProblem::OffsetIgnored { offset: 200 }
        );
    }

    #[tokio::test]
    async fn a_total_that_changes_while_paging_is_reported() {
        let request = Fake {
            total_grows_at: Some(400),
            ..fake(1_000)
        };
        assert_eq!(
            problem(collect(request).await),
            PagingProblem::TotalChanged {
                first: 1_000,
                later: 1_001
            }
        );
    }

    #[tokio::test]
    async fn pages_ending_before_the_total_are_reported() {
        let request = Fake {
            empty_from: Some(600),
            ..fake(1_000)
        };
        assert_eq!(
            problem(collect(request).await),
            PagingProblem::ShortResult {
                total: 1_000,
                received: 600
            }
        );
    }

    #[tokio::test]
    async fn results_beyond_the_maximum_offset_are_reported_after_the_reachable_pages() {
        let request = fake(2_000_500);
        let mut items = Paginator::new(request).concurrency(8).items();
        let mut count = 0u64;
        let error = loop {
            match items.try_next().await {
                Ok(Some(_)) => count += 1,
                Ok(None) => panic!("ended without an error"),
                Err(error) => break error,
            }
        };
        assert_eq!(
            count, 2_000_200,
            "every page up to offset 2,000,000 was yielded"
        );
        assert!(matches!(
            error,
            Error::Paging {
                problem: PagingProblem::BeyondMaximumOffset {
                    total: 2_000_500,
                    maximum_offset: 2_000_000
                },
                ..
            }
        ));
    }

    #[tokio::test]
    async fn paging_until_a_boundary_stops_there_and_requests_little_past_it() {
        // Boundary on the first page: one request.
        let request = fake(1_000);
        let fetches = Arc::clone(&request.fetches);
        let items: Vec<u64> = Paginator::new(request)
            .items_until(|item| *item >= 50)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, (0..50).collect::<Vec<_>>());
        assert_eq!(fetches.load(Ordering::Relaxed), 1);
        // Boundary on the third page of 10 at concurrency 4: at most 4 pages past it.
        let request = fake(1_000);
        let fetches = Arc::clone(&request.fetches);
        let items: Vec<u64> = Paginator::new(request)
            .page_size(10)
            .concurrency(4)
            .items_until(|item| *item >= 25)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, (0..25).collect::<Vec<_>>());
        let requested = fetches.load(Ordering::Relaxed);
        assert!((3..=3 + 4).contains(&requested), "{requested}");
    }

    #[tokio::test]
    async fn a_start_beyond_the_largest_offset_is_refused() {
        let mut request = PageNumbered::new((0..10).collect(), OffsetLayout::PagesFromZero);
        request.start_page = Some(1_000_000);
        let fetches = Arc::clone(&request.fetches);
        let error = Paginator::new(request)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidInput { ref parameter, .. } if parameter == "offset"),
            "{error}"
        );
        assert_eq!(fetches.load(Ordering::Relaxed), 0, "nothing sent");
    }

    #[tokio::test]
    async fn page_sizes_are_checked_against_the_spec() {
        let error = Paginator::new(fake(10))
            .page_size(5)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidInput { ref parameter, .. } if parameter == "limit"),
            "{error}"
        );
        let sized: Vec<u64> = Paginator::new(fake(95))
            .page_size(10)
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(sized, (0..95).collect::<Vec<_>>());
    }

    /// A CodeArts-like server whose `offset` is a page number (from 0 or 1) or a record index.
    #[derive(Clone)]
    struct PageNumbered {
        items: Arc<Vec<u64>>,
        server: OffsetLayout,
        start_page: Option<u64>,
        fetches: Arc<AtomicUsize>,
        /// From this many fetches on, the announced total is one more (a scan finished).
        total_grows_after: Option<usize>,
    }

    impl PageNumbered {
        fn new(items: Vec<u64>, server: OffsetLayout) -> Self {
            Self {
                items: Arc::new(items),
                server,
                start_page: None,
                fetches: Arc::default(),
                total_grows_after: None,
            }
        }
    }

    impl PagedRequest for PageNumbered {
        type Item = u64;

        fn operation(&self) -> &'static Operation {
            &hwc_api::codearts_check::spec::CHECK_RECORD
        }

        fn paging(&self) -> (Option<u64>, Option<u64>) {
            (self.start_page, None)
        }

        fn default_concurrency(&self) -> usize {
            4
        }

        fn fetch_page(
            &self,
            offset: u64,
            limit: u64,
        ) -> impl Future<Output = Result<Page<u64>, Error>> + Send {
            let fetched = self.fetches.fetch_add(1, Ordering::Relaxed);
            let grown = self.total_grows_after.is_some_and(|after| fetched >= after);
            let start = match self.server {
                OffsetLayout::Records => offset,
                OffsetLayout::PagesFromZero => offset * limit,
                OffsetLayout::PagesFromOne => offset.saturating_sub(1) * limit,
            } as usize;
            let len = self.items.len();
            let items = self.items[start.min(len)..(start + limit as usize).min(len)].to_vec();
            std::future::ready(Ok(Page {
                items,
                total: Some(len as u64 + u64::from(grown)),
                offset,
                request_id: None,
            }))
        }
    }

    const LAYOUTS: [OffsetLayout; 3] = [
        OffsetLayout::PagesFromZero,
        OffsetLayout::PagesFromOne,
        OffsetLayout::Records,
    ];

    #[tokio::test]
    async fn page_numbers_are_paged_the_way_the_server_counts_them() {
        for server in LAYOUTS {
            for limit in [1u64, 2, 7, 1000] {
                for len in [0u64, 1, 2, 6, 7, 8, 50, 2_500] {
                    for concurrency in [1, 4] {
                        let request = PageNumbered::new((0..len).collect(), server);
                        let fetches = Arc::clone(&request.fetches);
                        let items: Vec<u64> = Paginator::new(request)
                            .page_size(limit)
                            .concurrency(concurrency)
                            .items()
                            .try_collect()
                            .await
                            .unwrap_or_else(|e| panic!("{server:?} {limit} {len}: {e}"));
                        assert_eq!(
                            items,
                            (0..len).collect::<Vec<_>>(),
                            "{server:?}, page size {limit}, {len} items"
                        );
                        // At most one request more than pages, to tell the layout.
                        let pages = len.div_ceil(limit).max(1);
                        assert!(
                            fetches.load(Ordering::Relaxed) as u64 <= pages + 1,
                            "{server:?} {limit} {len}"
                        );
                    }
                }
            }
        }
    }

    #[tokio::test]
    async fn a_start_page_counts_from_zero_whatever_the_server_does() {
        for server in LAYOUTS {
            let mut request = PageNumbered::new((0..50).collect(), server);
            request.start_page = Some(2);
            let items: Vec<u64> = Paginator::new(request)
                .page_size(7)
                .items()
                .try_collect()
                .await
                .unwrap();
            assert_eq!(items, (14..50).collect::<Vec<_>>(), "{server:?}");
        }
    }

    #[tokio::test]
    async fn a_total_that_changes_after_discovery_is_reported_whatever_the_start() {
        for server in LAYOUTS {
            // Discovery reads pages 0 and 1; starting at page 2 yields none of them.
            let mut request = PageNumbered::new((0..1_000).collect(), server);
            request.start_page = Some(2);
            request.total_grows_after = Some(2);
            let result = Paginator::new(request)
                .page_size(100)
                .items()
                .try_collect::<Vec<_>>()
                .await;
            assert!(
                matches!(
                    problem(result),
                    PagingProblem::TotalChanged {
                        first: 1_000,
                        later: 1_001
                    }
                ),
                "{server:?}"
            );
        }
    }

    #[tokio::test]
    async fn alike_records_leave_the_layout_undecided_and_say_so() {
        for server in LAYOUTS {
            let request = PageNumbered::new(vec![7; 30], server);
            let result = Paginator::new(request)
                .page_size(7)
                .items()
                .try_collect::<Vec<_>>()
                .await;
            assert!(
                matches!(problem(result), PagingProblem::PagingUndecided { .. }),
                "{server:?}"
            );
        }
    }

    #[test]
    fn the_evidence_decides_one_layout_or_none() {
        let first: Vec<u64> = (0..5).collect();
        assert_eq!(
            decide(&first, &[5, 6, 7, 8, 9], 5, Some(20)),
            Ok(OffsetLayout::PagesFromZero)
        );
        assert_eq!(
            decide(&first, &first, 5, Some(20)),
            Ok(OffsetLayout::PagesFromOne)
        );
        assert_eq!(
            decide(&first, &[1, 2, 3, 4, 5], 5, Some(20)),
            Ok(OffsetLayout::Records)
        );
        // A second page too short for any of the three.
        assert!(decide(&first, &[5, 6], 5, Some(20)).is_err());
    }
}
