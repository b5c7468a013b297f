//! Which URL serves a service in a region: the official SDKs' overrides first
//! (`HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>`, then `regions.yaml`), then the spec's `servers`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use reqwest::Url;
use serde::Deserialize;

use crate::config_error::ConfigError;
use crate::error::Error;

/// Environment variable naming the regions file.
pub const ENV_REGIONS_FILE: &str = "HUAWEICLOUD_SDK_REGIONS_FILE";

/// One of the two APIs this crate calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    /// Host Security Service.
    Hss,
    /// CodeArts Check.
    CodeArtsCheck,
}

impl Service {
    /// Both services.
    pub const ALL: [Service; 2] = [Service::Hss, Service::CodeArtsCheck];

    /// What the spec says about the service.
    pub fn descriptor(self) -> &'static hwc_api::descriptor::Service {
        match self {
            Service::Hss => &hwc_api::hss::spec::SERVICE,
            Service::CodeArtsCheck => &hwc_api::codearts_check::spec::SERVICE,
        }
    }

    /// A name for people: `HSS`, `CodeArts Check`.
    pub fn display_name(self) -> &'static str {
        match self {
            Service::Hss => "HSS",
            Service::CodeArtsCheck => "CodeArts Check",
        }
    }

    /// The regions the spec lists for the service, in its order, without repeats.
    pub fn regions(self) -> Vec<&'static str> {
        let mut regions: Vec<&'static str> = Vec::new();
        for endpoint in self.descriptor().endpoints {
            if !regions.contains(&endpoint.region) {
                regions.push(endpoint.region);
            }
        }
        regions
    }
}

/// Looks a variable up in an environment.
type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where overrides are read from; tests replace the environment and the file.
pub(crate) struct Overrides {
    env: EnvLookup,
    regions_file: Option<PathBuf>,
}

impl Overrides {
    /// The process environment and `HUAWEICLOUD_SDK_REGIONS_FILE` or `~/.huaweicloud/regions.yaml`.
    pub(crate) fn from_environment() -> Self {
        let regions_file = std::env::var_os(ENV_REGIONS_FILE)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .map(|home| Path::new(&home).join(".huaweicloud").join("regions.yaml"))
            });
        Self {
            env: Box::new(|name| std::env::var(name).ok()),
            regions_file,
        }
    }

    /// No overrides at all: only the spec's endpoints.
    pub(crate) fn none() -> Self {
        Self {
            env: Box::new(|_| None),
            regions_file: None,
        }
    }

    #[cfg(test)]
    pub(crate) fn custom(
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        regions_file: Option<PathBuf>,
    ) -> Self {
        Self {
            env: Box::new(env),
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
pub(crate) fn override_variable(name: &str, region: &str) -> String {
    format!(
        "HUAWEICLOUD_SDK_REGION_{name}_{}",
        region.to_ascii_uppercase().replace('-', "_")
    )
}

/// The base URLs of `service` in `region`, in the order to try them, or why there are none.
#[cfg(test)]
pub(crate) fn resolve(
    service: Service,
    region: &str,
    overrides: &Overrides,
) -> Result<Vec<String>, Error> {
    lookup(service, region, overrides)?.ok_or_else(|| {
        ConfigError::ServiceNotInRegion {
            service,
            region: region.to_owned(),
            variable: override_variable(service.descriptor().sdk_name, region),
        }
        .into()
    })
}

/// The base URLs of `service` in `region`, in the order to try them: `None` when neither the
/// overrides nor the spec have one, an error when an override file cannot be read.
///
/// As in the official SDKs, the first of these that has an entry wins, and each may list several
/// endpoints: `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` (comma-separated), the regions file,
/// then the spec's `servers` (a second domain after the first). `<SERVICE>` is the current name,
/// then each legacy one.
pub(crate) fn lookup(
    service: Service,
    region: &str,
    overrides: &Overrides,
) -> Result<Option<Vec<String>>, Error> {
    for name in override_names(service) {
        if let Some(list) = (overrides.env)(&override_variable(name, region)) {
            let endpoints = endpoint_list([list.as_str()]);
            if !endpoints.is_empty() {
                return Ok(Some(endpoints));
            }
        }
    }
    if let Some(path) = overrides.regions_file.as_deref().filter(|p| p.exists()) {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
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

/// `url` with any `user:password@` replaced by `***@`, for messages: a URL given as an
/// endpoint or proxy may carry a password.
pub(crate) fn redact_userinfo(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_owned(),
        },
        None => match url.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => url.to_owned(),
        },
    }
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

/// Checks an endpoint URL: http(s), a host, no path beyond `/`, no query or fragment; plain
/// `http` only on loopback unless `allow_insecure_http`. Returns it without a trailing `/`.
pub(crate) fn check_endpoint(text: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let bad = |why: &str| -> Error {
        ConfigError::Endpoint {
            endpoint: redact_userinfo(text),
            problem: why.to_owned(),
        }
        .into()
    };
    let url = Url::parse(text.trim()).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(bad(
                "is plain http to a host other than loopback; use https, or allow insecure http explicitly",
            ));
        }
        other => return Err(bad(&format!("has scheme {other:?}; use https"))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if url.path() != "/" && !url.path().is_empty() {
        return Err(bad("has a path; give only scheme, host and port"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("has a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("carries user information"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_gives_the_real_endpoints() {
        let none = Overrides::none();
        assert_eq!(
            resolve(Service::Hss, "cn-north-4", &none).unwrap(),
            ["https://hss.cn-north-4.myhuaweicloud.com"]
        );
        assert_eq!(
            resolve(Service::Hss, "eu-west-101", &none).unwrap(),
            ["https://hss.eu-west-101.myhuaweicloud.eu"]
        );
        assert_eq!(
            resolve(Service::CodeArtsCheck, "ap-southeast-3", &none).unwrap(),
            ["https://codearts-check.ap-southeast-3.myhuaweicloud.com"]
        );
        assert_eq!(
            resolve(Service::CodeArtsCheck, "cn-north-4", &none).unwrap(),
            [
                "https://codearts-check.cn-north-4.myhuaweicloud.com",
                "https://codearts-check.cn-north-4.myhuaweicloud.cn"
            ],
            "the cn-* regions have a second endpoint, tried after the first"
        );
        let unknown = resolve(Service::CodeArtsCheck, "cn-north-9", &none)
            .unwrap_err()
            .to_string();
        assert!(
            unknown.contains("cn-north-9") && unknown.contains("cn-north-4"),
            "{unknown}"
        );
        assert!(
            unknown.contains("HUAWEICLOUD_SDK_REGION_CODEARTSCHECK_CN_NORTH_9"),
            "{unknown}"
        );
    }

    #[test]
    fn environment_overrides_come_first_then_the_regions_file() {
        let dir = std::env::temp_dir().join(format!("hwc-regions-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("regions.yaml");
        std::fs::write(&file, "HSS:\n  - id: my-region-1\n    endpoint: https://hss.example.internal\nCodeCheck: []\n").unwrap();
        let overrides = Overrides::custom(
            |name| {
                (name == "HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_4")
                    .then(|| " https://a.example, https://b.example".into())
            },
            Some(file.clone()),
        );
        assert_eq!(
            resolve(Service::Hss, "cn-north-4", &overrides).unwrap(),
            ["https://a.example", "https://b.example"],
            "every endpoint of the list, in order"
        );
        assert_eq!(
            resolve(Service::Hss, "my-region-1", &overrides).unwrap(),
            ["https://hss.example.internal"]
        );
        assert_eq!(
            resolve(Service::Hss, "cn-east-3", &overrides).unwrap(),
            ["https://hss.cn-east-3.myhuaweicloud.com"]
        );
        std::fs::write(&file, "HSS: [not, a, list of entries").unwrap();
        let broken = resolve(Service::Hss, "my-region-1", &overrides)
            .unwrap_err()
            .to_string();
        assert!(broken.contains("regions.yaml"), "{broken}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn codearts_check_overrides_read_the_current_name_then_the_legacy_one() {
        let dir = std::env::temp_dir().join(format!("hwc-regions-legacy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("regions.yaml");
        std::fs::write(
            &file,
            "CodeCheck:\n  - id: r-legacy\n    endpoint: https://legacy.example\n  - id: r-both\n    endpoint: https://legacy-both.example\nCODEARTSCHECK:\n  - id: r-both\n    endpoint: https://current.example\n",
        )
        .unwrap();
        let env = |name: &str| match name {
            "HUAWEICLOUD_SDK_REGION_CODECHECK_CN_NORTH_4" => Some("https://old-env.example".into()),
            "HUAWEICLOUD_SDK_REGION_CODECHECK_CN_EAST_3" => Some("https://old-env.example".into()),
            "HUAWEICLOUD_SDK_REGION_CODEARTSCHECK_CN_EAST_3" => {
                Some("https://new-env.example".into())
            }
            _ => None,
        };
        let overrides = Overrides::custom(env, Some(file));
        let resolved = |region| resolve(Service::CodeArtsCheck, region, &overrides).unwrap();
        assert_eq!(
            resolved("cn-north-4"),
            ["https://old-env.example"],
            "legacy variable"
        );
        assert_eq!(
            resolved("cn-east-3"),
            ["https://new-env.example"],
            "current name first"
        );
        assert_eq!(
            resolved("r-legacy"),
            ["https://legacy.example"],
            "legacy file entry"
        );
        assert_eq!(
            resolved("r-both"),
            ["https://current.example"],
            "current file entry first"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn endpoints_are_checked() {
        assert_eq!(
            check_endpoint("https://hss.example.com/", false).unwrap(),
            "https://hss.example.com"
        );
        assert_eq!(
            check_endpoint("http://127.0.0.1:8080", false).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            check_endpoint("http://localhost:1", false).unwrap(),
            "http://localhost:1"
        );
        for (bad, why) in [
            ("http://hss.example.com", "plain http"),
            ("https://hss.example.com/v5", "has a path"),
            ("https://hss.example.com/?a=1", "query"),
            ("ftp://x", "scheme"),
            ("not a url", "not a URL"),
            ("https://user:pw@hss.example.com", "user information"),
        ] {
            let error = check_endpoint(bad, false).unwrap_err().to_string();
            assert!(error.contains(why), "{bad}: {error}");
        }
        assert!(check_endpoint("http://hss.example.com", true).is_ok());
    }
}
