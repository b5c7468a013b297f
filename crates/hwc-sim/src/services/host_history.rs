//! HSS `ListVulHandleHistory`: the handling records of host vulnerabilities, filtered by the
//! query's optional fields, newest first unless `sort_dir=asc` (the documented default is
//! descending), offset-paged.

use std::borrow::Cow;
use std::collections::HashMap;

use hwc_api::descriptor::Operation;
use serde::Serialize;

use super::image_vulns::{optional_filters, repeated};
use super::request::{integer, to_json, validated};
use crate::data::Dataset;
use crate::data::wire_record::WireRecord;
use crate::gateway::GatewayError;

/// The operation this answers.
pub(crate) const OPERATION: &Operation = &hwc_api::hss::spec::LIST_VUL_HANDLE_HISTORY;

/// A page of `ListVulHandleHistory`.
pub(crate) fn page(
    data: &Dataset,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
    added: usize,
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(OPERATION, path, query)?;
    let mut filters = optional_filters(OPERATION, &values);
    filters.remove("sort_key");
    // A list: every value of the repeated parameter.
    filters.remove("status");
    let statuses = repeated(query, "status");
    let ascending = filters.remove("sort_dir").as_deref() == Some("asc");
    // Host records belong to the default enterprise project; `all_granted_eps` sees them too.
    let (total, items) = match values.get("enterprise_project_id").copied() {
        Some("0") | Some(crate::data::hss::ALL_ENTERPRISE_PROJECTS) => data.host.query(
            &filters,
            &statuses,
            ascending,
            integer(OPERATION, &values, "offset"),
            integer(OPERATION, &values, "limit"),
            added,
        ),
        _ => (0, Vec::new()),
    };
    #[derive(Serialize)]
    struct Body {
        data_list: Vec<WireRecord>,
        total_num: usize,
    }
    to_json(&Body {
        data_list: items,
        total_num: total,
    })
}
