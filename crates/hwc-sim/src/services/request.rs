//! What every service does with a request: check it against the spec, read its parameters,
//! and write the answer as JSON.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::http::StatusCode;
use hwc_api::descriptor::{Operation, ParameterSchema};
use serde::Serialize;

use crate::gateway::GatewayError;

/// Checks the call against the spec; returns the query parameters by name.
pub(super) fn validated<'a>(
    operation: &Operation,
    path: &'a HashMap<String, String>,
    query: &'a [(Cow<'a, str>, Cow<'a, str>)],
) -> Result<HashMap<&'a str, &'a str>, GatewayError> {
    let pairs: Vec<(&str, &str)> = path
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .chain(
            query
                .iter()
                .map(|(name, value)| (name.as_ref(), value.as_ref())),
        )
        .collect();
    hwc_api::validate::check_received(operation, &pairs)
        .map_err(|error| GatewayError::bad_request(error.to_string()))?;
    Ok(pairs.into_iter().collect())
}

/// The integer parameter `name`, or its default from the spec.
pub(super) fn integer(operation: &Operation, values: &HashMap<&str, &str>, name: &str) -> usize {
    let default = match operation.parameter(name).map(|p| p.schema) {
        Some(ParameterSchema::Integer { default, .. }) => default.unwrap_or(0),
        _ => 0,
    };
    values
        .get(name)
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(default)
        .max(0) as usize
}

pub(super) fn owned(values: &HashMap<&str, &str>, name: &str) -> Option<String> {
    values.get(name).map(|v| (*v).to_owned())
}

/// The answer's body as JSON.
pub(super) fn to_json(body: &impl Serialize) -> Result<Vec<u8>, GatewayError> {
    serde_json::to_vec(body).map_err(|error| {
        GatewayError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "APIGW.0103",
            format!("encoding failed: {error}"),
        )
    })
}
