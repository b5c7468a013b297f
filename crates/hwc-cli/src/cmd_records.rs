//! `hwc codearts-check records`: the scans of a task, one page or every page.

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
