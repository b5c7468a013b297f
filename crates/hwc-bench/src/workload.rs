//! What every client pages, so that all of them do the same work: one query per API, at the
//! largest page size the spec allows.

use std::time::Duration;

use hwc_api::descriptor::Operation;
use serde_json::json;

/// The API a run pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Api {
    /// HSS: the handling history of CVE-2021-44228 on registry images, all enterprise projects.
    Hss,
    /// CodeArts Check: the scan history of the simulator's demo task.
    Codearts,
}

/// The query of one API and how it pages.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    /// Which API.
    pub api: Api,
    /// The operation's descriptor, generated from the spec.
    pub operation: &'static Operation,
    /// Records per page: the spec's maximum.
    pub page_size: u64,
}

impl Workload {
    /// The workload of `api`.
    pub fn of(api: Api) -> Self {
        let operation = match api {
            Api::Hss => &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS,
            Api::Codearts => &hwc_api::codearts_check::spec::CHECK_RECORD,
        };
        Self {
            api,
            operation,
            page_size: max_limit(operation),
        }
    }

    /// The URL of page `page` (counted from 0): its offset is a record index or a page number,
    /// as the spec's `x-hwc-paging` says (the simulator counts pages from 0 by default).
    pub fn url(&self, endpoint: &str, page: u64) -> String {
        let offset = match self.operation.paging.map(|p| p.offset_unit) {
            Some(hwc_api::descriptor::OffsetUnit::Page) => page,
            _ => page * self.page_size,
        };
        match self.api {
            Api::Hss => format!(
                "{endpoint}/v5/{}/image/vulnerability/handle-history?enterprise_project_id=all_granted_eps&image_type=registry&limit={}&offset={offset}&vul_id={}",
                hwc_sim::DEMO_PROJECT,
                self.page_size,
                hwc_sim::DEMO_VUL_ID
            ),
            Api::Codearts => format!(
                "{endpoint}/v2/{}/tasks/{}/checkrecord?limit={}&offset={offset}",
                hwc_sim::DEMO_PROJECT,
                hwc_sim::DEMO_TASK,
                self.page_size
            ),
        }
    }

    /// The response fields holding the total and the records, from the spec.
    pub fn fields(&self) -> (&'static str, &'static str) {
        self.operation
            .paging
            .map_or(("total", "data"), |p| (p.total_field, p.items_field))
    }
}

/// The result line of a paging run.
pub fn report(
    client: &str,
    workload: Workload,
    concurrency: Option<usize>,
    records: u64,
    pages: u64,
    elapsed: Duration,
) -> String {
    json!({
        "client": client,
        "api": format!("{:?}", workload.api).to_lowercase(),
        "concurrency": concurrency,
        "page_size": workload.page_size,
        "records": records,
        "pages": pages,
        "seconds": elapsed.as_secs_f64(),
    })
    .to_string()
}

fn max_limit(operation: &Operation) -> u64 {
    let limit = operation
        .paging
        .and_then(|paging| operation.parameter(paging.limit_parameter));
    let maximum = limit.map_or(i64::MAX, |p| hwc::validate::integer_bounds(&p.schema).1);
    u64::try_from(maximum).unwrap_or(1).min(10_000)
}
