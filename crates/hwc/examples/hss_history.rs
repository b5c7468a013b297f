//! The handling history of CVE-2021-44228 on registry images, against a simulator started
//! in-process (no cloud account needed):
//!
//!     cargo run -p hwc --example hss_history
//!
//! Against the real cloud, drop the simulator and build the client from the environment:
//! `Client::builder().region("cn-north-4").build()?` with `HUAWEICLOUD_SDK_AK`,
//! `HUAWEICLOUD_SDK_SK` and `HUAWEICLOUD_SDK_PROJECT_ID` set.

use futures::TryStreamExt;
use hwc::hss::{ImageType, VulStatus};
use hwc::{Client, Credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = hwc_sim::Simulator::builder()
        .records(50_000)
        .start()
        .await?;
    let client = Client::builder()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK)?)
        .project_id("0123456789abcdef0123456789abcdef")
        .build()?;

    // One page: the ignored ones, newest first.
    let page = client
        .hss()
        .image_vul_handle_history(hwc_sim::DEMO_VUL_ID, ImageType::Registry)
        .status(VulStatus::VulStatusIgnored)
        .limit(10)
        .send()
        .await?;
    println!(
        "{} ignored records in all; the newest {}:",
        page.total.unwrap_or(0),
        page.items.len()
    );
    for record in &page.items {
        println!(
            "  {} {} by {} on {}",
            record
                .handle_time
                .map(|t| t.to_string())
                .unwrap_or_default(),
            record
                .handle_type
                .as_ref()
                .map(|h| h.as_str())
                .unwrap_or("-"),
            record.user_name.as_deref().unwrap_or("-"),
            record.image_name.as_deref().unwrap_or("-"),
        );
    }

    // Every record of every enterprise project, paged for us.
    let all: Vec<_> = client
        .hss()
        .image_vul_handle_history(hwc_sim::DEMO_VUL_ID, ImageType::Registry)
        .enterprise_project_id("all_granted_eps")
        .into_paginator()
        .items()
        .try_collect()
        .await?;
    let unknown = all
        .iter()
        .filter(|r| r.status.as_ref().is_some_and(|s| !s.is_known()))
        .count();
    println!(
        "{} records in all enterprise projects, {unknown} with a status the docs do not list",
        all.len()
    );
    Ok(())
}
