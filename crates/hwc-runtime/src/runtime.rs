//! What every call of one client shares: credentials, project, clock, each API's flow control,
//! the spellings learned, and the call settings. The facade's `Client` holds one; its generated
//! builders hand it to [`crate::plumbing::support`].

use std::sync::Arc;
use std::time::Instant;

use hwc_api::descriptor::Operation;

use crate::clock::Clock;
use crate::endpoints::EndpointSet;
use crate::flow_control::{FlowControl, FlowControls};
use crate::project::ProjectSlot;
use crate::provider::CredentialsCache;
use crate::settings::{CallSettings, DEFAULT_PAGE_CONCURRENCY};
use crate::spelling::Spellings;
use crate::transport::HwcTransport;

/// The shared state of one client and its clones.
#[derive(Debug)]
pub struct Runtime {
    settings: CallSettings,
    credentials: Arc<CredentialsCache>,
    project: Arc<ProjectSlot>,
    clock: Arc<Clock>,
    flow: Arc<FlowControls>,
    spellings: Arc<Spellings>,
}

impl Runtime {
    /// The state of a new client: one flow control per API (operation) of
    /// [`hwc_api::Service::ALL`].
    pub fn new(
        settings: CallSettings,
        credentials: Arc<CredentialsCache>,
        project: ProjectSlot,
        clock: Arc<Clock>,
    ) -> Self {
        let flow = Arc::new(FlowControls::new(
            settings.adaptive_flow_control,
            settings.api_rate_limit,
        ));
        Self {
            settings,
            credentials,
            project: Arc::new(project),
            clock,
            flow,
            spellings: Arc::default(),
        }
    }

    /// The transport `service`'s generated client sends through, aimed at `endpoints`, signing
    /// with the client's algorithm (V11 scoped to `service`'s name in the official SDKs, lower
    /// case: `hss`, `codeartscheck`).
    pub fn transport(
        &self,
        endpoints: Arc<EndpointSet>,
        service: hwc_api::Service,
    ) -> hwc_api::SharedTransport {
        let flow = Arc::clone(&self.flow);
        Arc::new(HwcTransport {
            endpoints,
            credentials: Arc::clone(&self.credentials),
            project: Arc::clone(&self.project),
            clock: Arc::clone(&self.clock),
            retry: self.settings.retry,
            attempt_timeout: self.settings.attempt_timeout,
            operation_timeout: self.settings.operation_timeout,
            max_response_bytes: self.settings.max_response_bytes,
            connect_timeout: self.settings.connect_timeout,
            flow,
            spellings: Arc::clone(&self.spellings),
            dry_run: self.settings.dry_run,
            signing: crate::signing::Scheme {
                algorithm: self.settings.signing_algorithm,
                region: self.settings.region.clone(),
                service: service.descriptor().sdk_name.to_ascii_lowercase(),
            },
            interceptors: self.settings.interceptors.clone(),
            connector: self.settings.connector.clone(),
        })
    }

    /// The call settings.
    pub fn settings(&self) -> &CallSettings {
        &self.settings
    }

    /// The credentials every call signs with.
    pub fn credentials(&self) -> &CredentialsCache {
        &self.credentials
    }

    /// The IAM project.
    pub fn project(&self) -> &ProjectSlot {
        &self.project
    }

    /// The clock's skew estimate.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Pages a paginator of `operation` keeps in flight now: fixed by the settings, or the
    /// API's rate times its latency.
    pub fn pages_in_flight(&self, operation: &Operation) -> usize {
        if let Some(fixed) = self.settings.page_concurrency {
            return fixed;
        }
        self.flow_of(operation)
            .pages_in_flight(DEFAULT_PAGE_CONCURRENCY)
    }

    /// When the next page of `operation` may start, when its API's rate must be kept by
    /// spacing pages (none with a fixed page concurrency): one schedule shared by every pager of
    /// the API, so that many pagers at once keep the pace of one.
    pub fn page_start(&self, operation: &Operation) -> Option<Instant> {
        if self.settings.page_concurrency.is_some() {
            return None;
        }
        self.flow_of(operation)
            .reserve_page_start(DEFAULT_PAGE_CONCURRENCY)
    }

    /// The requests client-side flow control allows `operation` (its API) now, once the
    /// gateway has throttled it or its rate was given (`None` before, or when it is off).
    pub fn flow_rate(&self, operation: &Operation) -> Option<f64> {
        self.flow_of(operation).rate()
    }

    /// The flow control of the API `operation` is.
    fn flow_of(&self, operation: &Operation) -> &FlowControl {
        self.flow.of(operation.id)
    }
}
