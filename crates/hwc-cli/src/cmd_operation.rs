//! Every operation of the specs as a command (`hwc <service> <operation>`): the two with
//! hand-chosen columns and extras go to their own command, any other prints its items with every
//! field a column.

use std::sync::Arc;

use hwc::FromParameters;
use hwc::codearts_check::CheckRecords;
use hwc::hss::ImageVulHandleHistory;

use crate::cmd_host_vul_history::host_vul_history;
use crate::cmd_records::{records, records_of_all_tasks};
use crate::cmd_vul_history::{VulHistoryExtras, all_vuls_history, vul_history};
use crate::exit::Failure;
use crate::export::Query;
use crate::history_args::HistoryArgs;
use crate::operations::ALL_TASKS;
use crate::operations::Invocation;
use crate::render::ocsf::{self, OcsfContext, OcsfEvents, VulnerabilityTag};
use crate::render::{Layout, Output, Resume, print_pages};
use crate::session::Session;

/// Runs the operation the command line asked for.
pub async fn run_operation(
    session: &Session,
    invocation: &Invocation<'_>,
    format: Output,
) -> Result<(), Failure> {
    let client = &session.client;
    let given = invocation.pairs();
    let operation = invocation.operation;
    if operation.id == hwc::hss::OPERATION.id {
        let extras =
            <VulHistoryExtras as clap::FromArgMatches>::from_arg_matches(invocation.matches)
                .map_err(|error| Failure::Usage(error.to_string()))?;
        let mut query = if extras.history.exports() {
            export_query(session, operation, &given).await?
        } else {
            Query::default()
        };
        if extras.all_vuls {
            // A state of every vulnerability is not one of a single one.
            query.parameters.insert("all_vuls".into(), "true".into());
            let ocsf = ocsf_context(session, format).await?;
            return all_vuls_history(client, &given, &extras, format, query, ocsf).await;
        }
        let request = ImageVulHandleHistory::from_parameters(client, &given)?;
        let ocsf = ocsf_context(session, format).await?.map(|context| {
            let value = |name: &str| {
                given
                    .iter()
                    .find(|(given, _)| *given == name)
                    .map_or_else(String::new, |(_, value)| (*value).to_owned())
            };
            let tag = VulnerabilityTag {
                vul_id: value("vul_id"),
                // The spelling sent: `local_image`, typed by some, is `local`.
                image_type: match value("image_type").as_str() {
                    "local_image" => "local".to_owned(),
                    other => other.to_owned(),
                },
                severity: None,
            };
            (context, tag)
        });
        return vul_history(request, invocation.all, &extras, format, query, ocsf).await;
    }
    if operation.id == hwc::hss::LIST_VUL_HANDLE_HISTORY.id {
        let extras = <HistoryArgs as clap::FromArgMatches>::from_arg_matches(invocation.matches)
            .map_err(|error| Failure::Usage(error.to_string()))?;
        let incremental = extras.exports();
        if incremental || extras.since.is_some() || extras.until.is_some() {
            let query = if incremental {
                export_query(session, operation, &given).await?
            } else {
                Query::default()
            };
            let ocsf = ocsf_context(session, format).await?;
            return host_vul_history(client, &given, &extras, format, query, ocsf).await;
        }
    }
    if format == Output::Ocsf && operation.id != hwc::hss::LIST_VUL_HANDLE_HISTORY.id {
        return Err(Failure::Usage(format!(
            "-o ocsf is for HSS handling records (vul-history, host-vul-history), not {}",
            operation.cli
        )));
    }
    if operation.id == hwc::codearts_check::OPERATION.id {
        if invocation.matches.get_flag(ALL_TASKS) {
            return records_of_all_tasks(client, &given, format).await;
        }
        let request = CheckRecords::from_parameters(client, &given)?;
        return records(request, invocation.all, format).await;
    }
    // An operation nobody wrote a command for: its items as JSON, every field a column.
    let entry = hwc::operations()
        .find(|entry| entry.operation.id == operation.id)
        .ok_or_else(|| Failure::Usage(format!("{} has no command", operation.id)))?;
    let pages = (entry.json_pages)(client, &given, invocation.all)?;
    // Pages of items: a column per item field; one answer: a column per field of it.
    let layout = Layout::fields(
        operation
            .paging
            .map_or(operation.answer_fields, |p| p.item_fields),
    );
    let resume = invocation
        .all
        .then(|| Resume::new(operation, page_size(&given, operation)));
    let stdout = std::io::stdout().lock();
    if let Some(context) = ocsf_context(session, format).await? {
        // Host handling records, as their events.
        let events = OcsfEvents {
            event: Arc::new(|record: &serde_json::Value, context: &OcsfContext| {
                ocsf::host_event(record, context)
            }) as ocsf::MakeEvent<serde_json::Value>,
            context,
        };
        let pages = ocsf::events(pages, events);
        return print_pages(pages, format, layout, resume, stdout, |_| true).await;
    }
    print_pages(pages, format, layout, resume, stdout, |_| true).await
}

/// What OCSF events say of where they come from, with `-o ocsf`: the region (`unknown` when
/// only an endpoint was given) and the IAM project.
async fn ocsf_context(
    session: &Session,
    format: Output,
) -> Result<Option<Arc<OcsfContext>>, Failure> {
    if format != Output::Ocsf {
        return Ok(None);
    }
    Ok(Some(Arc::new(OcsfContext {
        region: session
            .region
            .clone()
            .unwrap_or_else(|| "unknown".to_owned()),
        project: session.client.resolve_project_id().await?.to_owned(),
    })))
}

/// The query an export's state belongs to: the operation, the parameters given but paging,
/// the project and the endpoint.
async fn export_query(
    session: &Session,
    operation: &'static hwc::descriptor::Operation,
    given: &[(&str, &str)],
) -> Result<Query, Failure> {
    let paging = operation
        .paging
        .map(|p| [p.offset_parameter, p.limit_parameter]);
    let parameters = given
        .iter()
        .filter(|(name, _)| !paging.is_some_and(|paging| paging.contains(name)))
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    Ok(Query {
        operation: operation.id.to_owned(),
        parameters,
        project: session.client.resolve_project_id().await?.to_owned(),
        endpoint: session.endpoint_label(hwc::Service::Hss)?,
    })
}

/// The page size given as the operation's limit parameter.
fn page_size(given: &[(&str, &str)], operation: &hwc::descriptor::Operation) -> Option<u64> {
    let limit = operation.paging?.limit_parameter;
    given
        .iter()
        .find(|(name, _)| *name == limit)
        .and_then(|(_, value)| value.parse().ok())
}
