//! The scan history of a CodeArts Check task and its trend, against a simulator started
//! in-process (no cloud account needed):
//!
//!     cargo run -p hwc --example codearts_scans
//!
//! Against the real cloud: `Client::builder().region("cn-north-4").build()?` with
//! `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` set, and your CodeArts project and task ids.

use futures::TryStreamExt;
use hwc::{Client, Credentials};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = hwc_sim::Simulator::builder()
        .records(10_000)
        .start()
        .await?;
    let client = Client::builder()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::token(hwc_sim::DEMO_TOKEN)?)
        .build()?;

    let scans: Vec<_> = client
        .codearts_check()
        .check_records(hwc_sim::DEMO_PROJECT, hwc_sim::DEMO_TASK)
        .into_paginator()
        .items()
        .try_collect()
        .await?;
    println!("{} scans of {}", scans.len(), hwc_sim::DEMO_TASK);
    if let [last, previous, ..] = scans.as_slice() {
        let counts = |scan: &hwc::codearts_check::CheckRecord| {
            let c = scan.issue_counts;
            [c.critical, c.serious, c.normal, c.prompt].map(|n| n.unwrap_or(0))
        };
        let when = |scan: &hwc::codearts_check::CheckRecord| {
            scan.check_time
                .as_ref()
                .map(|t| t.raw.clone())
                .unwrap_or_default()
        };
        println!("last scan {} against {}:", when(last), when(previous));
        for ((name, now), before) in ["critical", "serious", "normal", "prompt"]
            .iter()
            .zip(counts(last))
            .zip(counts(previous))
        {
            println!("  {name:>8}: {now:>5} ({:+})", now - before);
        }
    }
    Ok(())
}
