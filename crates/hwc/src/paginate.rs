//! Offset paging for any operation whose spec has `x-hwc-paging`: the largest page the spec
//! allows, the first page alone (to learn the total), then up to N pages at once, yielded in
//! order, with every inconsistency reported instead of a silently partial result.

use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use hwc_api::descriptor::{Operation, ParameterSchema};

use crate::error::{Error, PagingProblem};

/// One page of results.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page, in the API's order.
    pub items: Vec<T>,
    /// Items in the whole result, as the API announced with this page.
    pub total: u64,
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
    pub fn pages(self) -> BoxStream<'static, Result<Page<R::Item>, Error>> {
        let operation = self.request.operation();
        let setup = match plan(operation, &self.request, self.page_size) {
            Ok(setup) => setup,
            Err(error) => return stream::once(async move { Err(error) }).boxed(),
        };
        let concurrency = self
            .concurrency
            .unwrap_or_else(|| self.request.default_concurrency())
            .max(1);
        let request = self.request;
        let first_request = request.clone();
        let first = async move { first_request.fetch_page(setup.start, setup.limit).await };
        let pages = stream::once(first)
            .map(move |first| match first {
                Err(error) => stream::once(async move { Err(error) }).boxed(),
                Ok(page) => {
                    let request = request.clone();
                    let total = page.total;
                    let rest = (setup.start + setup.limit..total)
                        .step_by(usize::try_from(setup.limit).unwrap_or(usize::MAX).max(1))
                        .map(move |offset| (offset, request.clone()));
                    let max_offset = setup.max_offset;
                    let rest = stream::iter(rest)
                        .map(move |(offset, request)| async move {
                            if max_offset.is_some_and(|max| offset > max) {
                                return Err(Error::Paging {
                                    operation: request.operation().id,
                                    problem: PagingProblem::BeyondMaximumOffset {
                                        total,
                                        maximum_offset: max_offset.unwrap_or(offset),
                                    },
                                });
                            }
                            request.fetch_page(offset, setup.limit).await
                        })
                        .buffered(concurrency);
                    stream::once(async move { Ok(page) }).chain(rest).boxed()
                }
            })
            .flatten();
        let mut check = Checker::new(operation.id, setup.start, setup.limit);
        pages
            .map(move |page| check.check(page))
            .take_while(|step| std::future::ready(!matches!(step, Step::Stop)))
            .filter_map(|step| {
                std::future::ready(match step {
                    Step::Yield(result) => Some(result),
                    Step::Stop => None,
                })
            })
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

struct Plan {
    start: u64,
    limit: u64,
    max_offset: Option<u64>,
}

/// Start, page size and the largest offset, from the request and the spec.
fn plan<R: PagedRequest>(
    operation: &'static Operation,
    request: &R,
    page_size: Option<u64>,
) -> Result<Plan, Error> {
    let paging = operation.paging.ok_or_else(|| {
        Error::Config(format!(
            "{} does not page (its spec has no x-hwc-paging)",
            operation.id
        ))
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
    Ok(Plan {
        start: offset.unwrap_or(0),
        limit,
        max_offset: (offset_max < i64::MAX).then_some(offset_max as u64),
    })
}

enum Step<T> {
    Yield(Result<Page<T>, Error>),
    Stop,
}

/// Checks each page against the ones before it.
struct Checker<T> {
    operation: &'static str,
    next_offset: u64,
    limit: u64,
    total: Option<u64>,
    received: u64,
    /// First and last items and length of the previous page.
    previous: Option<(T, T, usize)>,
    finished: bool,
}

impl<T: Clone + PartialEq> Checker<T> {
    fn new(operation: &'static str, start: u64, limit: u64) -> Self {
        Self {
            operation,
            next_offset: start,
            limit,
            total: None,
            received: start,
            previous: None,
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
        let total = *self.total.get_or_insert(page.total);
        if page.total != total {
            return self.problem(PagingProblem::TotalChanged {
                first: total,
                later: page.total,
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
        let expected = total.saturating_sub(self.next_offset).min(self.limit);
        let got = page.items.len() as u64;
        if got < expected {
            return self.problem(PagingProblem::ShortResult {
                total,
                received: self.received + got,
            });
        }
        self.received += got;
        self.next_offset += self.limit;
        if self.next_offset >= total {
            self.finished = true;
        }
        self.previous = edges;
        Step::Yield(Ok(page))
    }
}
