//! HSS `ListGeneralImageVulOperations`: the handling history of one vulnerability on local or
//! registry images, filtered by the query's optional fields, offset-paged.

use std::borrow::Cow;
use std::collections::HashMap;

use hwc_api::descriptor::{Location, Operation};
use serde::Serialize;

use super::request::{integer, owned, to_json, validated};
use super::{LocalImageValue, Order};
use crate::data::hss::HssData;
use crate::gateway::GatewayError;

/// The operation this answers.
pub(crate) const OPERATION: &Operation = &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS;

/// A page of `ListGeneralImageVulOperations` from the generated records.
pub(crate) fn page(
    data: &HssData,
    order: Order,
    local_image_value: LocalImageValue,
    first_unseen: u32,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
    added: usize,
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(OPERATION, path, query)?;
    // The optional query parameters given, paging aside, filter by the field of their name.
    let paging = OPERATION
        .paging
        .map(|p| [p.offset_parameter, p.limit_parameter]);
    let filters = crate::data::hss::Filters(
        OPERATION
            .parameters
            .iter()
            .filter(|p| !p.required && p.location == Location::Query)
            .filter(|p| paging.is_none_or(|names| !names.contains(&p.name)))
            .filter_map(|p| Some((p.name.to_owned(), owned(&values, p.name)?)))
            .collect(),
    );
    let image_type = values.get("image_type").copied().unwrap_or_default();
    let local = local_image_value.is_local(image_type).map_err(|taken| {
        GatewayError::bad_request(format!(
            "invalid image_type {image_type:?}: local images are {taken:?} here"
        ))
    })?;
    let vul_id = values.get("vul_id").copied().unwrap_or_default();
    // A vulnerability nobody has handled yet has no history.
    let unseen = data
        .vul_position(vul_id)
        .is_some_and(|vul| vul >= first_unseen);
    let (total, items) = order.page(
        integer(OPERATION, &values, "offset"),
        integer(OPERATION, &values, "limit"),
        |offset, limit| {
            if unseen {
                return (0, Vec::new());
            }
            let page = data.query(vul_id, local, &filters, offset, limit, added);
            (page.total, page.items)
        },
    );
    #[derive(Serialize)]
    struct Body {
        total_num: usize,
        data_list: Vec<crate::data::wire_record::WireRecord>,
    }
    to_json(&Body {
        total_num: total,
        data_list: items,
    })
}
