//! One page of results, and what a request must offer to be paged ([`PagedRequest`]).

use std::future::Future;

use hwc_api::descriptor::Operation;

use crate::error::Error;

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

    /// When the next page may start, when a rate must be kept by spacing pages rather than by
    /// the number in flight (see the facade's `ClientBuilder::page_concurrency`): reserved in
    /// the schedule every pager of the API shares.
    fn page_start(&self) -> Option<std::time::Instant> {
        None
    }

    /// What tells an item apart where pages may repeat items (`x-hwc-paging.unique-by`): the
    /// paginator yields each key once. `None`: items are not told apart.
    fn unique_key(item: &Self::Item) -> Option<String> {
        let _ = item;
        None
    }

    /// Fetches the page at `offset` of `limit` items.
    fn fetch_page(
        &self,
        offset: u64,
        limit: u64,
    ) -> impl Future<Output = Result<Page<Self::Item>, Error>> + Send;
}

/// `page` with the items whose [`PagedRequest::unique_key`] an earlier item of the page has
/// left out, for operations whose spec says pages may repeat items (`unique-by`): the page as
/// the API says it counts it ("exactly `limit` after removing duplicates"). Items without a key,
/// or with an empty one, are kept.
pub(super) fn unique_within<R: PagedRequest>(
    request: &R,
    mut page: Page<R::Item>,
) -> Page<R::Item> {
    if request
        .operation()
        .paging
        .and_then(|paging| paging.unique_by)
        .is_none()
    {
        return page;
    }
    let before = page.items.len();
    let mut seen = std::collections::HashSet::with_capacity(before);
    page.items.retain(|item| {
        R::unique_key(item)
            .filter(|key| !key.is_empty())
            .is_none_or(|key| seen.insert(key))
    });
    if page.items.len() < before {
        tracing::debug!(
            operation = request.operation().id,
            repeated = before - page.items.len(),
            "a page repeated items; each is kept once"
        );
    }
    page
}
