//! `hwc codearts-check records`: the scans of a task, one page or every page, or of every task
//! of a project ([`all_tasks`]).

pub mod all_tasks;

use hwc::codearts_check::{CheckRecord, CheckRecords};
use hwc::{PagedRequest, Paginator};

use crate::exit::Failure;
use crate::render::{Output, Resume, Tabular, print_page, print_pages};

/// `hwc codearts-check records`.
pub async fn records(request: CheckRecords, all: bool, format: Output) -> Result<(), Failure> {
    if all {
        let (_, limit) = request.paging();
        let resume = Resume::new(hwc::codearts_check::OPERATION, limit);
        let stdout = std::io::stdout().lock();
        let pages = Paginator::new(request).pages();
        return print_pages(
            pages,
            format,
            CheckRecord::layout(),
            Some(resume),
            stdout,
            |_| true,
        )
        .await;
    }
    let page = request.send().await?;
    print_page(page.items, page.total, format)
}

/// `hwc codearts-check records --all-tasks`: every scan of every task of the project, each
/// with its `task_id` (`--all` is implied: one page of each task would be a sample, not a
/// record).
pub async fn records_of_all_tasks(
    client: &hwc::Client,
    given: &[(&str, &str)],
    format: Output,
) -> Result<(), Failure> {
    let project = given
        .iter()
        .find(|(name, _)| *name == "project_id")
        .map_or("", |(_, value)| *value);
    let mut requests = Vec::new();
    for task in all_tasks::task_ids(client, project).await? {
        let request = all_tasks::request_of(client, given, &task)?;
        requests.push((task, request));
    }
    let stdout = std::io::stdout().lock();
    print_pages(
        all_tasks::pages(requests),
        format,
        all_tasks::TaskScan::layout(),
        None,
        stdout,
        |_| true,
    )
    .await
}
