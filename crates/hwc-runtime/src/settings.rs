//! The limits a client's calls run under, and their defaults: public policy a user sets through
//! the facade's builder.

use std::time::Duration;

use crate::retry::RetryPolicy;

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

/// How every call of a client is bounded and retried.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CallSettings {
    /// When and how often to try again.
    pub retry: RetryPolicy,
    /// Limit of one attempt, body included.
    pub attempt_timeout: Duration,
    /// Limit of a whole call, retries included.
    pub operation_timeout: Duration,
    /// The HTTP client's connect timeout (named in timeout errors).
    pub connect_timeout: Duration,
    /// Largest answer body read.
    pub max_response_bytes: usize,
    /// Pages in flight, when fixed; otherwise from each API's flow control.
    pub page_concurrency: Option<usize>,
    /// Client-side flow control per API (the facade's `ClientBuilder::adaptive_flow_control`).
    pub adaptive_flow_control: bool,
    /// Requests a second the gateway allows each API, when the user knows it (a quota other
    /// than the documented 200): flow control paces under it from the first request.
    pub api_rate_limit: Option<f64>,
    /// Describe each request instead of sending it ([`crate::Error::DryRun`]).
    pub dry_run: bool,
    /// The algorithm AK/SK requests are signed with (the official SDKs' `signing_algorithm`).
    pub signing_algorithm: hwc_signing::SigningAlgorithm,
    /// The client's region, which `V11-HMAC-SHA256` scopes its key to.
    pub region: Option<String>,
    /// Interceptors of every call (`ClientBuilder::interceptor`).
    pub interceptors: Vec<std::sync::Arc<dyn crate::Interceptor>>,
    /// Where attempts go instead of the network (a test's canned answers); `None` sends them.
    pub connector: Option<std::sync::Arc<dyn crate::Connector>>,
}

impl Default for CallSettings {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            operation_timeout: DEFAULT_OPERATION_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            page_concurrency: None,
            adaptive_flow_control: true,
            api_rate_limit: None,
            dry_run: false,
            signing_algorithm: hwc_signing::SigningAlgorithm::HmacSha256,
            region: None,
            interceptors: Vec::new(),
            connector: None,
        }
    }
}
