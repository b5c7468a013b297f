//! `-o ocsf`: each HSS handling record as an OCSF 1.8.0 Vulnerability Finding event (class
//! 2002, with the `cloud` and `host` profiles), one per line. The finding is the vulnerability on the image
//! or host; the activity is the handling decision: who (`actor.user.name`), when (`time`, from
//! `handle_time`), and what it left the finding as (`status_id`, from `handle_type` and
//! `status`, as the README's table says). The record itself is kept in `unmapped`.

use std::sync::Arc;

use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use hwc::Page;
use serde::Serialize;
use serde::ser::Error as _;
use serde_json::{Map, Value, json};

use super::{Layout, Row, Tabular};

/// The OCSF version the events follow (and the schema the tests validate them with).
pub const OCSF_VERSION: &str = "1.8.0";
const CLASS_UID: i64 = 2002;
const CATEGORY_UID: i64 = 2;

/// What every event of a run shares: where the records come from.
#[derive(Clone, Debug)]
pub struct OcsfContext {
    /// The region of the endpoint (`unknown` when only an endpoint URL was given).
    pub region: String,
    /// The IAM project.
    pub project: String,
}

/// The vulnerability an image record belongs to, when the record does not say.
#[derive(Clone, Debug, Default)]
pub struct VulnerabilityTag {
    /// `vul_id`.
    pub vul_id: String,
    /// `local` or `registry`.
    pub image_type: String,
    /// `severity_level` (`Critical`, `High`, `Medium`, `Low`), when known.
    pub severity: Option<String>,
}

/// How a record becomes its event, given the run's context.
pub type MakeEvent<T> = Arc<dyn Fn(&T, &OcsfContext) -> Result<Value, String> + Send + Sync>;

/// How a run's records become events: the mapping and the context.
pub struct OcsfEvents<T> {
    /// The mapping of one record.
    pub event: MakeEvent<T>,
    /// The run's context.
    pub context: Arc<OcsfContext>,
}

impl<T> Clone for OcsfEvents<T> {
    fn clone(&self) -> Self {
        Self {
            event: Arc::clone(&self.event),
            context: Arc::clone(&self.context),
        }
    }
}

/// A record printed as its OCSF event: serialising it writes the event, not the record.
pub struct Ocsf<T> {
    /// The record, for the selection (`--state`) to look at.
    pub record: T,
    events: OcsfEvents<T>,
}

impl<T> Serialize for Ocsf<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.events.event)(&self.record, &self.events.context)
            .map_err(S::Error::custom)?
            .serialize(serializer)
    }
}

impl<T> Row for Ocsf<T> {
    fn cells(&self, _: &Layout) -> std::io::Result<Vec<String>> {
        Err(std::io::Error::other(
            "OCSF events are printed as JSON lines, not as rows",
        ))
    }
}

impl<T> Tabular for Ocsf<T> {
    fn layout() -> Layout {
        Layout::fields(&[])
    }
}

/// `pages` with each record as its event.
pub fn events<T: Send + 'static>(
    pages: BoxStream<'static, Result<Page<T>, hwc::Error>>,
    events: OcsfEvents<T>,
) -> BoxStream<'static, Result<Page<Ocsf<T>>, hwc::Error>> {
    pages
        .map_ok(move |page| Page {
            items: page
                .items
                .into_iter()
                .map(|record| Ocsf {
                    record,
                    events: events.clone(),
                })
                .collect(),
            total: page.total,
            offset: page.offset,
            request_id: page.request_id,
        })
        .boxed()
}

/// How an image handling decision leaves the finding: (activity id, status id), from the
/// record's `handle_type` and, for decisions the table does not know, its `status`.
pub fn image_activity(handle_type: Option<&str>, status: Option<&str>) -> (i64, i64) {
    match (handle_type, status) {
        (_, Some("vul_status_fixed")) | (Some("manual_repair"), _) => (3, 4),
        (Some("ignore" | "add_to_whitelist"), _) => (2, 3),
        (Some("not_ignore"), _) => (2, 1),
        (_, Some("vul_status_ignored")) => (99, 3),
        (_, Some("vul_status_unfix")) => (99, 1),
        _ => (99, 99),
    }
}

/// How a host handling decision leaves the finding: (activity id, status id), from `status`.
pub fn host_activity(status: Option<&str>) -> (i64, i64) {
    match status {
        Some("vul_status_fixed") => (3, 4),
        Some("vul_status_ignored") => (2, 3),
        Some("vul_status_unfix") => (2, 1),
        Some(
            "vul_status_verified"
            | "vul_status_fixing"
            | "vul_status_reboot"
            | "vul_status_failed"
            | "vul_status_fix_after_reboot",
        ) => (2, 2),
        _ => (99, 99),
    }
}

fn activity_name(id: i64) -> &'static str {
    match id {
        1 => "Create",
        2 => "Update",
        3 => "Close",
        _ => "Other",
    }
}

fn status_name(id: i64) -> &'static str {
    match id {
        1 => "New",
        2 => "In Progress",
        3 => "Suppressed",
        4 => "Resolved",
        _ => "Other",
    }
}

/// OCSF's severity id of an HSS risk level.
pub fn severity_id(level: Option<&str>) -> i64 {
    match level {
        Some("Critical") => 5,
        Some("High") => 4,
        Some("Medium") => 3,
        Some("Low") => 2,
        _ => 0,
    }
}

fn text<'a>(record: &'a Value, name: &str) -> Option<&'a str> {
    record
        .get(name)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
}

/// The event's time: `handle_time` as milliseconds (a number, digits, or RFC 3339).
fn time_ms(record: &Value, names: &[&str]) -> Option<i64> {
    names.iter().find_map(|name| match record.get(*name)? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.parse::<i64>().ok().or_else(|| {
            text.parse::<jiff::Timestamp>()
                .ok()
                .map(|t| t.as_millisecond())
        }),
        _ => None,
    })
}

/// The vulnerability object: a CVE when the id is one, else an advisory.
fn vulnerability(vul_id: &str, severity: Option<&str>, package: Option<Value>) -> Value {
    let mut vulnerability = Map::new();
    if vul_id.starts_with("CVE-") {
        vulnerability.insert("cve".into(), json!({ "uid": vul_id }));
    } else {
        vulnerability.insert("advisory".into(), json!({ "uid": vul_id }));
    }
    vulnerability.insert("title".into(), vul_id.into());
    vulnerability.insert("vendor_name".into(), "Huawei Cloud".into());
    if let Some(severity) = severity {
        vulnerability.insert("severity".into(), severity.into());
    }
    if let Some(package) = package {
        vulnerability.insert("affected_packages".into(), json!([package]));
    }
    Value::Object(vulnerability)
}

/// The parts every event has, around what differs between image and host records.
struct Finding<'a> {
    activity_id: i64,
    status_id: i64,
    severity: Option<&'a str>,
    time: i64,
    user: Option<&'a str>,
    finding_uid: String,
    title: String,
    vulnerability: Value,
    resource: Value,
    status: Option<&'a str>,
    status_detail: Option<&'a str>,
    raw: &'a Value,
}

fn event(finding: Finding<'_>, context: &OcsfContext) -> Value {
    let mut event = json!({
        "activity_id": finding.activity_id,
        "activity_name": activity_name(finding.activity_id),
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Vulnerability Finding",
        "type_uid": CLASS_UID * 100 + finding.activity_id,
        "type_name": format!("Vulnerability Finding: {}", activity_name(finding.activity_id)),
        "severity_id": severity_id(finding.severity),
        "status_id": finding.status_id,
        "status": status_name(finding.status_id),
        "time": finding.time,
        "message": finding.title,
        "cloud": {
            "provider": "Huawei Cloud",
            "region": context.region,
            "project_uid": context.project,
        },
        "finding_info": { "uid": finding.finding_uid, "title": finding.title },
        "vulnerabilities": [finding.vulnerability],
        "resources": [finding.resource],
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": ["cloud", "host"],
            "product": { "name": "Host Security Service", "vendor_name": "Huawei Cloud" },
        },
        "unmapped": finding.raw,
    });
    if let Some(severity) = finding.severity {
        event["severity"] = severity.into();
    }
    if let Some(user) = finding.user {
        event["actor"] = json!({ "user": { "name": user } });
    }
    if let Some(status) = finding.status {
        event["status_code"] = status.into();
    }
    if let Some(detail) = finding.status_detail {
        event["status_detail"] = detail.into();
    }
    event
}

/// The event of an image handling record (as the facade's model serialises it), of the
/// vulnerability `tag`.
pub fn image_event(
    record: &Value,
    tag: &VulnerabilityTag,
    context: &OcsfContext,
) -> Result<Value, String> {
    let time = time_ms(record, &["handle_time_ms", "handle_time"])
        .ok_or("a record without a readable handle_time has no OCSF time")?;
    let handle_type = text(record, "handle_type");
    let (activity_id, status_id) = image_activity(handle_type, text(record, "status"));
    let image_id = match record.get("image_id") {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(id)) => id.to_string(),
        _ => String::new(),
    };
    let image_name = text(record, "image_name").unwrap_or_default();
    let mut resource = json!({
        "type": "Container Image",
        "uid": image_id,
        "name": image_name,
        "labels": [tag.image_type],
        "provider": "Huawei Cloud",
        "region": context.region,
    });
    if let Some(version) = text(record, "image_version") {
        resource["version"] = version.into();
    }
    let package = match (text(record, "app_name"), text(record, "app_version")) {
        (Some(name), Some(version)) => {
            let mut package = json!({ "name": name, "version": version });
            if let Some(path) = text(record, "app_path") {
                package["path"] = path.into();
            }
            Some(package)
        }
        _ => None,
    };
    let severity = tag.severity.as_deref();
    Ok(event(
        Finding {
            activity_id,
            status_id,
            severity,
            time,
            user: text(record, "user_name"),
            finding_uid: format!("hss:image:{}:{}:{}", tag.image_type, image_id, tag.vul_id),
            title: format!(
                "{} on {} image {}: {}",
                tag.vul_id,
                tag.image_type,
                image_name,
                handle_type.unwrap_or("handled")
            ),
            vulnerability: vulnerability(&tag.vul_id, severity, package),
            resource,
            status: text(record, "status"),
            status_detail: text(record, "remark"),
            raw: record,
        },
        context,
    ))
}

/// The event of a host handling record (`ListVulHandleHistory`, as JSON).
pub fn host_event(record: &Value, context: &OcsfContext) -> Result<Value, String> {
    let time = time_ms(record, &["handle_time"])
        .ok_or("a record without a readable handle_time has no OCSF time")?;
    let status = text(record, "status");
    let (activity_id, status_id) = host_activity(status);
    let vul_id = text(record, "vul_id").unwrap_or_default();
    let host_id = text(record, "host_id").unwrap_or_default();
    let host_name = text(record, "host_name").unwrap_or_default();
    let package = match (text(record, "app_name"), text(record, "app_version")) {
        (Some(name), Some(version)) => {
            let mut package = json!({ "name": name, "version": version });
            if let Some(path) = text(record, "app_path") {
                package["path"] = path.into();
            }
            Some(package)
        }
        _ => None,
    };
    let mut resource = json!({
        "type": "Host",
        "uid": host_id,
        "name": host_name,
        "provider": "Huawei Cloud",
        "region": context.region,
    });
    if let Some(ip) = text(record, "private_ip") {
        resource["labels"] = json!([format!("private_ip:{ip}")]);
    }
    let detail = text(record, "failed_reason").or_else(|| text(record, "description"));
    Ok(event(
        Finding {
            activity_id,
            status_id,
            severity: None,
            time,
            user: text(record, "user_name"),
            finding_uid: format!("hss:host:{host_id}:{vul_id}"),
            title: format!(
                "{vul_id} on host {host_name}: {}",
                text(record, "handle_type").unwrap_or("handled")
            ),
            vulnerability: vulnerability(vul_id, None, package),
            resource,
            status,
            status_detail: detail,
            raw: record,
        },
        context,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_map_to_activities_and_statuses() {
        assert_eq!(image_activity(Some("ignore"), None), (2, 3));
        assert_eq!(image_activity(Some("not_ignore"), None), (2, 1));
        assert_eq!(image_activity(Some("add_to_whitelist"), None), (2, 3));
        assert_eq!(image_activity(Some("manual_repair"), None), (3, 4));
        assert_eq!(
            image_activity(Some("new_kind"), Some("vul_status_fixed")),
            (3, 4)
        );
        assert_eq!(image_activity(Some("new_kind"), None), (99, 99));
        assert_eq!(host_activity(Some("vul_status_failed")), (2, 2));
        assert_eq!(host_activity(None), (99, 99));
    }
}
