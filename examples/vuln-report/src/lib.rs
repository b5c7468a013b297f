//! What a user's own code on hwc looks like: a small report of who handled an image
//! vulnerability, and a release check on a CodeArts Check task. Its tests (`tests/`) show the
//! two ways the test kit gives them data: the simulator's fixtures over HTTP, and the replay
//! transport with no socket.

#![forbid(unsafe_code)]

use std::collections::BTreeMap;

use futures::TryStreamExt;
use hwc::hss::{HandleRecord, ImageType};

/// How many handling records of `vul_id` on registry images each user made, and the newest
/// record: what a weekly report shows.
#[derive(Debug, Default, PartialEq)]
pub struct Handlers {
    /// Records per user name (`"?"` when the record names nobody).
    pub by_user: BTreeMap<String, usize>,
    /// The newest record, if any.
    pub newest: Option<HandleRecord>,
}

/// Pages through the whole history of `vul_id` on registry images and counts it by user.
pub async fn handlers(client: &hwc::Client, vul_id: &str) -> Result<Handlers, hwc::Error> {
    let records: Vec<HandleRecord> = client
        .hss()
        .image_vul_handle_history(vul_id, ImageType::Registry)
        .into_paginator()
        .items()
        .try_collect()
        .await?;
    let mut report = Handlers::default();
    for record in &records {
        let user = record.user_name.clone().unwrap_or_else(|| "?".to_owned());
        *report.by_user.entry(user).or_default() += 1;
    }
    report.newest = records.into_iter().max_by_key(|record| record.handle_time);
    Ok(report)
}

/// Whether the latest scan of `task` has at most `max_major` major issues and no critical
/// one. A task that was never scanned, or a scan without counts, does not pass.
pub async fn releasable(
    client: &hwc::Client,
    project: &str,
    task: &str,
    max_major: i64,
) -> Result<bool, hwc::Error> {
    let latest = client
        .codearts_check()
        .check_records(project, task)
        .limit(1)
        .send()
        .await?;
    Ok(latest.items.first().is_some_and(|scan| {
        let counts = scan.issue_counts;
        counts.critical == Some(0) && counts.serious.is_some_and(|major| major <= max_major)
    }))
}
