//! Discovery: what the offset counts when the spec cannot say, learned from the first answers.

use hwc_api::descriptor::OffsetUnit;

use crate::error::{Error, PagingProblem};

use super::page::{Page, PagedRequest};
use super::plan::{OffsetLayout, Plan};

/// What the first requests established: how to page, the pages already fetched (the first
/// ones of the result, in order) and whether they are all of it.
pub(super) struct Discovery<T> {
    pub(super) layout: OffsetLayout,
    pub(super) known: Vec<Page<T>>,
    pub(super) complete: bool,
    pub(super) total: Option<u64>,
}

/// Whether a page starting at item `first_item` is the last one.
pub(super) fn is_last<T>(page: &Page<T>, first_item: u64, limit: u64) -> bool {
    match page.total {
        Some(total) => first_item.saturating_add(limit) >= total,
        None => (page.items.len() as u64) < limit,
    }
}

/// The page at `offset`, started when the API's shared schedule of page starts allows.
async fn paced_fetch<R: PagedRequest>(
    request: &R,
    offset: u64,
    limit: u64,
) -> Result<Page<R::Item>, Error> {
    if let Some(at) = request.page_start() {
        tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await;
    }
    let page = request.fetch_page(offset, limit).await?;
    Ok(super::page::unique_within(request, page))
}

/// Fetches what it takes to know how to page: the first page for record offsets; for page
/// numbers, the pages at offsets 0 and 1 together (one round trip, not two), whose relation
/// tells the server's behaviour; the second is not needed when the first holds everything.
pub(super) async fn discover<R: PagedRequest>(
    request: &R,
    plan: &Plan,
) -> Result<Discovery<R::Item>, Error> {
    let limit = plan.limit;
    let operation = request.operation().id;
    if plan.unit == OffsetUnit::Record {
        let first = paced_fetch(request, plan.start_item, limit).await?;
        return Ok(Discovery {
            layout: OffsetLayout::Records,
            complete: is_last(&first, plan.start_item, limit),
            total: first.total,
            known: vec![first],
        });
    }
    // Offset 0 is the first page whichever way the server counts.
    let (first, second) = futures::future::join(
        paced_fetch(request, 0, limit),
        paced_fetch(request, 1, limit),
    )
    .await;
    let first = first?;
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
    let second = second?;
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
pub(super) fn decide<T: PartialEq>(
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
