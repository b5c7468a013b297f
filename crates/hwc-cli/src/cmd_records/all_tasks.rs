//! `--all-tasks` of `records` and `trend`: the tasks of a CodeArts project, and each task's
//! scans tagged with the task they belong to.

use futures::stream::{self, BoxStream, StreamExt};
use hwc::codearts_check::{CheckRecord, CheckRecords};
use hwc::{Client, FromParameters, Page, Paginator};
use serde::Serialize;

use crate::exit::Failure;
use crate::render::{Layout, Row, Tabular};

/// Every task of CodeArts project `project`, in the service's order, each once. A task the
/// service lists without a `task_id` is an error rather than left out: what covers "every task"
/// must not cover fewer.
pub async fn task_ids(client: &Client, project: &str) -> Result<Vec<String>, Failure> {
    let mut tasks: Vec<String> = Vec::new();
    let mut pages = client
        .codearts_check()
        .tasks(project)
        .into_paginator()
        .items();
    let mut index = 0usize;
    while let Some(task) = pages.next().await {
        index += 1;
        match task?
            .task_id
            .map(|id| id.to_string())
            .filter(|id| !id.is_empty())
        {
            Some(id) if !tasks.contains(&id) => tasks.push(id),
            Some(_) => {}
            None => {
                return Err(Failure::Hwc(hwc::Error::Decode {
                    operation: hwc::codearts_check::SHOW_TASK_LIST_BY_PROJECT_ID.id,
                    status: 200,
                    request_id: None,
                    path: format!("tasks[{}].task_id", index - 1),
                    excerpt: String::new(),
                    source: <serde_json::Error as serde::de::Error>::custom(format!(
                        "task {index} of project {project} has no task_id, so it cannot be covered"
                    )),
                }));
            }
        }
    }
    Ok(tasks)
}

/// `CheckRecord` of `task` with the other parameters given, checked before anything is sent.
pub fn request_of(
    client: &Client,
    given: &[(&str, &str)],
    task: &str,
) -> Result<CheckRecords, Failure> {
    let mut parameters: Vec<(&str, &str)> = given
        .iter()
        .filter(|(name, _)| *name != "task_id")
        .copied()
        .collect();
    parameters.push(("task_id", task));
    Ok(CheckRecords::from_parameters(client, &parameters)?)
}

/// A scan and the task it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskScan {
    /// The task.
    pub task_id: String,
    /// The scan.
    #[serde(flatten)]
    pub record: CheckRecord,
}

impl Tabular for TaskScan {
    fn layout() -> Layout {
        let record = CheckRecord::layout();
        Layout {
            columns: std::iter::once("task_id").chain(record.columns).collect(),
            table: std::iter::once(0)
                .chain(record.table.into_iter().map(|index| index + 1))
                .collect(),
            table_limits: record
                .table_limits
                .into_iter()
                .map(|(index, limit)| (index + 1, limit))
                .collect(),
        }
    }
}

impl Row for TaskScan {
    fn cells(&self, layout: &Layout) -> std::io::Result<Vec<String>> {
        let mut cells = vec![self.task_id.clone()];
        cells.extend(self.record.cells(&CheckRecord::layout())?);
        cells.truncate(layout.columns.len());
        Ok(cells)
    }
}

/// The scans of every task, one task after the other, each task's pages tagged.
pub fn pages(
    requests: Vec<(String, CheckRecords)>,
) -> BoxStream<'static, Result<Page<TaskScan>, hwc::Error>> {
    stream::iter(requests)
        .map(|(task, request)| {
            Paginator::new(request).pages().map(move |page| {
                page.map(|page| Page {
                    // Each task's total is its own: the whole has none.
                    total: None,
                    offset: page.offset,
                    request_id: page.request_id,
                    items: page
                        .items
                        .into_iter()
                        .map(|record| TaskScan {
                            task_id: task.clone(),
                            record,
                        })
                        .collect(),
                })
            })
        })
        .flatten()
        .boxed()
}
