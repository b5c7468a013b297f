//! Offset paging for any operation whose spec has `x-hwc-paging`: the largest page the spec
//! allows, the first page alone (to learn the total), then up to N pages at once, yielded in
//! order, with every inconsistency reported instead of a silently partial result.

//!
//! - [`page`]: a page, and what a request must offer to be paged.
//! - [`paginator`]: the public [`Paginator`].
//! - [`plan`]: page size, what offsets count, where paging starts.
//! - [`discovery`]: what the offset counts when the spec cannot say.
//! - [`prefetch`]: pages fetched ahead, paced, yielded in order.
//! - [`consistency`]: checks across pages.

mod consistency;
mod discovery;
mod page;
mod paginator;
mod plan;
mod prefetch;
#[cfg(test)]
mod tests;

pub use page::{Page, PagedRequest};
pub use paginator::Paginator;
pub use plan::OffsetLayout;
