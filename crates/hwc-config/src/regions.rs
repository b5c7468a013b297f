//! Which URL serves a service in a region: the official SDKs' overrides first
//! (`HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>`, then `regions.yaml`), then the spec's `servers`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hwc_runtime::{ConfigError, Error, Service};
use serde::Deserialize;

use crate::sources::Sources;

/// Environment variable naming the regions file.
pub const ENV_REGIONS_FILE: &str = "HUAWEICLOUD_SDK_REGIONS_FILE";

/// Where overrides are read from: the variables and the regions file.
#[derive(Debug, Clone)]
pub struct Overrides {
    sources: Sources,
    regions_file: Option<PathBuf>,
}

impl Overrides {
    /// The variables of `sources`, and `HUAWEICLOUD_SDK_REGIONS_FILE` or
    /// `~/.huaweicloud/regions.yaml`.
    pub fn from_sources(sources: &Sources) -> Self {
        let regions_file = sources
            .var(ENV_REGIONS_FILE)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                sources
                    .home()
                    .map(|home| home.join(".huaweicloud").join("regions.yaml"))
            });
        Self {
            sources: sources.clone(),
            regions_file,
        }
    }
}

/// The entries of a `regions.yaml`: service name to `{id, endpoint}` (or `endpoints`).
#[derive(Deserialize)]
struct RegionEntry {
    id: String,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    endpoints: Vec<String>,
}

/// The names the official SDKs give the service in overrides: the current one first, then the
/// legacy ones the spec lists (`CODECHECK` for CodeArts Check).
fn override_names(service: Service) -> impl Iterator<Item = &'static str> {
    let descriptor = service.descriptor();
    std::iter::once(descriptor.sdk_name).chain(descriptor.legacy_sdk_names.iter().copied())
}

/// The environment variable that overrides `service`'s endpoints in `region`, under the
/// service name `name`.
pub fn override_variable(name: &str, region: &str) -> String {
    format!(
        "HUAWEICLOUD_SDK_REGION_{name}_{}",
        region.to_ascii_uppercase().replace('-', "_")
    )
}

/// The base URLs of `service` in `region`, in the order to try them: `None` when neither the
/// overrides nor the spec have one, an error when an override file cannot be read.
///
/// As in the official SDKs, the first of these that has an entry wins, and each may list several
/// endpoints: `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` (comma-separated), the regions file,
/// then the spec's `servers` (a second domain after the first). `<SERVICE>` is the current name,
/// then each legacy one.
pub fn lookup(
    service: Service,
    region: &str,
    overrides: &Overrides,
) -> Result<Option<Vec<String>>, Error> {
    for name in override_names(service) {
        if let Some(list) = overrides.sources.var(&override_variable(name, region)) {
            let endpoints = endpoint_list([list.as_str()]);
            if !endpoints.is_empty() {
                return Ok(Some(endpoints));
            }
        }
    }
    if let Some(path) = overrides
        .regions_file
        .as_deref()
        .filter(|p| overrides.sources.exists(p))
    {
        let text = overrides
            .sources
            .read(path)
            .map_err(|source| ConfigError::ReadFile {
                path: path.to_owned(),
                source,
            })?;
        let file: BTreeMap<String, Vec<RegionEntry>> =
            serde_yaml_ng::from_str(&text).map_err(|e| ConfigError::FileSyntax {
                path: path.to_owned(),
                what: "regions file",
                problem: e.to_string(),
            })?;
        for name in override_names(service) {
            let entry = file
                .iter()
                .filter(|(key, _)| key.eq_ignore_ascii_case(name))
                .flat_map(|(_, entries)| entries)
                .find(|entry| entry.id == region);
            if let Some(entry) = entry {
                let lists = entry.endpoint.iter().chain(&entry.endpoints);
                let endpoints = endpoint_list(lists.map(String::as_str));
                if !endpoints.is_empty() {
                    return Ok(Some(endpoints));
                }
            }
        }
    }
    let endpoints: Vec<String> = service
        .descriptor()
        .endpoints
        .iter()
        .filter(|endpoint| endpoint.region == region)
        .map(|endpoint| endpoint.url.to_owned())
        .collect();
    Ok((!endpoints.is_empty()).then_some(endpoints))
}

/// The endpoints of comma-separated lists, in order, blanks left out.
fn endpoint_list<'a>(lists: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    lists
        .into_iter()
        .flat_map(|list| list.split(','))
        .map(str::trim)
        .filter(|endpoint| !endpoint.is_empty())
        .map(str::to_owned)
        .collect()
}
