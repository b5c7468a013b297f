//! `hwc demo`: a simulator in-process, and both APIs walked through against it.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use futures::StreamExt;

use hwc::hss::ImageType;

use crate::cmd_trend::write_trend;
use crate::cmd_vul_history::{VulHistoryExtras, vul_history};
use crate::exit::Failure;
use crate::render::Output;
use crate::session::{SIM_RECORDS, Session};

/// Runs the walk-through, writing the trend chart to `chart`.
pub async fn run(chart: &Path) -> Result<(), Failure> {
    let mut out = std::io::stdout();
    writeln!(
        out,
        "Starting the hwc simulator in-process with {SIM_RECORDS} HSS records (no cloud account needed)..."
    )?;
    let global = crate::global::Global {
        region: None,
        endpoint: None,
        project_id: None,
        output: Output::Table,
        timeout: None,
        retries: None,
        concurrency: None,
        api_rate_limit: None,
        dry_run: false,
        debug: false,
        signing_algorithm: None,
        verbose: 0,
        sim: true,
    };
    let session = Session::open(&global).await?;
    let base = session
        .simulator
        .as_ref()
        .map(|s| s.base_url())
        .unwrap_or_default();
    writeln!(
        out,
        "Simulator listening on {base}, signing with its demo AK/SK.\n"
    )?;

    writeln!(
        out,
        "1. One page of the handling history of {} on registry images:",
        hwc_sim::DEMO_VUL_ID
    )?;
    writeln!(
        out,
        "   $ hwc --sim hss vul-history --vul-id {} --image-type registry --limit 10\n",
        hwc_sim::DEMO_VUL_ID
    )?;
    out.flush()?;
    let history = session
        .client
        .hss()
        .image_vul_handle_history(hwc_sim::DEMO_VUL_ID, ImageType::Registry);
    vul_history(
        history.clone().limit(10),
        false,
        &VulHistoryExtras::default(),
        Output::Table,
        crate::export::Query::default(),
        None,
    )
    .await?;

    writeln!(
        out,
        "\n2. Every record, in all enterprise projects, 4 pages at a time:"
    )?;
    writeln!(
        out,
        "   $ hwc --sim hss vul-history --vul-id {} --image-type registry --enterprise-project-id all_granted_eps --all --output jsonl\n",
        hwc_sim::DEMO_VUL_ID
    )?;
    let started = Instant::now();
    let mut items = history
        .enterprise_project_id("all_granted_eps")
        .into_paginator()
        .items();
    let mut count = 0u64;
    let mut unknown_status = 0u64;
    while let Some(record) = items.next().await {
        let record = record?;
        count += 1;
        unknown_status += u64::from(record.status.as_ref().is_some_and(|s| !s.is_known()));
    }
    let elapsed = started.elapsed();
    writeln!(
        out,
        "   {count} records in {:.2?} ({:.0} records/s); {unknown_status} carry a status the API docs do not list, kept as sent.",
        elapsed,
        count as f64 / elapsed.as_secs_f64().max(1e-9)
    )?;

    writeln!(
        out,
        "\n3. The scan history of CodeArts Check task {} and its trend:",
        hwc_sim::DEMO_TASK
    )?;
    writeln!(
        out,
        "   $ hwc --sim codearts-check trend --codearts-project {} --task-id {} --svg {}\n",
        hwc_sim::DEMO_PROJECT,
        hwc_sim::DEMO_TASK,
        chart.display()
    )?;
    let scans = session
        .client
        .codearts_check()
        .check_records(hwc_sim::DEMO_PROJECT, hwc_sim::DEMO_TASK);
    let mut stream = scans.into_paginator().items();
    let mut all = Vec::new();
    while let Some(scan) = stream.next().await {
        all.push(scan?);
    }
    write_trend(
        &all,
        hwc_sim::DEMO_TASK,
        Some(crate::render::chart::ChartFile::Svg(chart)),
        &mut out,
    )?;

    writeln!(
        out,
        "\nAgainst the real cloud: set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID,"
    )?;
    writeln!(
        out,
        "then run the same commands with --region cn-north-4 instead of --sim."
    )?;
    Ok(())
}
