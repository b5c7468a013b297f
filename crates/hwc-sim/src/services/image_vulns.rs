//! HSS `ListGeneralImageVuls`: the vulnerabilities found on images of one type, of one
//! vulnerability type and handling status, from the catalogue the handling records make.

use std::borrow::Cow;
use std::collections::HashMap;

use hwc_api::descriptor::{Location, Operation};
use serde::Serialize;

use super::request::{integer, owned, to_json, validated};
use super::{LocalImageValue, Order};
use crate::data::Dataset;
use crate::data::catalogue::VulQuery;
use crate::data::wire_record::WireRecord;
use crate::gateway::GatewayError;

/// The operation this answers.
pub(crate) const OPERATION: &Operation = &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VULS;

/// A page of `ListGeneralImageVuls`.
pub(crate) fn page(
    data: &Dataset,
    order: Order,
    local_image_value: LocalImageValue,
    first_unseen: u32,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(OPERATION, path, query)?;
    let mut filters = optional_filters(OPERATION, &values);
    // A list: every value of the repeated parameter.
    filters.remove("label_list");
    let labels = repeated(query, "label_list");
    let image_type = values.get("image_type").copied().unwrap_or_default();
    // CI/CD and cluster images exist on the real service; the simulator has none.
    let local = match image_type {
        "cicd" | "cluster" => None,
        other => Some(local_image_value.is_local(other).map_err(|taken| {
            GatewayError::bad_request(format!(
                "invalid image_type {other:?}: local images are {taken:?} here"
            ))
        })?),
    };
    let project = data
        .hss
        .enterprise_project(values.get("enterprise_project_id").copied());
    let (total, items) = order.page(
        integer(OPERATION, &values, "offset"),
        integer(OPERATION, &values, "limit"),
        |offset, limit| match (local, project) {
            (Some(local), Some(enterprise_project)) => data.catalogue.query(
                &VulQuery {
                    vul_type: values.get("type").copied().unwrap_or_default(),
                    handle_status: values.get("handle_status").copied().unwrap_or_default(),
                    local,
                    enterprise_project,
                    filters: &filters,
                    labels: &labels,
                    first_unseen,
                },
                offset,
                limit,
            ),
            _ => (0, Vec::new()),
        },
    );
    #[derive(Serialize)]
    struct Body {
        total_num: usize,
        data_list: Vec<WireRecord>,
    }
    to_json(&Body {
        total_num: total,
        data_list: items,
    })
}

/// Every value of the query parameter `name`, as a list parameter repeats it.
pub(super) fn repeated<'a>(query: &'a [(Cow<'_, str>, Cow<'_, str>)], name: &str) -> Vec<&'a str> {
    query
        .iter()
        .filter(|(given, _)| given == name)
        .map(|(_, value)| value.as_ref())
        .collect()
}

/// The optional query parameters a request gave, paging and the enterprise project aside, by
/// name: the filters of a data set.
pub(super) fn optional_filters(
    operation: &Operation,
    values: &HashMap<&str, &str>,
) -> HashMap<String, String> {
    let paging = operation
        .paging
        .map(|p| [p.offset_parameter, p.limit_parameter]);
    operation
        .parameters
        .iter()
        .filter(|p| !p.required && p.location == Location::Query)
        .filter(|p| paging.is_none_or(|names| !names.contains(&p.name)))
        .filter(|p| p.name != "enterprise_project_id")
        .filter_map(|p| Some((p.name.to_owned(), owned(values, p.name)?)))
        .collect()
}
