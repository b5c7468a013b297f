//! IAM, where the official SDKs go when the configuration leaves something out: which IAM
//! endpoint to use, and the project of a region (`GET /v3/projects?name=<region>`), looked up
//! once per (AK, region) for the whole process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;

use crate::config_error::ConfigError;
use crate::credentials::{Credentials, ENV_IAM_ENDPOINT};
use crate::error::{ApiError, Error};
use crate::provider::CredentialsCache;
use crate::region::Service;
use crate::transport::Clock;

/// IAM's endpoint for regions outside its table.
pub const GLOBAL_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";

/// The IAM endpoint, in the official SDKs' order: the one given (builder or profile), else
/// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else `https://iam.{region}.myhuaweicloud.com` for a known
/// region, else the global one.
pub(crate) fn iam_endpoint(
    given: Option<&str>,
    region: Option<&str>,
    use_environment: bool,
) -> String {
    if let Some(given) = given.filter(|g| !g.trim().is_empty()) {
        return given.trim_end_matches('/').to_owned();
    }
    if use_environment
        && let Some(from_env) = std::env::var(ENV_IAM_ENDPOINT)
            .ok()
            .filter(|v| !v.trim().is_empty())
    {
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
pub(crate) struct ProjectLookup {
    pub region: String,
    /// Checked when the lookup runs, so that a client that never needs it never fails on it.
    pub iam_endpoint: String,
    pub allow_insecure_http: bool,
    pub http: reqwest::Client,
    pub credentials: Arc<CredentialsCache>,
    pub clock: Arc<Clock>,
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
    pub(crate) async fn find(&self) -> Result<String, Error> {
        let iam_endpoint =
            crate::region::check_endpoint(&self.iam_endpoint, self.allow_insecure_http)?;
        let current = self.credentials.get().await?;
        let credentials = &current.provided.credentials;
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
        crate::transport::apply_credentials(
            credentials,
            &mut request,
            Clock::server_time(self.clock.estimate_ms()),
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
            endpoint: crate::region::redact_userinfo(&self.iam_endpoint),
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
        let body = crate::metadata::read_limited(answer, MAX_PROJECTS_BODY)
            .await
            .map_err(|problem| unreachable(format!("the project list: {problem}")))?;
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

/// The IAM project of a client: configured, or looked up in IAM the first time a call needs it
/// (once, however many calls need it at the same moment).
#[derive(Debug, Default)]
pub(crate) struct ProjectSlot {
    pub configured: Option<String>,
    pub found: tokio::sync::OnceCell<String>,
    pub lookup: Option<ProjectLookup>,
    /// The last failed lookup and when: calls waiting for it get its error rather than each
    /// asking IAM again in turn (for a few seconds).
    pub failed: std::sync::Mutex<Option<(std::time::Instant, Error)>>,
}

/// The most IAM's project list may hold: a few hundred projects' worth, where the lookup asks
/// for one name.
const MAX_PROJECTS_BODY: usize = 1024 * 1024;

/// How long a failed lookup is the answer before IAM is asked again.
const LOOKUP_FAILURE_MEMORY: std::time::Duration = std::time::Duration::from_secs(5);

/// The same lookup error again, for another caller.
fn replay(error: &Error) -> Error {
    match error {
        Error::Api(api) => Error::Api(api.clone()),
        Error::Config(ConfigError::ProjectLookup {
            region,
            iam_endpoint,
            problem,
        }) => ConfigError::ProjectLookup {
            region: region.clone(),
            iam_endpoint: iam_endpoint.clone(),
            problem: problem.clone(),
        }
        .into(),
        other => crate::provider::replay(other),
    }
}

impl ProjectSlot {
    /// The project, if known yet.
    pub(crate) fn get(&self) -> Option<&str> {
        self.configured
            .as_deref()
            .or_else(|| self.found.get().map(String::as_str))
    }

    /// The project, looked up when not known yet and a lookup is possible.
    pub(crate) async fn resolve(&self) -> Result<&str, Error> {
        if let Some(known) = self.get() {
            return Ok(known);
        }
        let Some(lookup) = &self.lookup else {
            return Err(ConfigError::NoProjectId.into());
        };
        self.found
            .get_or_try_init(|| async {
                if let Ok(failed) = self.failed.lock()
                    && let Some((at, error)) = failed.as_ref()
                    && at.elapsed() < LOOKUP_FAILURE_MEMORY
                {
                    return Err(replay(error));
                }
                let outcome = lookup.find().await;
                if let (Err(error), Ok(mut failed)) = (&outcome, self.failed.lock()) {
                    *failed = Some((std::time::Instant::now(), replay(error)));
                }
                outcome
            })
            .await
            .map(String::as_str)
    }

    /// How the project is known: `configured`, `looked up in IAM`, or not yet.
    pub(crate) fn source(&self) -> Option<&'static str> {
        if self.configured.is_some() {
            Some("configured")
        } else if self.found.get().is_some() {
            Some("looked up in IAM")
        } else {
            None
        }
    }
}
