//! CodeArts Check `CheckRecord`: the issue counts of each scan of a task, between two times,
//! offset-paged by records or pages as the simulator is told.

use std::borrow::Cow;
use std::collections::HashMap;

use hwc_api::descriptor::Operation;
use serde::Serialize;

use super::request::{integer, to_json, validated};
use super::{CodeArtsPaging, Order};
use crate::data::codearts::CodeArtsData;
use crate::gateway::GatewayError;

/// The operation this answers.
pub(crate) const OPERATION: &Operation = &hwc_api::codearts_check::spec::CHECK_RECORD;

/// A page of `CheckRecord` from the generated scans.
pub(crate) fn page(
    data: &CodeArtsData,
    paging: CodeArtsPaging,
    order: Order,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(OPERATION, path, query)?;
    // The spec gives the documented form (`2020-09-25T12:05:00Z`); older clients sent others,
    // so a value the simulator cannot read is ignored rather than refused, as before.
    let time = |name: &str| -> Result<Option<i64>, GatewayError> {
        let Some(text) = values.get(name).filter(|text| !text.trim().is_empty()) else {
            return Ok(None);
        };
        let parsed = crate::data::codearts::parse_time(text);
        if parsed.is_none() {
            tracing::warn!(parameter = name, value = %text, "ignoring a time filter in an unknown format");
        }
        Ok(parsed)
    };
    let limit = integer(OPERATION, &values, "limit");
    let (start, end) = (time("start_time")?, time("end_time")?);
    let (total, items) = order.page(
        paging.first_record(integer(OPERATION, &values, "offset"), limit),
        limit,
        |offset, limit| {
            let page = data.query(
                values.get("project_id").copied().unwrap_or_default(),
                values.get("task_id").copied().unwrap_or_default(),
                start,
                end,
                offset,
                limit,
            );
            (page.total, page.items)
        },
    );
    #[derive(Serialize)]
    struct Body {
        total: usize,
        data: Vec<crate::data::codearts::CheckItem>,
    }
    to_json(&Body { total, data: items })
}
