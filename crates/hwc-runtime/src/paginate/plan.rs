//! Planning: the page size, how offsets count ([`OffsetLayout`]), where paging starts.

use hwc_api::descriptor::{OffsetUnit, Operation, ParameterSchema};

use crate::error::Error;

use super::page::PagedRequest;

pub(super) struct Plan {
    /// Index of the first item to yield.
    pub(super) start_item: u64,
    pub(super) limit: u64,
    /// Largest value of the offset parameter (on the wire) the spec allows.
    pub(super) max_offset: Option<u64>,
    pub(super) unit: OffsetUnit,
}

/// Start, page size and the largest offset, from the request and the spec.
pub(super) fn plan<R: PagedRequest>(
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
    let limit = page_size
        .or(limit)
        .or(paging.page_size)
        .unwrap_or(limit_max.max(1) as u64);
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
#[non_exhaustive]
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
    pub(super) fn wire_offset(self, first_item: u64, limit: u64) -> u64 {
        match self {
            OffsetLayout::Records => first_item,
            OffsetLayout::PagesFromZero => first_item / limit.max(1),
            OffsetLayout::PagesFromOne => (first_item / limit.max(1)).saturating_add(1),
        }
    }

    pub(super) fn describe(self) -> &'static str {
        match self {
            OffsetLayout::Records => "offset is a record index",
            OffsetLayout::PagesFromZero => "offset is a page number, the first page being 0",
            OffsetLayout::PagesFromOne => "offset is a page number, the first page being 1",
        }
    }
}
