//! Data a test asks for, in the facade's own models (`hwc::hss::HandleRecord`,
//! `hwc::codearts_check::CheckRecord`), made into what the simulator serves: each model's wire
//! form (the generated record the facade converts it to) field by field under the spec's item
//! names, so the simulator repeats no model of its own.

use hwc::codearts_check::CheckRecord;
use hwc::hss::HandleRecord;
use hwc_api::descriptor::Operation;

use super::codearts::Scan;
use super::wire_record::WireRecord;

/// The fixtures of a simulator, as its builder was given them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Fixtures {
    /// (vulnerability id, local images?, records).
    pub(crate) hss: Vec<(String, bool, Vec<HandleRecord>)>,
    /// (CodeArts project, task, scans).
    pub(crate) codearts: Vec<(String, String, Vec<CheckRecord>)>,
}

impl Fixtures {
    /// Puts every fixture into `data`; a scan whose times cannot be read, or whose counts are
    /// negative or too large, and a history given twice (one replacing the other unseen) are
    /// refused with what is wrong.
    pub(crate) fn apply(self, data: &mut super::Dataset) -> Result<(), String> {
        let mut histories = std::collections::HashSet::new();
        for (vul_id, local, _) in &self.hss {
            if !histories.insert((vul_id, local)) {
                let images = if *local { "local" } else { "registry" };
                return Err(format!(
                    "fixture records of {vul_id} on {images} images are given twice"
                ));
            }
        }
        let mut tasks = std::collections::HashMap::new();
        for (project, task, _) in &self.codearts {
            if let Some(first) = tasks.insert(task, project) {
                return Err(format!(
                    "fixture scans of task {task} are given twice (projects {first} and \
                     {project}); a task belongs to one project"
                ));
            }
        }
        for (vul_id, local, records) in self.hss {
            let records = records
                .into_iter()
                .map(hss_record)
                .collect::<Result<_, _>>()?;
            data.hss.set_fixture(&vul_id, local, records);
        }
        for (project, task, scans) in self.codearts {
            let scans = scans
                .into_iter()
                .map(|scan| codearts_scan(&task, scan))
                .collect::<Result<_, _>>()?;
            data.codearts.set_fixture(&project, &task, scans);
        }
        Ok(())
    }
}

/// The record as HSS sends it: its wire form's fields under the spec's item names.
fn hss_record(record: HandleRecord) -> Result<WireRecord, String> {
    let wire = hwc_api::hss::types::GeneralImageVulOperationsResponseInfo::from(record);
    wire_record(
        &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS,
        &wire,
    )
}

fn wire_record(operation: &Operation, wire: &impl serde::Serialize) -> Result<WireRecord, String> {
    let value = serde_json::to_value(wire).map_err(|error| error.to_string())?;
    let names = operation
        .paging
        .map_or(&[][..], |paging| paging.item_fields);
    Ok(names.iter().fold(WireRecord::default(), |record, name| {
        record.with_some(name, value.get(*name).filter(|v| !v.is_null()).cloned())
    }))
}

/// The scan as the simulator keeps it: civil seconds of UTC+08:00 (the clock `check_time`
/// is sent in), counts by severity.
fn codearts_scan(task: &str, scan: CheckRecord) -> Result<Scan, String> {
    let civil = |time: Option<&hwc::codearts_check::ScanTime>, name: &str| {
        let time = time.ok_or_else(|| format!("a scan of fixture task {task} has no {name}"))?;
        time.instant
            .map(|instant| {
                instant.as_second() + i64::from(hwc::codearts_check::ASSUMED_OFFSET_HOURS) * 3_600
            })
            .ok_or_else(|| format!("fixture task {task}: {name} {:?} is not a time", time.raw))
    };
    let check_time = civil(scan.check_time.as_ref(), "check_time")?;
    let check_end_time = match scan.check_end_time.as_ref() {
        None => check_time,
        end => civil(end, "check_end_time")?,
    };
    let counts = scan.issue_counts;
    let count = |value: Option<i64>, name: &str| {
        u32::try_from(value.unwrap_or(0))
            .map_err(|_| format!("fixture task {task}: {name} {value:?} is not a count"))
    };
    Ok(Scan {
        check_time,
        check_end_time,
        counts: [
            count(counts.critical, "critical")?,
            count(counts.serious, "serious")?,
            count(counts.normal, "normal")?,
            count(counts.prompt, "prompt")?,
        ],
        partial_counts: counts.prompt.is_none(),
    })
}
