//! `hwc hss vul-history --all-vuls`: every vulnerability of the project, found with
//! `ListGeneralImageVuls` over both vulnerability types, both handling states and local and
//! registry images (de-duplicated: a vulnerability handled on some images and not on others is
//! in both lists), then one handling-history pager per (`vul_id`, `image_type`), at most
//! [`PAGERS_AT_ONCE`] at a time, all sharing the client's flow control. Each record is tagged
//! with the vulnerability it belongs to (the API's record names none).

use std::collections::BTreeMap;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use hwc::hss::{HandleRecord, ImageVulHandleHistory, ImageVulnerabilities};
use hwc::{Client, FromParameters, Page, Paginator};
use serde::Serialize;

use crate::exit::Failure;
use crate::render::{Layout, Row, Tabular};

/// Handling-history pagers running at once: enough to keep the API's flow-control bound busy
/// at a round trip of about 40 ms with a few pages each in flight, few enough that memory stays
/// flat however many vulnerabilities there are.
pub const PAGERS_AT_ONCE: usize = 16;

/// The image types whose history `ListGeneralImageVulOperations` has (its `image_type`).
const IMAGE_TYPES: [&str; 2] = ["local", "registry"];
/// Every vulnerability type and handling state `ListGeneralImageVuls` lists by.
const VUL_TYPES: [&str; 2] = ["linux_vul", "app_vul"];
const HANDLE_STATUSES: [&str; 2] = ["handled", "unhandled"];

/// One vulnerability on one image type: what a handling-history pager pages.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct VulOnImages {
    /// The vulnerability.
    pub vul_id: String,
    /// `local` or `registry`.
    pub image_type: &'static str,
}

impl VulOnImages {
    /// The key of its watermark in a state file.
    pub fn key(&self) -> String {
        format!("{}/{}", self.image_type, self.vul_id)
    }
}

/// Every vulnerability of the project on local and registry images, with its risk level, from
/// `ListGeneralImageVuls`; `given` holds the history command's parameters, of which the
/// enterprise project is passed on.
pub async fn enumerate(
    client: &Client,
    given: &[(&str, &str)],
) -> Result<BTreeMap<VulOnImages, String>, Failure> {
    let enterprise_project = given
        .iter()
        .find(|(name, _)| *name == "enterprise_project_id")
        .map(|(_, value)| *value);
    let mut lists = Vec::new();
    for image_type in IMAGE_TYPES {
        for vul_type in VUL_TYPES {
            for handle_status in HANDLE_STATUSES {
                let mut parameters = vec![
                    ("type", vul_type),
                    ("handle_status", handle_status),
                    ("image_type", image_type),
                ];
                if let Some(project) = enterprise_project {
                    parameters.push(("enterprise_project_id", project));
                }
                let request = ImageVulnerabilities::from_parameters(client, &parameters)?;
                lists.push(async move {
                    let items: Vec<_> = Paginator::new(request).items().try_collect().await?;
                    Ok::<_, hwc::Error>((image_type, items))
                });
            }
        }
    }
    let mut found = BTreeMap::new();
    for listed in futures::future::join_all(lists).await {
        let (image_type, items) = listed?;
        for item in items {
            let text = |value: Option<String>| value.filter(|text| !text.is_empty());
            let Some(vul_id) = text(item.vul_id.map(|id| id.to_string())) else {
                tracing::warn!(image_type, "a listed vulnerability has no vul_id: skipped");
                continue;
            };
            let severity =
                text(item.severity_level.map(|level| level.to_string())).unwrap_or_default();
            found.insert(VulOnImages { vul_id, image_type }, severity);
        }
    }
    Ok(found)
}

/// A handling record with the vulnerability it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaggedRecord {
    /// The vulnerability.
    pub vul_id: String,
    /// The image type of its history.
    pub image_type: &'static str,
    /// Its risk level, as `ListGeneralImageVuls` gives it.
    pub severity_level: String,
    /// The record.
    #[serde(flatten)]
    pub record: HandleRecord,
}

/// The columns the tag adds before the record's.
const TAG_COLUMNS: [&str; 3] = ["vul_id", "image_type", "severity_level"];

impl Tabular for TaggedRecord {
    fn layout() -> Layout {
        let record = HandleRecord::layout();
        let tags = TAG_COLUMNS.len();
        Layout {
            columns: TAG_COLUMNS.iter().copied().chain(record.columns).collect(),
            table: (0..tags)
                .chain(record.table.into_iter().map(|index| index + tags))
                .collect(),
            table_limits: record
                .table_limits
                .into_iter()
                .map(|(index, limit)| (index + tags, limit))
                .collect(),
        }
    }
}

impl Row for TaggedRecord {
    fn cells(&self, layout: &Layout) -> std::io::Result<Vec<String>> {
        let tags = TAG_COLUMNS.len().min(layout.columns.len());
        let record_layout = Layout {
            columns: layout.columns[tags..].to_vec(),
            table: Vec::new(),
            table_limits: Vec::new(),
        };
        let mut cells = vec![
            self.vul_id.clone(),
            self.image_type.to_owned(),
            self.severity_level.clone(),
        ];
        cells.truncate(tags);
        cells.extend(self.record.cells(&record_layout)?);
        Ok(cells)
    }
}

/// The handling history of every vulnerability in `found`, as pages of tagged records, at most
/// [`PAGERS_AT_ONCE`] pagers at a time; each pager starts at the time `since` gives for it
/// (stopping at its first older page) or pages everything.
pub fn pages(
    client: &Client,
    given: &[(&str, &str)],
    found: BTreeMap<VulOnImages, String>,
    since: impl Fn(&VulOnImages) -> Option<jiff::Timestamp> + Send + 'static,
) -> Result<BoxStream<'static, Result<Page<TaggedRecord>, hwc::Error>>, Failure> {
    let mut pagers = Vec::with_capacity(found.len());
    for (vul, severity) in found {
        let mut parameters: Vec<(&str, &str)> = given
            .iter()
            .filter(|(name, _)| !matches!(*name, "vul_id" | "image_type"))
            .copied()
            .collect();
        parameters.push(("vul_id", &vul.vul_id));
        parameters.push(("image_type", vul.image_type));
        // Checked now, for every pager, before anything is sent.
        let request = ImageVulHandleHistory::from_parameters(client, &parameters)?;
        let start = since(&vul);
        pagers.push((vul, severity, request, start));
    }
    let stream = stream::iter(pagers)
        .map(|(vul, severity, request, start)| {
            let paginator = Paginator::new(request);
            let pages = match start {
                Some(since) => {
                    paginator.pages_since(since, |record: &HandleRecord| record.handle_time)
                }
                None => paginator.pages(),
            };
            pages.map_ok(move |page| Page {
                items: page
                    .items
                    .into_iter()
                    .map(|record| TaggedRecord {
                        vul_id: vul.vul_id.clone(),
                        image_type: vul.image_type,
                        severity_level: severity.clone(),
                        record,
                    })
                    .collect(),
                // One pager's total is not the run's.
                total: None,
                offset: page.offset,
                request_id: page.request_id,
            })
        })
        .flatten_unordered(PAGERS_AT_ONCE);
    Ok(stream.boxed())
}
