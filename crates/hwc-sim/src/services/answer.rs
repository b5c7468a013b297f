//! Which part of the simulator answers an operation.

use hwc_api::descriptor::Operation;

/// What answers an operation.
#[derive(Clone, Copy)]
pub(crate) enum Answer {
    /// HSS's handling history, from the generated data set.
    HssHistory,
    /// HSS's image vulnerabilities, from the catalogue the handling records make.
    ImageVulnerabilities,
    /// HSS's host vulnerability handling history, from the generated host records.
    HostHistory,
    /// CodeArts Check's scans, from the generated data set.
    CheckRecords,
    /// CodeArts Check's tasks of a project.
    Tasks,
    /// CodeArts Check's latest result of a task.
    TaskSummary,
    /// CodeArts Check's issues of a task's latest scan.
    Defects,
    /// CodeArts Check's progress of a task's scan.
    Progress,
    /// An operation nobody wrote data for: the spec's example.
    Example(&'static Operation),
}

impl Answer {
    /// The answer of `operation`: a data set where one is written for it, else its example.
    pub(crate) fn of(operation: &'static Operation) -> Answer {
        if operation.id == super::hss::OPERATION.id {
            Answer::HssHistory
        } else if operation.id == super::image_vulns::OPERATION.id {
            Answer::ImageVulnerabilities
        } else if operation.id == super::host_history::OPERATION.id {
            Answer::HostHistory
        } else if operation.id == super::codearts_check::OPERATION.id {
            Answer::CheckRecords
        } else if operation.id == super::codearts_tasks::TASKS.id {
            Answer::Tasks
        } else if operation.id == super::codearts_tasks::SUMMARY.id {
            Answer::TaskSummary
        } else if operation.id == super::codearts_tasks::DEFECTS.id {
            Answer::Defects
        } else if operation.id == super::codearts_tasks::PROGRESS.id {
            Answer::Progress
        } else {
            Answer::Example(operation)
        }
    }
}
