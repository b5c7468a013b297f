//! The paginator against in-memory results that misbehave on request.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::TryStreamExt;

use super::discovery::*;
use super::page::*;
use super::paginator::*;
use super::plan::*;
use crate::error::{Error, PagingProblem};
use hwc_api::descriptor::Operation;

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

/// A page-numbered result (from 0) of `len` distinct items whose pages may repeat items, as
/// CodeArts Check's issues (`unique-by: defect_id`): within a page (`repeat_within`), or an item of
/// the first page again in place of another (`repeat_across`, from page 2 on).
#[derive(Clone, Default)]
struct Repeating {
    len: u64,
    repeat_within: bool,
    repeat_across: bool,
}

impl PagedRequest for Repeating {
    type Item = u64;

    fn operation(&self) -> &'static Operation {
        &hwc_api::codearts_check::spec::SHOW_TASK_DEFECTS
    }

    fn paging(&self) -> (Option<u64>, Option<u64>) {
        (None, Some(10))
    }

    fn default_concurrency(&self) -> usize {
        2
    }

    fn unique_key(item: &u64) -> Option<String> {
        Some(item.to_string())
    }

    fn fetch_page(
        &self,
        offset: u64,
        limit: u64,
    ) -> impl Future<Output = Result<Page<u64>, Error>> + Send {
        let start = offset * limit;
        let mut items: Vec<u64> = (start..(start + limit).min(self.len)).collect();
        if self.repeat_within && !items.is_empty() {
            items.insert(1, items[0]);
        }
        if self.repeat_across && offset >= 2 && !items.is_empty() {
            items[0] = 0;
        }
        std::future::ready(Ok(Page {
            items,
            total: Some(self.len),
            offset,
            request_id: None,
        }))
    }
}

#[tokio::test]
async fn repeats_within_a_page_are_each_yielded_once() {
    let items: Vec<u64> = Paginator::new(Repeating {
        len: 35,
        repeat_within: true,
        ..Repeating::default()
    })
    .items()
    .try_collect()
    .await
    .unwrap();
    assert_eq!(items, (0..35).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_item_repeated_on_a_later_page_in_place_of_another_is_an_error() {
    let result: Result<Vec<u64>, Error> = Paginator::new(Repeating {
        len: 35,
        repeat_across: true,
        ..Repeating::default()
    })
    .items()
    .try_collect()
    .await;
    match result {
        Err(Error::Paging {
            problem: PagingProblem::ShortResult { total, received },
            ..
        }) => assert_eq!((total, received), (35, 33)),
        other => panic!("expected a short result, got {other:?}"),
    }
}
