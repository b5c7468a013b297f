//! `hwc config`: where the credentials came from (their kind, AK hint and expiry), the project
//! and how it was found, each service's endpoint, and a cheap signed call to each service to
//! prove they work. Like `aws configure list` and `aws sts get-caller-identity` in one.

use std::io::Write;

use hwc::{Client, Error, Service};
use serde::Serialize;

use crate::args::{Global, Output};
use crate::commands::Failure;
use crate::output::rfc3339;
use crate::session::Session;

/// A vulnerability id no image has: the HSS check lists nothing, cheaply.
const PROBE_VUL_ID: &str = "CVE-0000-00000";
/// Ids no CodeArts project or task has: the service answers "not found" once the gateway has
/// accepted the signature, which is all the check needs.
const PROBE_CODEARTS_PROJECT: &str = "00000000000000000000000000000000";
const PROBE_CODEARTS_TASK: &str = "hwc-config-probe";

#[derive(Serialize)]
struct Report {
    credentials: Result<CredentialsReport, String>,
    project: Result<ProjectReport, String>,
    region: Option<String>,
    services: Vec<ServiceReport>,
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
    endpoint: Result<String, String>,
    /// What the signed call showed: `ok`, or why not.
    check: Result<String, String>,
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
            (Err(_), _) => Err("no endpoint".to_owned()),
            (_, Err(_)) => Err("no credentials".to_owned()),
        };
        services.push(ServiceReport {
            service: service.descriptor().cli,
            endpoint,
            check,
        });
    }
    let report = Report {
        credentials,
        project,
        region: global.region.clone(),
        services,
    };
    let mut out = std::io::stdout().lock();
    if global.output == Output::Json {
        serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        write_text(&mut out, &report)?;
    }
    let healthy = report.credentials.is_ok() && report.services.iter().all(|s| s.check.is_ok());
    if healthy {
        Ok(())
    } else {
        Err(Failure::ChecksFailed)
    }
}

fn write_text(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    let mut line = |label: &str, value: String| writeln!(out, "{label:<15} {value}");
    match &report.credentials {
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
    match &report.project {
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
        let check = match &service.check {
            Ok(ok) => ok.clone(),
            Err(why) => format!("FAILED: {why}"),
        };
        line(service.service, format!("{endpoint}  {check}"))?;
    }
    Ok(())
}

/// One signed call. The gateway refusing the signature or the credentials fails the check;
/// the service answering anything else (records, or "not found" for the probe's ids) passes.
async fn probe(client: &Client, service: Service) -> Result<String, String> {
    let outcome = match service {
        Service::Hss => client
            .hss()
            .image_vul_handle_history(PROBE_VUL_ID, hwc::hss::ImageType::Registry)
            .limit(10)
            .send()
            .await
            .map(|_| ()),
        Service::CodeArtsCheck => client
            .codearts_check()
            .check_records(PROBE_CODEARTS_PROJECT, PROBE_CODEARTS_TASK)
            .limit(1)
            .send()
            .await
            .map(|_| ()),
    };
    match outcome {
        Ok(()) => Ok("ok: signed call accepted".to_owned()),
        Err(Error::Api(api)) if !is_authentication(&api.code) => Ok(format!(
            "ok: signed call accepted (the service answered {} for the probe's ids)",
            api.code
        )),
        Err(error) => Err(error.to_string()),
    }
}

/// Gateway codes that mean the credentials or signature were refused.
fn is_authentication(code: &str) -> bool {
    code.starts_with("APIGW.03") || code == "CC.00000003"
}
