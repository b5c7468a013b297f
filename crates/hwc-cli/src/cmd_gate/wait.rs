//! `--wait DURATION`: polls `ShowProgressDetail` with backoff until the running scan ends, so a
//! pipeline that just started a scan judges that scan, not the one before.

use std::time::{Duration, Instant};

use hwc::Client;

use crate::exit::Failure;

/// First pause between two polls; doubled after each, up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(250);
/// Longest pause between two polls.
const MAX_PAUSE: Duration = Duration::from_secs(15);

/// Waits until the scan of `task` is no longer running, until `deadline` at most (a poll that
/// would end past it is cut off there). `None` when it succeeded; otherwise why the gate must
/// fail (failed, stopped, still running, or a status that cannot be read).
pub async fn until_done(
    client: &Client,
    task: &str,
    deadline: Instant,
) -> Result<Option<String>, Failure> {
    let started = Instant::now();
    let mut pause = FIRST_PAUSE;
    let mut polls = 0u32;
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let request = client.codearts_check().progress(task);
        let poll = request.send();
        let Ok(progress) = tokio::time::timeout(remaining.max(FIRST_PAUSE), poll).await else {
            return Ok(Some(format!(
                "the progress of {task} could not be read before the --wait deadline"
            )));
        };
        let progress = progress?;
        polls += 1;
        let info = progress
            .progress
            .as_ref()
            .and_then(|p| p.info.as_ref())
            .map(|info| format!(": {info}"))
            .unwrap_or_default();
        match progress.task_status {
            Some(2) => {
                tracing::info!(task, polls, "the scan ended");
                return Ok(None);
            }
            Some(1) => {
                return Ok(Some(format!(
                    "the scan of {task} failed (task_status 1{info})"
                )));
            }
            Some(3) => {
                return Ok(Some(format!(
                    "the scan of {task} was stopped (task_status 3{info})"
                )));
            }
            Some(0) => {}
            Some(other) => {
                return Ok(Some(format!(
                    "the scan of {task} has task_status {other}, which is none of 0 checking, 1 failed, 2 succeeded, 3 stopped"
                )));
            }
            None => {
                return Ok(Some(format!(
                    "the progress of {task} has no task_status: whether the scan ended cannot be told"
                )));
            }
        }
        let elapsed = started.elapsed();
        let now = Instant::now();
        if now >= deadline {
            let ratio = progress
                .progress
                .as_ref()
                .and_then(|p| p.ratio.as_ref())
                .map(|ratio| format!(" at {ratio}%"))
                .unwrap_or_default();
            return Ok(Some(format!(
                "the scan of {task} is still running{ratio} after {}s (--wait)",
                elapsed.as_secs()
            )));
        }
        tokio::time::sleep(pause.min(deadline - now)).await;
        pause = (pause * 2).min(MAX_PAUSE);
    }
}
