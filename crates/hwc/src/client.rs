//! `Client` and `ClientBuilder`: the settings a user gives, completed by `hwc-config`, wired
//! into `hwc-runtime` and the generated clients of every service.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use hwc_api::ServiceClients;
pub(crate) use hwc_config::Unavailable;
use hwc_config::{ProjectLookup, Sources, Wanted};
use hwc_runtime::plumbing::{Clock, EndpointSet, ProjectSlot, Runtime};
use hwc_runtime::signing::SigningAlgorithm;
use hwc_runtime::{
    CallSettings, ConfigError, Credentials, CredentialsCache, DEFAULT_ATTEMPT_TIMEOUT,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_OPERATION_TIMEOUT, Error,
    ProvideCredentials, RetryPolicy, Service,
};

/// A client of every service. Cheap to clone: clones share one connection pool, one clock,
/// one credentials cache and each API's flow control.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// What every call of this client does differently from the settings it was built with
    /// ([`Client::with_config`]).
    defaults: Option<Arc<hwc_runtime::CallOptions>>,
}

struct Inner {
    runtime: Runtime,
    services: ServiceClients<Unavailable>,
    endpoints: BTreeMap<Service, Result<Arc<EndpointSet>, Unavailable>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoints", &self.inner.endpoints)
            .field("project_id", &self.project_id())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client whose calls take other timeouts, retry policy or headers (`change` gets this
    /// client's and returns the new ones), sharing everything else with this one: the
    /// connection pool, the credentials cache, the clock, the project and flow control, so two
    /// clients together keep one API's rate as one would. A call's `.customize()` starts from
    /// these.
    pub fn with_config(
        &self,
        change: impl FnOnce(hwc_runtime::CallOptions) -> hwc_runtime::CallOptions,
    ) -> Client {
        let current = self.defaults.as_deref().cloned().unwrap_or_default();
        Client {
            inner: Arc::clone(&self.inner),
            defaults: Some(Arc::new(change(current))),
        }
    }

    /// The options every call of this client starts from (plumbing for generated builders).
    #[doc(hidden)]
    pub fn call_defaults(&self) -> Option<Arc<hwc_runtime::CallOptions>> {
        self.defaults.clone()
    }

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
        self.inner.runtime.credentials()
    }

    /// The IAM project HSS calls use, if known (configured, or found in IAM by an earlier call).
    pub fn project_id(&self) -> Option<&str> {
        self.inner.runtime.project().get()
    }

    /// The IAM project, looked up in IAM (`GET /v3/projects?name=<region>`, once per AK and
    /// region for the process) when none is configured and the client has a region.
    pub async fn resolve_project_id(&self) -> Result<&str, Error> {
        self.inner.runtime.project().resolve().await
    }

    /// How the project is known: `configured` or `looked up in IAM`; `None` before a lookup.
    pub fn project_id_source(&self) -> Option<&'static str> {
        self.inner.runtime.project().source()
    }

    /// The requests a second client-side flow control allows `operation` (the gateway's flow
    /// control is per API, that is per operation) now, once the gateway has throttled it or
    /// its rate was given with [`ClientBuilder::api_rate_limit`] (`None` before, or when off).
    pub fn flow_rate(&self, operation: &'static crate::descriptor::Operation) -> Option<f64> {
        self.inner.runtime.flow_rate(operation)
    }

    /// How far the server's clock is from ours, as learned from expired-signature answers.
    pub fn clock_offset(&self) -> jiff::SignedDuration {
        self.inner.runtime.clock().offset()
    }

    /// The shared state the generated builders send through.
    pub(crate) fn runtime(&self) -> &Runtime {
        &self.inner.runtime
    }

    /// The generated client of each service.
    pub(crate) fn services(&self) -> &ServiceClients<Unavailable> {
        &self.inner.services
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
    api_rate_limit: Option<f64>,
    dry_run: bool,
    signing_algorithm: Option<SigningAlgorithm>,
    interceptors: Vec<Arc<dyn hwc_runtime::Interceptor>>,
    max_response_bytes: Option<usize>,
    ignore_environment: bool,
    connector: Option<Arc<dyn hwc_runtime::Connector>>,
    configure_http: Option<Box<ConfigureHttp>>,
}

/// A user's settings of the HTTP client ([`ClientBuilder::configure_http`]).
type ConfigureHttp = dyn FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync;

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

    /// Uses `url` (or a comma-separated list) for every service.
    pub fn endpoint_for_all(self, url: impl AsRef<str>) -> Self {
        let url = url.as_ref();
        Service::ALL
            .into_iter()
            .fold(self, |builder, service| builder.endpoint(service, url))
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

    /// The algorithm AK/SK requests are signed with, as the official SDKs'
    /// `HttpConfig.signing_algorithm` chooses it (default `SDK-HMAC-SHA256`, or
    /// `HUAWEICLOUD_SDK_SIGNING_ALGORITHM`): [`SigningAlgorithm::HmacSm3`] and
    /// [`SigningAlgorithm::Sm2Sm3`] for GM/T (Chinese commercial cryptography) rules,
    /// [`SigningAlgorithm::EcdsaP256Sha256`], or [`SigningAlgorithm::V11HmacSha256`] (a key
    /// scoped to the date, the region, which it needs, and the service). Every source of
    /// credentials signs with it, and so does the IAM project lookup.
    pub fn signing_algorithm(mut self, algorithm: SigningAlgorithm) -> Self {
        self.signing_algorithm = Some(algorithm);
        self
    }

    /// Runs `interceptor` in every call of the client (in the order added, before a call's
    /// own): before each attempt is signed (it may add headers, signed with the request), after
    /// each attempt, after the call. [`hwc_runtime::TraceParent`] sends a W3C `traceparent`.
    pub fn interceptor(mut self, interceptor: Arc<dyn hwc_runtime::Interceptor>) -> Self {
        self.interceptors.push(interceptor);
        self
    }

    /// A dry run (default off): every call is checked against the spec and aimed at its
    /// endpoint as usual, then ends with [`Error::DryRun`] describing the request, secrets
    /// redacted, instead of sending it. No credentials are fetched or used (configured ones are
    /// still checked when the client is built), so it works before any exist; without a
    /// configured IAM project, paths show `IAM_PROJECT_ID` where it goes.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// The requests a second the gateway allows each API, when you know it (a quota other than
    /// the documented 200 a second): every call and pager of an API, clones of the client
    /// included, keep just under it from the first request instead of learning it from the
    /// gateway's first throttle.
    pub fn api_rate_limit(mut self, per_second: f64) -> Self {
        self.api_rate_limit = Some(per_second);
        self
    }

    /// The largest answer body read (default 32 MiB): a larger one ends the attempt with
    /// [`Error::ResponseTooLarge`], so a broken or hostile server cannot exhaust memory.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Sends every attempt to `connector` instead of the network (feature `test-util`): each
    /// arrives validated, aimed and signed as it would be sent, and its answer is retried,
    /// decoded and paged as the service's would be. [`crate::test_util::ReplayTransport`] is one.
    #[cfg(feature = "test-util")]
    pub fn connector(mut self, connector: Arc<dyn hwc_runtime::Connector>) -> Self {
        self.connector = Some(connector);
        self
    }

    /// Settings of the HTTP client that hwc does not name (HTTP/2 keep-alive, a local address,
    /// a DNS resolver, TCP keep-alive...): `configure` gets reqwest's builder, with hwc's
    /// defaults applied, and returns it. hwc then applies, over whatever it set, what it must
    /// keep: redirects are never followed (credentials must not reach another host), its
    /// connect timeout, certificate and host name verification, its extra root certificates
    /// and its proxy. Attempt and operation timeouts are hwc's own, outside the HTTP client.
    ///
    /// Two settings are the caller's responsibility: a preconfigured TLS setup
    /// (`use_preconfigured_tls`, `tls_backend_preconfigured`) replaces hwc's, its verification
    /// included; and `default_headers` are added after signing, so they go out unsigned and
    /// are not checked against the headers the client writes (use `.customize(|o| o.header(..))`
    /// or an interceptor for headers that should be signed).
    ///
    /// This is the one place reqwest's types are part of hwc's interface; they follow
    /// reqwest's versions (see the README's "Stability").
    pub fn configure_http(
        mut self,
        configure: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure_http = Some(Box::new(configure));
        self
    }

    /// Reads nothing from the environment or `~/.huaweicloud`: only what is set here counts.
    pub fn ignore_environment(mut self) -> Self {
        self.ignore_environment = true;
        self
    }

    /// Checks the whole configuration and builds the client: credentials, region, endpoints,
    /// files, proxy and certificates are all reported here, as [`ConfigError`]s. What is left
    /// for a call to report depends on the call: a service the region does not offer, an HSS
    /// call without an IAM project.
    ///
    /// The credentials file is read at most once, and not at all when credentials are given.
    pub fn build(self) -> Result<Client, Error> {
        let sources = if self.ignore_environment {
            Sources::real().without_environment()
        } else {
            Sources::real()
        };
        self.build_from(&sources)
    }

    /// [`build`](Self::build), reading the environment and files of `sources`.
    pub fn build_from(mut self, sources: &Sources) -> Result<Client, Error> {
        // Before any HTTP client is made, the configuration's own (IAM, metadata) included.
        hwc_config::tls::install_provider();
        let wanted = Wanted {
            region: self.region.clone(),
            endpoints: self.endpoints.clone(),
            credentials: self.credentials.clone(),
            credentials_provider: self.credentials_provider.clone(),
            project_id: self.project_id.clone(),
            credentials_file: self.credentials_file.clone(),
            iam_endpoint: self.iam_endpoint.clone(),
            allow_insecure_http: self.allow_insecure_http,
            ignore_environment: self.ignore_environment,
            signing_algorithm: self.signing_algorithm,
        };
        let resolved = hwc_config::resolve(&wanted, sources)?;
        let configure_http = self.configure_http.take();
        let http = self.http_client(configure_http)?;
        let credentials = Arc::new(CredentialsCache::new(resolved.provider));
        let clock = Arc::new(Clock::default());
        let lookup = resolved.project_lookup.map(|plan| {
            Box::new(ProjectLookup {
                region: plan.region,
                iam_endpoint: plan.iam_endpoint,
                allow_insecure_http: self.allow_insecure_http,
                http: http.clone(),
                credentials: Arc::clone(&credentials),
                clock: Arc::clone(&clock),
                signing_algorithm: resolved.signing_algorithm,
            }) as Box<dyn hwc_runtime::plumbing::LookupProject>
        });
        let mut settings = CallSettings::default();
        settings.retry = self.retry.unwrap_or_default();
        settings.attempt_timeout = self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT);
        settings.operation_timeout = self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT);
        settings.connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        settings.max_response_bytes = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        settings.page_concurrency = self.page_concurrency;
        settings.adaptive_flow_control = self.adaptive_flow_control.unwrap_or(true);
        if let Some(rate) = self.api_rate_limit
            && !(rate.is_finite() && rate >= 1.0)
        {
            return Err(Error::InvalidInput {
                parameter: "api_rate_limit".to_owned(),
                value: rate.to_string(),
                allowed: "requests a second, at least 1".to_owned(),
            });
        }
        settings.api_rate_limit = self.api_rate_limit;
        settings.dry_run = self.dry_run;
        settings.signing_algorithm = resolved.signing_algorithm;
        settings.interceptors = self.interceptors.clone();
        settings.region = self.region.clone();
        settings.connector = self.connector.clone();
        let project = ProjectSlot::new(resolved.project_id, lookup);
        let runtime = Runtime::new(settings, credentials, project, clock);

        let mut endpoints = BTreeMap::new();
        for (service, urls) in resolved.endpoints {
            let set = match urls {
                Ok(urls) => Ok(Arc::new(EndpointSet::new(urls)?)),
                Err(unavailable) => Err(unavailable),
            };
            endpoints.insert(service, set);
        }
        // The generated clients are built for the first endpoint; the transport aims each
        // attempt at the one in use.
        let services = ServiceClients::new(|service| {
            let set = endpoints
                .get(&service)
                .cloned()
                .unwrap_or(Err(Unavailable {
                    service,
                    region: None,
                }))?;
            let first = set.text(0).to_owned();
            Ok((first, http.clone(), runtime.transport(set, service)))
        });
        Ok(Client {
            inner: Arc::new(Inner {
                runtime,
                services,
                endpoints,
            }),
            defaults: None,
        })
    }

    /// The HTTP client every call of the client shares: hwc's defaults, then the user's
    /// settings, then what hwc must keep whatever they say.
    fn http_client(&self, configure: Option<Box<ConfigureHttp>>) -> Result<reqwest::Client, Error> {
        hwc_config::tls::install_provider();
        let mut http = reqwest::Client::builder()
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .user_agent(
                self.user_agent
                    .clone()
                    .unwrap_or_else(|| format!("hwc/{}", env!("CARGO_PKG_VERSION"))),
            );
        if let Some(configure) = configure {
            http = configure(http);
        }
        http = http
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            // Credentials must never reach another host, so redirects are never followed.
            .redirect(reqwest::redirect::Policy::none());
        #[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
        {
            http = http
                .tls_danger_accept_invalid_certs(false)
                .tls_danger_accept_invalid_hostnames(false);
        }
        if let Some(proxy) = &self.proxy {
            // reqwest's own message may repeat the URL, which may carry a password: neither
            // is shown.
            let shown = hwc_config::urls::redact_userinfo(proxy);
            let proxy =
                reqwest::Proxy::all(proxy).map_err(|_| ConfigError::Proxy { proxy: shown })?;
            http = http.proxy(proxy);
        }
        #[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
        for pem in &self.root_certificates {
            let certificate =
                reqwest::Certificate::from_pem(pem).map_err(|source| ConfigError::Certificate {
                    source: Box::new(source),
                })?;
            http = http.add_root_certificate(certificate);
        }
        #[cfg(not(any(feature = "rustls-aws-lc", feature = "rustls-ring")))]
        if !self.root_certificates.is_empty() {
            return Err(ConfigError::NoTls {
                setting: "add_root_certificate_pem",
            }
            .into());
        }
        Ok(http.build().map_err(|source| ConfigError::HttpClient {
            source: Box::new(source),
        })?)
    }
}
