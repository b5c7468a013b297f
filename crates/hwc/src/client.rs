//! `Client` and `ClientBuilder`: configuration (credentials, project, region or endpoints,
//! timeouts, retries, proxy, CA certificates, user agent) and the generated clients it drives.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::config_error::ConfigError;
use crate::credentials::{self, Credentials};
use crate::endpoints::EndpointSet;
use crate::error::Error;
use crate::provider::{CredentialsCache, ProvideCredentials, StaticCredentials};
use crate::region::{self, Overrides, Service};
use crate::retry::RetryPolicy;
use crate::transport::{Clock, HwcTransport};

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit of one attempt, body included.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default limit of a whole call, retries included.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(300);
/// Pages fetched at once by paginators, once the total is known.
pub const DEFAULT_PAGE_CONCURRENCY: usize = 4;
/// Largest answer body read by default: 32 MiB, where a real page is under 1 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 << 20;

/// A client of both APIs. Cheap to clone: clones share one connection pool and one clock.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub hss: Result<hwc_api::hss::Client, Unavailable>,
    pub codearts_check: Result<hwc_api::codearts_check::Client, Unavailable>,
    pub project: Arc<crate::iam::ProjectSlot>,
    pub operation_timeout: Duration,
    /// Pages in flight, when fixed; otherwise from each API's flow control.
    pub page_concurrency: Option<usize>,
    pub flow: BTreeMap<Service, Arc<crate::flow_control::FlowControl>>,
    pub clock: Arc<Clock>,
    pub endpoints: BTreeMap<Service, Result<Arc<EndpointSet>, Unavailable>>,
    pub credentials: Arc<CredentialsCache>,
}

/// A service the configuration gives no endpoint for; reported when it is called.
#[derive(Clone, Debug)]
pub(crate) struct Unavailable {
    service: Service,
    region: Option<String>,
}

impl Unavailable {
    fn error(&self) -> Error {
        let service = self.service;
        match &self.region {
            Some(region) => ConfigError::ServiceNotInRegion {
                service,
                region: region.clone(),
                variable: region::override_variable(service.descriptor().sdk_name, region),
            },
            None => ConfigError::ServiceWithoutEndpoint { service },
        }
        .into()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoints", &self.inner.endpoints)
            .field("project_id", &self.inner.project.get())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder; see [`ClientBuilder`] for what it reads from the environment.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests to `service` go to now (the first endpoint, or the one failed
    /// over to), or why there is none.
    pub fn endpoint(&self, service: Service) -> Result<&str, Error> {
        self.endpoint_set(service).map(|set| set.current())
    }

    /// Every base URL of `service`, in the order they are tried when one cannot be reached.
    pub fn endpoints(&self, service: Service) -> Result<&[String], Error> {
        self.endpoint_set(service).map(|set| set.all())
    }

    fn endpoint_set(&self, service: Service) -> Result<&EndpointSet, Error> {
        match self.inner.endpoints.get(&service) {
            Some(Ok(set)) => Ok(set),
            Some(Err(unavailable)) => Err(unavailable.error()),
            None => Err(ConfigError::ServiceWithoutEndpoint { service }.into()),
        }
    }

    /// Where the client's credentials come from, and how often they were fetched: for
    /// `hwc config`, and to see refreshes at work.
    pub fn credentials_cache(&self) -> &CredentialsCache {
        &self.inner.credentials
    }

    /// The IAM project HSS calls use, if known (configured, or found in IAM by an earlier call).
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project.get()
    }

    /// The IAM project, looked up in IAM (`GET /v3/projects?name=<region>`, once per AK and
    /// region for the process) when none is configured and the client has a region.
    pub async fn resolve_project_id(&self) -> Result<&str, Error> {
        self.inner.project.resolve().await
    }

    /// How the project is known: `configured` or `looked up in IAM`; `None` before a lookup.
    pub fn project_id_source(&self) -> Option<&'static str> {
        self.inner.project.source()
    }

    /// Pages a paginator of `operation` keeps in flight now: fixed by
    /// [`ClientBuilder::page_concurrency`], or the API's rate times its latency.
    pub(crate) fn pages_in_flight(&self, operation: &hwc_api::descriptor::Operation) -> usize {
        if let Some(fixed) = self.inner.page_concurrency {
            return fixed;
        }
        self.flow_of(operation)
            .map_or(DEFAULT_PAGE_CONCURRENCY, |flow| {
                flow.pages_in_flight(DEFAULT_PAGE_CONCURRENCY)
            })
    }

    /// The flow control of the API `operation` belongs to.
    fn flow_of(
        &self,
        operation: &hwc_api::descriptor::Operation,
    ) -> Option<&crate::flow_control::FlowControl> {
        Service::ALL
            .into_iter()
            .find(|service| {
                service
                    .descriptor()
                    .operations
                    .iter()
                    .any(|op| op.id == operation.id)
            })
            .and_then(|service| self.inner.flow.get(&service))
            .map(|flow| flow.as_ref())
    }

    /// The least time between starting two pages of `operation`, when its API's rate must be
    /// kept by spacing pages (none with a fixed [`ClientBuilder::page_concurrency`]).
    pub(crate) fn page_spacing(
        &self,
        operation: &hwc_api::descriptor::Operation,
    ) -> Option<std::time::Duration> {
        if self.inner.page_concurrency.is_some() {
            return None;
        }
        self.flow_of(operation)?
            .page_spacing(DEFAULT_PAGE_CONCURRENCY)
    }

    /// The requests a second client-side flow control allows `service` now, once the gateway
    /// has throttled it (`None` before, or when it is off).
    pub fn flow_rate(&self, service: Service) -> Option<f64> {
        self.inner.flow.get(&service).and_then(|flow| flow.rate())
    }

    /// How far the server's clock is from ours, as learned from expired-signature answers.
    pub fn clock_offset(&self) -> jiff::SignedDuration {
        self.inner.clock.offset()
    }

    pub(crate) fn hss_client(&self) -> Result<&hwc_api::hss::Client, Error> {
        self.inner.hss.as_ref().map_err(Unavailable::error)
    }

    pub(crate) fn codearts_check_client(&self) -> Result<&hwc_api::codearts_check::Client, Error> {
        self.inner
            .codearts_check
            .as_ref()
            .map_err(Unavailable::error)
    }
}

/// Builds a [`Client`]. What is not set comes from where the official SDKs look: credentials
/// from their chain (federated identity or AK/SK in `HUAWEICLOUD_SDK_*`, then the `[basic]`
/// profile of `~/.huaweicloud/credentials`, then the ECS metadata service), the project from
/// `HUAWEICLOUD_SDK_PROJECT_ID` or the profile (read, once, only when the credentials are not
/// given explicitly) or else looked up in IAM for the region, endpoint overrides from
/// `HUAWEICLOUD_SDK_REGION_<SERVICE>_<REGION>` or `~/.huaweicloud/regions.yaml`.
#[derive(Default)]
pub struct ClientBuilder {
    region: Option<String>,
    endpoints: BTreeMap<Service, Vec<String>>,
    credentials: Option<Credentials>,
    credentials_provider: Option<Arc<dyn ProvideCredentials>>,
    project_id: Option<String>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    proxy: Option<String>,
    root_certificates: Vec<Vec<u8>>,
    user_agent: Option<String>,
    credentials_file: Option<std::path::PathBuf>,
    iam_endpoint: Option<String>,
    allow_insecure_http: bool,
    page_concurrency: Option<usize>,
    adaptive_flow_control: Option<bool>,
    max_response_bytes: Option<usize>,
    ignore_environment: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoints", &self.endpoints)
            .field("credentials", &self.credentials)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The region whose endpoints to use, such as `cn-north-4`. [`build`](Self::build)
    /// refuses a region neither service has an endpoint in (nor an override for).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Uses `url` for `service` whatever the region (a simulator, a private endpoint).
    /// Plain `http` to a host other than loopback is refused at [`build`](Self::build) unless
    /// [`allow_insecure_http`](Self::allow_insecure_http) is set. A comma-separated list is
    /// taken as [`endpoints`](Self::endpoints).
    pub fn endpoint(self, service: Service, url: impl AsRef<str>) -> Self {
        let urls: Vec<String> = url
            .as_ref()
            .split(',')
            .map(|url| url.trim().to_owned())
            .collect();
        self.endpoints(service, urls)
    }

    /// Uses these URLs for `service`, in order: when a connection to one cannot be made (DNS
    /// failure, refused, TLS handshake failure) requests move to the next, and stay there.
    /// Checked at [`build`](Self::build).
    pub fn endpoints<I, U>(mut self, service: Service, urls: I) -> Self
    where
        I: IntoIterator<Item = U>,
        U: AsRef<str>,
    {
        let urls = urls
            .into_iter()
            .map(|url| url.as_ref().to_owned())
            .collect();
        self.endpoints.insert(service, urls);
        self
    }

    /// Uses `url` (or a comma-separated list) for both services.
    pub fn endpoint_for_all(self, url: impl AsRef<str>) -> Self {
        let url = url.as_ref().to_owned();
        self.endpoint(Service::Hss, &url)
            .endpoint(Service::CodeArtsCheck, &url)
    }

    /// Reads credentials and the project from this file (the official SDKs' INI format,
    /// section `[basic]`) instead of `HUAWEICLOUD_SDK_CREDENTIALS_FILE` or
    /// `~/.huaweicloud/credentials`. Not read when credentials are given explicitly.
    pub fn credentials_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.credentials_file = Some(path.into());
        self
    }

    /// How requests authenticate: these keys or this token, whatever the environment says.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Takes credentials from `provider` (temporary ones, refreshed before they expire) instead
    /// of the default chain. [`credentials`](Self::credentials) wins when both are set.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials_provider = Some(Arc::new(provider));
        self
    }

    /// The IAM project of HSS calls (not used by CodeArts Check, whose project is its own).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// IAM's endpoint, for looking up the project and federated sign-in (default: the
    /// profile's `iam_endpoint`, `HUAWEICLOUD_SDK_IAM_ENDPOINT`, then the region's IAM).
    pub fn iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.iam_endpoint = Some(url.into());
        self
    }

    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Limit of one attempt, body included (default 60 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Limit of a whole call, retries included (default 300 s).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]); [`RetryPolicy::disabled`] turns
    /// retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends everything through this proxy (`http://`, `https://` or `socks5://` URL).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Trusts this extra CA certificate (PEM), besides the system's; checked at
    /// [`build`](Self::build).
    pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Self {
        self.root_certificates.push(pem.to_vec());
        self
    }

    /// The `User-Agent` (default `hwc/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Allows plain `http://` endpoints on hosts other than loopback (refused by default: the
    /// signature and tokens would cross the network in clear).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Fixes how many pages paginators fetch at once once the total is known. By default it
    /// follows the API's rate and the latency of its answers (Little's law: rate x latency
    /// pages in flight), never fewer than 4 nor more than 32.
    pub fn page_concurrency(mut self, pages: usize) -> Self {
        self.page_concurrency = Some(pages.max(1));
        self
    }

    /// Client-side flow control per API (default on): after the gateway first throttles, the
    /// client's requests to that API (clones included) keep under the rate it let through,
    /// lowered on further throttles and raised slowly with each success.
    pub fn adaptive_flow_control(mut self, enabled: bool) -> Self {
        self.adaptive_flow_control = Some(enabled);
        self
    }

    /// The largest answer body read (default 32 MiB): a larger one ends the attempt with
    /// [`Error::ResponseTooLarge`], so a broken or hostile server cannot exhaust memory.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Reads nothing from the environment or `~/.huaweicloud`: only what is set here counts.
    pub fn ignore_environment(mut self) -> Self {
        self.ignore_environment = true;
        self
    }

    fn overrides(&self) -> Overrides {
        if self.ignore_environment {
            Overrides::none()
        } else {
            Overrides::from_environment()
        }
    }

    /// Checks the whole configuration and builds the client: credentials, region, endpoints,
    /// files, proxy and certificates are all reported here, as [`ConfigError`]s. What is left
    /// for a call to report depends on the call: a service the region does not offer, an HSS
    /// call without an IAM project.
    ///
    /// The credentials file is read at most once, and not at all when credentials are given.
    pub fn build(self) -> Result<Client, Error> {
        let overrides = self.overrides();
        if let Some(region) = &self.region {
            let mut known = false;
            for service in Service::ALL {
                // A broken override file is its own error, not an unknown region.
                known |= region::lookup(service, region, &overrides)?.is_some();
            }
            if !known {
                let mut all: Vec<&'static str> =
                    Service::ALL.iter().flat_map(|s| s.regions()).collect();
                all.sort_unstable();
                all.dedup();
                return Err(ConfigError::UnknownRegion {
                    region: region.clone(),
                    known: all,
                }
                .into());
            }
        } else if self.endpoints.is_empty() {
            return Err(ConfigError::NoEndpoint.into());
        }

        let (provider, profile, own_iam_endpoint): (Arc<dyn ProvideCredentials>, _, _) =
            match (self.credentials.clone(), self.credentials_provider.clone()) {
                (Some(credentials), _) => (
                    Arc::new(StaticCredentials::new(credentials, "explicit")),
                    None,
                    None,
                ),
                (None, Some(provider)) => (provider, None, None),
                // A file chosen here counts even when the environment is ignored.
                (None, None) if self.ignore_environment && self.credentials_file.is_some() => {
                    let (found, profile) =
                        credentials::from_profile(self.credentials_file.as_deref())?;
                    let source = self
                        .credentials_file
                        .as_deref()
                        .map(|path| format!("profile {}", path.display()))
                        .unwrap_or_default();
                    let own = profile.as_ref().and_then(|p| p.iam_endpoint.clone());
                    (
                        Arc::new(StaticCredentials::new(found, source)),
                        profile,
                        own,
                    )
                }
                (None, None) if self.ignore_environment => {
                    return Err(ConfigError::NoCredentials {
                        looked_at: "none were given, and the environment is ignored".into(),
                    }
                    .into());
                }
                (None, None) => {
                    let path = self
                        .credentials_file
                        .clone()
                        .or_else(credentials::default_profile_path);
                    let given = self.iam_endpoint.clone();
                    let region = self.region.clone();
                    let allow_insecure_http = self.allow_insecure_http;
                    let found = crate::chain::default_chain(path.as_deref(), |own| {
                        let url = crate::iam::iam_endpoint(
                            given.as_deref().or(own),
                            region.as_deref(),
                            true,
                        );
                        region::check_endpoint(&url, allow_insecure_http)
                    })?;
                    (found.provider, found.profile, found.iam_endpoint)
                }
            };
        let credentials = Arc::new(CredentialsCache::new(provider));
        let project_id = self
            .project_id
            .clone()
            .or_else(|| {
                (!self.ignore_environment)
                    .then(|| std::env::var(credentials::ENV_PROJECT_ID).ok())
                    .flatten()
                    .filter(|p| !p.is_empty())
            })
            .or_else(|| profile.as_ref().and_then(|p| p.project_id.clone()));

        let mut endpoints = BTreeMap::new();
        for service in Service::ALL {
            let urls = match (self.endpoints.get(&service), &self.region) {
                (Some(urls), _) => Some(urls.clone()),
                (None, Some(region)) => region::lookup(service, region, &overrides)?,
                (None, None) => None,
            };
            let set = match urls {
                Some(urls) => {
                    let checked = urls
                        .iter()
                        .map(|url| region::check_endpoint(url, self.allow_insecure_http))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(Arc::new(EndpointSet::new(checked)?))
                }
                // Not a configuration mistake: the region does not offer the service.
                None => Err(Unavailable {
                    service,
                    region: self.region.clone(),
                }),
            };
            endpoints.insert(service, set);
        }

        let mut http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            // Credentials must never reach another host, so redirects are never followed.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(
                self.user_agent
                    .clone()
                    .unwrap_or_else(|| format!("hwc/{}", env!("CARGO_PKG_VERSION"))),
            );
        if let Some(proxy) = &self.proxy {
            // reqwest's own message may repeat the URL, which may carry a password: neither
            // is shown.
            let shown = region::redact_userinfo(proxy);
            let proxy =
                reqwest::Proxy::all(proxy).map_err(|_| ConfigError::Proxy { proxy: shown })?;
            http = http.proxy(proxy);
        }
        for pem in &self.root_certificates {
            let certificate = reqwest::Certificate::from_pem(pem)
                .map_err(|source| ConfigError::Certificate { source })?;
            http = http.add_root_certificate(certificate);
        }
        let http = http
            .build()
            .map_err(|source| ConfigError::HttpClient { source })?;

        let clock = Arc::new(Clock::default());
        let lookup = match (&project_id, &self.region) {
            (None, Some(region)) => {
                // The credentials' own IAM endpoint (a profile's) only with the profile's
                // credentials, as the official SDKs do.
                let given = self.iam_endpoint.clone().or(own_iam_endpoint);
                let url = crate::iam::iam_endpoint(
                    given.as_deref(),
                    Some(region),
                    !self.ignore_environment,
                );
                Some(crate::iam::ProjectLookup {
                    region: region.clone(),
                    iam_endpoint: url,
                    allow_insecure_http: self.allow_insecure_http,
                    http: http.clone(),
                    credentials: Arc::clone(&credentials),
                    clock: Arc::clone(&clock),
                })
            }
            _ => None,
        };
        let project = Arc::new(crate::iam::ProjectSlot {
            configured: project_id,
            found: tokio::sync::OnceCell::new(),
            lookup,
            failed: std::sync::Mutex::new(None),
        });
        let adaptive = self.adaptive_flow_control.unwrap_or(true);
        let flow: BTreeMap<Service, Arc<crate::flow_control::FlowControl>> = Service::ALL
            .iter()
            .map(|&service| {
                let flow = crate::flow_control::FlowControl::new(adaptive);
                (service, Arc::new(flow))
            })
            .collect();
        let flow_of = |service: Service| {
            flow.get(&service)
                .cloned()
                .unwrap_or_else(|| Arc::new(crate::flow_control::FlowControl::new(adaptive)))
        };
        let spellings = Arc::new(crate::spelling::Spellings::default());
        let transport = |endpoints: Arc<EndpointSet>,
                         flow: Arc<crate::flow_control::FlowControl>|
         -> hwc_api::SharedTransport {
            Arc::new(HwcTransport {
                endpoints,
                credentials: Arc::clone(&credentials),
                project: Arc::clone(&project),
                clock: Arc::clone(&clock),
                retry: self.retry.unwrap_or_default(),
                attempt_timeout: self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
                operation_timeout: self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT),
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                flow,
                spellings: Arc::clone(&spellings),
            })
        };
        let endpoint_of = |service: Service| {
            endpoints.get(&service).cloned().unwrap_or(Err(Unavailable {
                service,
                region: None,
            }))
        };
        // The generated clients are built for the first endpoint; the transport aims each
        // attempt at the one in use.
        let hss = endpoint_of(Service::Hss).map(|set| {
            let first = set.text(0).to_owned();
            hwc_api::hss::Client::new_with_client(
                &first,
                http.clone(),
                transport(set, flow_of(Service::Hss)),
            )
        });
        let codearts_check = endpoint_of(Service::CodeArtsCheck).map(|set| {
            let first = set.text(0).to_owned();
            hwc_api::codearts_check::Client::new_with_client(
                &first,
                http.clone(),
                transport(set, flow_of(Service::CodeArtsCheck)),
            )
        });
        Ok(Client {
            inner: Arc::new(Inner {
                hss,
                codearts_check,
                project,
                operation_timeout: self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT),
                page_concurrency: self.page_concurrency,
                flow,
                clock,
                endpoints,
                credentials,
            }),
        })
    }
}
