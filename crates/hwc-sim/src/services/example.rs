//! Every operation nobody wrote data for, of any service in `spec/`: the spec's example answer,
//! paged as the spec says. A new operation or service is served as soon as its spec is there.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::http::StatusCode;
use hwc_api::descriptor::Operation;

use super::request::{integer, to_json, validated};
use crate::gateway::GatewayError;

/// The spec's example answer of `operation`, after validating the request. For a paged
/// operation the example's items are the whole data set: the answer holds the page the offset
/// and limit ask for (pages counted from 0 when the offset is a page number), and their number
/// as the total.
pub(crate) fn page(
    operation: &'static Operation,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(operation, path, query)?;
    let example = operation.example.ok_or_else(|| {
        GatewayError::new(
            StatusCode::NOT_IMPLEMENTED,
            "APIGW.0103",
            format!("the spec gives no example answer of {}", operation.id),
        )
    })?;
    let mut body: serde_json::Value = serde_json::from_str(example).map_err(|error| {
        GatewayError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "APIGW.0103",
            format!("the example of {} is not JSON: {error}", operation.id),
        )
    })?;
    if let Some(paging) = operation.paging
        && let Some(items) = body
            .get(paging.items_field)
            .and_then(serde_json::Value::as_array)
            .cloned()
    {
        let limit = integer(operation, &values, paging.limit_parameter).max(1);
        let offset = integer(operation, &values, paging.offset_parameter);
        let first = match paging.offset_unit {
            hwc_api::descriptor::OffsetUnit::Record => offset,
            hwc_api::descriptor::OffsetUnit::Page => offset.saturating_mul(limit),
        };
        let total = items.len();
        let page: Vec<serde_json::Value> = items.into_iter().skip(first).take(limit).collect();
        body[paging.items_field] = serde_json::Value::Array(page);
        body[paging.total_field] = serde_json::Value::from(total);
    }
    to_json(&body)
}
