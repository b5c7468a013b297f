//! `hwc config`: where the credentials came from (their kind, AK hint and expiry), the project
//! and how it was found, each service's endpoint, and a cheap signed call to each service to
//! prove they work. Like `aws configure list` and `aws sts get-caller-identity` in one.

use std::io::Write;

use futures::TryStreamExt;
use hwc::descriptor::{Operation, ParameterSchema};
use hwc::{Client, Entry, Error, Service};
use serde::Serialize;

use crate::exit::Failure;
use crate::global::Global;
use crate::render::Output;
use crate::render::rfc3339;
use crate::session::Session;

/// Text the probe gives a required text parameter: an id no resource has, so the service
/// answers "nothing" or "not found" once the gateway has accepted the signature, which is all
/// the check needs.
const PROBE_CHARACTER: char = '0';
/// How many characters of it, within the parameter's limits.
const PROBE_LENGTH: u64 = 32;

/// The report, as `-o json` prints it (the README shows its shape): each part says whether it
/// worked (`ok`), with its fields, or why not (`error`).
#[derive(Serialize)]
struct Report {
    credentials: Part<CredentialsReport>,
    project: Part<ProjectReport>,
    region: Option<String>,
    services: Vec<ServiceReport>,
}

/// A part of the report that worked (its fields beside `"ok": true`) or did not (`"ok":
/// false` and `error`).
#[derive(Serialize)]
struct Part<T> {
    ok: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    found: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl<T> Part<T> {
    fn of(result: Result<T, String>) -> Self {
        match result {
            Ok(found) => Self {
                ok: true,
                found: Some(found),
                error: None,
            },
            Err(error) => Self {
                ok: false,
                found: None,
                error: Some(error),
            },
        }
    }

    fn as_result(&self) -> Result<&T, &str> {
        match (&self.found, &self.error) {
            (Some(found), _) => Ok(found),
            (None, error) => Err(error.as_deref().unwrap_or("unknown")),
        }
    }
}

#[derive(Serialize)]
struct CredentialsReport {
    source: String,
    kind: &'static str,
    access_key: Option<String>,
    expires_at: Option<String>,
}

#[derive(Serialize)]
struct ProjectReport {
    id: String,
    source: &'static str,
}

#[derive(Serialize)]
struct ServiceReport {
    service: &'static str,
    /// The endpoint, when there is one.
    endpoint: Option<String>,
    /// Whether the signed call went through.
    ok: bool,
    /// What the signed call showed: `ok: ...`, or why not.
    check: String,
}

/// Prints the report; fails (exit 1) when a check failed.
pub async fn run(global: &Global) -> Result<(), Failure> {
    let session = Session::open(global).await?;
    let client = &session.client;
    let credentials = client
        .credentials_cache()
        .credentials()
        .await
        .map(|provided| CredentialsReport {
            source: provided.source,
            kind: provided.credentials.kind(),
            access_key: provided.credentials.access_key_hint(),
            expires_at: provided.expires_at.map(rfc3339),
        })
        .map_err(|error| error.to_string());
    let project = match client.resolve_project_id().await {
        Ok(id) => Ok(ProjectReport {
            id: id.to_owned(),
            source: client.project_id_source().unwrap_or("configured"),
        }),
        Err(error) => Err(error.to_string()),
    };
    let mut services = Vec::new();
    for service in Service::ALL {
        let endpoint = client
            .endpoint(service)
            .map(str::to_owned)
            .map_err(|error| error.to_string());
        let check = match (&endpoint, &credentials) {
            (Ok(_), Ok(_)) => probe(client, service).await,
            (Err(error), _) => Err(format!("no endpoint: {error}")),
            (_, Err(_)) => Err("no credentials".to_owned()),
        };
        services.push(ServiceReport {
            service: service.descriptor().cli,
            endpoint: endpoint.ok(),
            ok: check.is_ok(),
            check: check.unwrap_or_else(|why| format!("FAILED: {why}")),
        });
    }
    let report = Report {
        credentials: Part::of(credentials),
        project: Part::of(project),
        region: global.region.clone(),
        services,
    };
    let mut out = std::io::stdout().lock();
    let printed = if global.output == Output::Json {
        serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        write_text(&mut out, &report)
    };
    // The exit code tells whether the checks passed, whether or not stdout was open.
    crate::exit::unless_unwritten("the report", printed.and_then(|()| out.flush()));
    let healthy = report.credentials.ok && report.services.iter().all(|s| s.ok);
    if healthy {
        Ok(())
    } else {
        Err(Failure::ChecksFailed)
    }
}

fn write_text(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    let mut line = |label: &str, value: String| writeln!(out, "{label:<15} {value}");
    match report.credentials.as_result() {
        Ok(c) => {
            line("credentials", format!("{} from {}", c.kind, c.source))?;
            if let Some(ak) = &c.access_key {
                line("access key", ak.clone())?;
            }
            let expires = c.expires_at.as_deref().unwrap_or("never (static)");
            line("expires", expires.to_owned())?;
        }
        Err(error) => line("credentials", format!("none: {error}"))?,
    }
    match report.project.as_result() {
        Ok(p) => line("project", format!("{} ({})", p.id, p.source))?,
        Err(error) => line("project", format!("unknown: {error}"))?,
    }
    let region = report
        .region
        .as_deref()
        .unwrap_or("(none: endpoints given)");
    line("region", region.to_owned())?;
    for service in &report.services {
        let endpoint = service.endpoint.as_deref().unwrap_or("-");
        line(service.service, format!("{endpoint}  {}", service.check))?;
    }
    Ok(())
}

/// One signed call: the service's first paged operation (or its first), read from the spec,
/// asking for the smallest page. The gateway refusing the signature or the credentials fails
/// the check; the service answering anything else (records, or "not found" for the probe's
/// ids) passes.
async fn probe(client: &Client, service: Service) -> Result<String, String> {
    let mut entries: Vec<&Entry> = hwc::operations()
        .filter(|entry| Service::of_operation(entry.operation.id) == Some(service))
        .collect();
    entries.sort_by_key(|entry| entry.operation.paging.is_none());
    let Some(entry) = entries.first() else {
        return Err(format!("the spec of {service} has no operation to call"));
    };
    let values = probe_values(entry.operation);
    let given: Vec<(&str, &str)> = values
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let outcome = match (entry.json_pages)(client, &given, false) {
        Ok(mut pages) => pages.try_next().await.map(|_| ()),
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => Ok("ok: signed call accepted".to_owned()),
        Err(Error::Api(api)) => judge_refusal(&api),
        Err(error) => Err(error.to_string()),
    }
}

/// A value for each parameter the call requires and the client does not fill, and the
/// smallest page: the first listed choice, the smallest number, text no resource has.
fn probe_values(operation: &Operation) -> Vec<(&'static str, String)> {
    let limit = operation.paging.map(|paging| paging.limit_parameter);
    operation
        .parameters
        .iter()
        .filter(|p| (p.required && p.from_client.is_none()) || Some(p.name) == limit)
        .map(|p| {
            let value = match p.schema {
                ParameterSchema::Choice { values, .. } => {
                    values.first().copied().unwrap_or_default().to_owned()
                }
                ParameterSchema::Integer {
                    minimum, default, ..
                } => minimum.or(default).unwrap_or(0).to_string(),
                // No required list exists today; an empty one is the least that can be sent.
                ParameterSchema::List { .. } => hwc::validate::list_text([]),
                ParameterSchema::Text {
                    min_length,
                    max_length,
                    ..
                } => {
                    let length = PROBE_LENGTH
                        .max(min_length.unwrap_or(1))
                        .min(max_length.unwrap_or(PROBE_LENGTH));
                    std::iter::repeat_n(PROBE_CHARACTER, length as usize).collect()
                }
            };
            (p.name, value)
        })
        .collect()
}

/// What an error answer to a probe shows. Only an answer of the gateway or the service
/// proves the signed call got through: an error code of Huawei Cloud's form (`APIGW.0301`,
/// `CC.00000003`), below 500, that is neither a refusal of the credentials nor the gateway's
/// "no such API" (`APIGW.0101`). Any web server answers 404, and a proxy's HTML page has no code.
fn judge_refusal(api: &hwc::ApiError) -> Result<String, String> {
    let request_id = api
        .request_id
        .as_deref()
        .map_or_else(String::new, |id| format!(", request id {id}"));
    if is_authentication(&api.code) {
        return Err(format!(
            "{} {}: {}{request_id}",
            api.status, api.code, api.message
        ));
    }
    if !is_huawei_code(&api.code) {
        return Err(format!(
            "not a Huawei Cloud answer: status {} without the gateway's or the service's error code ({:?}); is the endpoint an API gateway of this service?",
            api.status, api.message
        ));
    }
    if api.code == "APIGW.0101" {
        return Err(format!(
            "the gateway does not serve this API at this endpoint (APIGW.0101{request_id}): check --region or --endpoint"
        ));
    }
    if api.status >= 500 {
        return Err(format!(
            "the service failed: {} {}: {}{request_id}",
            api.status, api.code, api.message
        ));
    }
    Ok(format!(
        "ok: signed call accepted (the service answered {} for the probe's ids)",
        api.code
    ))
}

/// Whether `code` has the form of Huawei Cloud's error codes: a name, a dot, a number
/// (`APIGW.0301`, `HSS.1001`, `CC.00000003`).
fn is_huawei_code(code: &str) -> bool {
    code.split_once('.').is_some_and(|(name, number)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric())
            && !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit())
    })
}

/// Gateway codes that mean the credentials or signature were refused.
fn is_authentication(code: &str) -> bool {
    code.starts_with("APIGW.03") || code == "CC.00000003"
}
