//! IAM, where the official SDKs go when the configuration leaves something out: which IAM
//! endpoint to use, and the project of a region (`GET /v3/projects?name=<region>`), looked up
//! once per (AK, region) for the whole process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;

use hwc_runtime::plumbing::{Clock, LookupFuture, LookupProject, apply_credentials, read_limited};
use hwc_runtime::{ApiError, ConfigError, Credentials, CredentialsCache, Error, Service};

use crate::providers::environment::ENV_IAM_ENDPOINT;
use crate::providers::metadata::body_problem;
use crate::sources::Sources;
use crate::urls::{check_endpoint, redact_userinfo};

/// IAM's endpoint for regions outside its table.
pub const GLOBAL_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";

/// The IAM endpoint, in the official SDKs' order: the one given (builder or profile), else
/// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else `https://iam.{region}.myhuaweicloud.com` for a known
/// region, else the global one.
pub fn iam_endpoint(given: Option<&str>, region: Option<&str>, sources: &Sources) -> String {
    if let Some(given) = given.filter(|g| !g.trim().is_empty()) {
        return given.trim_end_matches('/').to_owned();
    }
    if let Some(from_env) = sources.non_blank(ENV_IAM_ENDPOINT) {
        return from_env.trim_end_matches('/').to_owned();
    }
    match region {
        Some(region) if Service::ALL.iter().any(|s| s.regions().contains(&region)) => {
            format!("https://iam.{region}.myhuaweicloud.com")
        }
        _ => GLOBAL_IAM_ENDPOINT.to_owned(),
    }
}

/// Projects found, per (AK, region), for the process: every client of the same keys shares
/// them, as the official SDKs' cache does.
fn found_projects() -> &'static Mutex<HashMap<(String, String), String>> {
    static FOUND: OnceLock<Mutex<HashMap<(String, String), String>>> = OnceLock::new();
    FOUND.get_or_init(|| Mutex::new(HashMap::new()))
}

/// How a client finds its project when none is configured.
#[derive(Debug)]
pub struct ProjectLookup {
    /// The region whose project is looked for.
    pub region: String,
    /// Checked when the lookup runs, so that a client that never needs it never fails on it.
    pub iam_endpoint: String,
    /// Whether plain `http` may be used to a host other than loopback.
    pub allow_insecure_http: bool,
    /// The client's HTTP client (its proxy and certificates).
    pub http: reqwest::Client,
    /// The client's credentials, which sign the lookup.
    pub credentials: Arc<CredentialsCache>,
    /// The client's clock.
    pub clock: Arc<Clock>,
    /// How the client signs (IAM's own service name, `iam`, in a V11 scope).
    pub signing_algorithm: hwc_runtime::signing::SigningAlgorithm,
}

impl LookupProject for ProjectLookup {
    fn find(&self) -> LookupFuture<'_> {
        Box::pin(self.find_project())
    }
}

#[derive(Deserialize)]
struct Projects {
    #[serde(default)]
    projects: Vec<Project>,
}

#[derive(Deserialize)]
struct Project {
    id: String,
    #[serde(default)]
    name: String,
}

impl ProjectLookup {
    /// The one project named after the region.
    async fn find_project(&self) -> Result<String, Error> {
        let iam_endpoint = check_endpoint(&self.iam_endpoint, self.allow_insecure_http)?;
        let current = self.credentials.credentials().await?;
        let credentials = &current.credentials;
        // Per AK (tokens of different accounts would share one key: they are not cached).
        let cache_key = match credentials {
            Credentials::AccessKey(signer) => Some((
                format!("{} {iam_endpoint}", signer.access_key()),
                self.region.clone(),
            )),
            Credentials::Token(_) => None,
        };
        if let Some(found) = cache_key.as_ref().and_then(|key| {
            found_projects()
                .lock()
                .ok()
                .and_then(|found| found.get(key).cloned())
        }) {
            return Ok(found);
        }
        let url = reqwest::Url::parse_with_params(
            &format!("{iam_endpoint}/v3/projects"),
            [("name", self.region.as_str())],
        )
        .map_err(|_| ConfigError::Endpoint {
            endpoint: self.iam_endpoint.clone(),
            problem: "not a URL".into(),
        })?;
        let mut request = reqwest::Request::new(reqwest::Method::GET, url);
        *request.timeout_mut() = Some(std::time::Duration::from_secs(30));
        apply_credentials(
            credentials,
            &mut request,
            Clock::server_time(self.clock.estimate_ms()),
            &hwc_runtime::signing::Scheme {
                algorithm: self.signing_algorithm,
                region: Some(self.region.clone()),
                service: "iam".to_owned(),
            },
        )?;
        let failed = |problem: String| -> Error {
            ConfigError::ProjectLookup {
                region: self.region.clone(),
                iam_endpoint: self.iam_endpoint.clone(),
                problem,
            }
            .into()
        };
        let unreachable = |problem: String| Error::Unreachable {
            service: "IAM",
            endpoint: redact_userinfo(&self.iam_endpoint),
            problem: format!(
                "{problem} (the project id can be given instead: HUAWEICLOUD_SDK_PROJECT_ID)"
            ),
        };
        let answer = self
            .http
            .execute(request)
            .await
            .map_err(|error| unreachable(format!("cannot be reached: {error}")))?;
        let status = answer.status().as_u16();
        let request_id = answer
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = read_limited(answer, MAX_PROJECTS_BODY)
            .await
            .map_err(|error| unreachable(format!("the project list: {}", body_problem(&error))))?;
        if !(200..300).contains(&status) {
            return Err(Error::Api(ApiError::from_body(
                "KeystoneListProjects",
                status,
                &body,
                request_id,
                None,
            )));
        }
        let projects: Projects = serde_json::from_slice(&body).map_err(|error| {
            failed(format!(
                "IAM answered something else than projects: {error}"
            ))
        })?;
        let named: Vec<&Project> = projects
            .projects
            .iter()
            .filter(|p| p.name.is_empty() || p.name == self.region)
            .collect();
        let id = match named.as_slice() {
            [one] => one.id.clone(),
            [] => {
                return Err(failed(format!(
                    "IAM lists no project named {:?}; set the project id",
                    self.region
                )));
            }
            several => {
                let ids: Vec<&str> = several.iter().map(|p| p.id.as_str()).collect();
                return Err(failed(format!(
                    "IAM lists {} projects named {:?} ({}); set the project id to one of them",
                    ids.len(),
                    self.region,
                    ids.join(", ")
                )));
            }
        };
        tracing::info!(region = %self.region, project = %id, "found the IAM project");
        if let (Some(key), Ok(mut found)) = (cache_key, found_projects().lock()) {
            found.insert(key, id.clone());
        }
        Ok(id)
    }
}

/// The most IAM's project list may hold: a few hundred projects' worth, where the lookup asks
/// for one name.
const MAX_PROJECTS_BODY: usize = 1024 * 1024;
