//! The hwc facade paging every record, as a user would: AK/SK credentials, the paginator, pages
//! decoded into the public models.

use std::time::Instant;

use futures::TryStreamExt;
use hwc::hss::ImageType;
use hwc::{Client, Credentials};

use crate::workload::{Api, Workload, report};

/// Pages through every record of `workload` with `concurrency` pages in flight, or as many as
/// the client's flow control sizes when `None` (its default).
pub async fn page_all(
    endpoint: &str,
    workload: Workload,
    concurrency: Option<usize>,
) -> anyhow::Result<String> {
    let mut builder = Client::builder()
        .endpoint_for_all(endpoint)
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK)?)
        .project_id(hwc_sim::DEMO_PROJECT)
        .ignore_environment();
    if let Some(pages) = concurrency {
        builder = builder.page_concurrency(pages);
    }
    let client = builder.build()?;
    let started = Instant::now();
    let (records, pages) = match workload.api {
        Api::Hss => {
            let pages = client
                .hss()
                .image_vul_handle_history(hwc_sim::DEMO_VUL_ID, ImageType::Registry)
                .enterprise_project_id("all_granted_eps")
                .into_paginator()
                .page_size(workload.page_size)
                .pages();
            count(pages).await?
        }
        Api::Codearts => {
            let pages = client
                .codearts_check()
                .check_records(hwc_sim::DEMO_PROJECT, hwc_sim::DEMO_TASK)
                .into_paginator()
                .page_size(workload.page_size)
                .pages();
            count(pages).await?
        }
    };
    Ok(report(
        "facade",
        workload,
        concurrency,
        records,
        pages,
        started.elapsed(),
    ))
}

/// Records and pages of a page stream; each page is dropped once counted.
async fn count<T>(
    mut pages: futures::stream::BoxStream<'static, Result<hwc::Page<T>, hwc::Error>>,
) -> anyhow::Result<(u64, u64)> {
    let (mut records, mut count) = (0, 0);
    while let Some(page) = pages.try_next().await? {
        records += page.items.len() as u64;
        count += 1;
    }
    Ok((records, count))
}
