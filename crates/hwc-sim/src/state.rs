//! What the simulator's parts share, in one place: the data, the gateway's state (credentials,
//! faults, flow control, counters per service), the services' settings and what IAM and the
//! metadata service handed out.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hwc_api::Service;
use hwc_api::descriptor::Operation;
use jiff::{SignedDuration, Timestamp};

use crate::data::Dataset;
use crate::gateway::{Authenticator, FaultInjector, FlowControl, Latency};
use crate::services::{CodeArtsPaging, LocalImageValue, Order};

/// Everything the gateway and the services share.
pub(crate) struct Shared {
    pub data: Dataset,
    pub auth: Authenticator,
    pub faults: FaultInjector,
    /// Milliseconds added to the real clock to give the server's clock; tests move it.
    pub clock_offset_ms: std::sync::atomic::AtomicI64,
    /// Requests refused by authentication (any 401 of the gateway's checks).
    pub auth_rejections: AtomicU64,
    /// Added to every answer.
    pub latency: Latency,
    /// The gateway's flow control, when on.
    pub flow_control: Option<FlowControl>,
    /// Requests refused by flow control, per service.
    pub throttled: PerService<AtomicU64>,
    /// Requests that reached each operation, and those flow control refused.
    pub per_operation: PerOperation,
    /// The requests routed to each API, as received: the latest [`RECEIVED_KEPT`].
    pub received: PerService<std::sync::Mutex<std::collections::VecDeque<ReceivedRequest>>>,
    /// What CodeArts Check's `offset` counts.
    pub codearts_paging: CodeArtsPaging,
    /// Whether CodeArts Check's issue pages repeat some of their issues.
    pub defect_repeats: bool,
    /// How CodeArts Check spells its gate verdict.
    pub verdict_spelling: crate::services::VerdictSpelling,
    /// The CodeArts Check scans tests started.
    pub scans: crate::services::codearts_tasks::Scans,
    /// Which end of a result both APIs answer first.
    pub order: Order,
    /// Which spellings of local images HSS's `image_type` takes.
    pub local_image_value: LocalImageValue,
    /// Base URL the redirect fault sends clients to.
    pub redirect_target: String,
    /// Requests that reached each API (after routing, before faults and auth).
    pub served: PerService<AtomicU64>,
    /// HSS records handled since the data set was made (see `Simulator::add_hss_records`).
    pub added_hss: AtomicU64,
    /// The vulnerabilities (the last ones drawn) nobody has handled yet: no list has them and
    /// their histories are empty until `Simulator::reveal_vulnerabilities`.
    pub unseen_vulnerabilities: AtomicU64,
    /// Host records handled since the data set was made (see `Simulator::add_host_records`).
    pub added_host: AtomicU64,
    /// The ECS metadata service, when on.
    pub metadata: Option<MetadataState>,
    /// IAM (projects, federated identity), when on.
    pub iam: Option<IamState>,
}

impl Shared {
    /// The index of the first vulnerability not handled yet (all of them: none).
    pub(crate) fn first_unseen_vulnerability(&self) -> u32 {
        let drawn = self.data.hss.vul_ids().len() as u64;
        let unseen = self
            .unseen_vulnerabilities
            .load(Ordering::Relaxed)
            .min(drawn);
        (drawn - unseen) as u32
    }

    pub(crate) fn server_now(&self) -> Timestamp {
        let offset = SignedDuration::from_millis(self.clock_offset_ms.load(Ordering::Relaxed));
        Timestamp::now()
            .checked_add(offset)
            .unwrap_or_else(|_| Timestamp::now())
    }
}

/// One value per service of `spec/`, made for each when the simulator starts.
#[derive(Debug)]
pub(crate) struct PerService<T>(BTreeMap<Service, T>);

impl<T> PerService<T> {
    /// `make(service)` for every service.
    pub(crate) fn new(mut make: impl FnMut(Service) -> T) -> Self {
        Self(
            Service::ALL
                .into_iter()
                .map(|service| (service, make(service)))
                .collect(),
        )
    }

    /// The value of `service` (every service has one).
    pub(crate) fn of(&self, service: Service) -> Option<&T> {
        self.0.get(&service)
    }
}

impl PerService<AtomicU64> {
    /// Zero for every service.
    pub(crate) fn counters() -> Self {
        Self::new(|_| AtomicU64::new(0))
    }

    /// Adds one to `service`'s count.
    pub(crate) fn count(&self, service: Service) {
        if let Some(counter) = self.of(service) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `service`'s count so far.
    pub(crate) fn get(&self, service: Service) -> u64 {
        self.of(service)
            .map_or(0, |counter| counter.load(Ordering::Relaxed))
    }
}

/// Requests and throttles of each operation of `spec/`, by operation id.
#[derive(Debug)]
pub(crate) struct PerOperation(BTreeMap<&'static str, (AtomicU64, AtomicU64)>);

impl PerOperation {
    /// Zero for every operation of every service.
    pub(crate) fn counters() -> Self {
        Self(
            Service::ALL
                .into_iter()
                .flat_map(|service| service.descriptor().operations)
                .map(|operation| (operation.id, (AtomicU64::new(0), AtomicU64::new(0))))
                .collect(),
        )
    }

    /// Counts a request to `operation`, refused by flow control when `throttled`.
    pub(crate) fn count(&self, operation: &Operation, throttled: bool) {
        if let Some((requests, throttles)) = self.0.get(operation.id) {
            requests.fetch_add(1, Ordering::Relaxed);
            if throttled {
                throttles.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Requests to `operation` so far, and how many of them flow control refused.
    pub(crate) fn get(&self, operation: &Operation) -> (u64, u64) {
        self.0
            .get(operation.id)
            .map_or((0, 0), |(requests, throttles)| {
                (
                    requests.load(Ordering::Relaxed),
                    throttles.load(Ordering::Relaxed),
                )
            })
    }
}

/// How many requests of each API the simulator keeps for [`crate::Simulator::received`]; older
/// ones are dropped, so that long runs keep their memory.
pub const RECEIVED_KEPT: usize = 10_000;

/// A request as the simulator received it.
#[derive(Clone, Debug, Default)]
pub struct ReceivedRequest {
    /// The operation it was routed to (`CheckRecord`).
    pub operation: &'static str,
    /// Path parameters, percent-decoded, by name.
    pub path_parameters: std::collections::HashMap<String, String>,
    /// Headers in arrival order, names lower-case.
    pub headers: Vec<(String, String)>,
    /// Query parameters in arrival order, percent-decoded.
    pub query: Vec<(String, String)>,
}

impl ReceivedRequest {
    /// The first value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the simulated IAM knows.
#[derive(Clone, Debug, Default)]
pub struct IamService {
    /// Projects, as (id, name): a region's project is named after the region.
    pub projects: Vec<(String, String)>,
    /// The identity provider and the id token it accepts, for federated sign-in.
    pub identity_provider: Option<(String, String)>,
    /// How long the temporary credentials it issues live.
    pub credential_lifetime: Duration,
}

/// IAM's state: its settings and what it was asked.
#[derive(Debug, Default)]
pub(crate) struct IamState {
    pub settings: IamService,
    /// IAM tokens issued for id tokens.
    pub(crate) tokens: std::sync::Mutex<Vec<String>>,
    /// `GET /v3/projects` requests answered.
    pub project_lookups: AtomicU64,
    /// Credentials issued for IAM tokens.
    pub federated_issued: AtomicU64,
}

impl IamState {
    /// IAM with these settings.
    pub(crate) fn new(settings: IamService) -> Self {
        Self {
            settings,
            ..Self::default()
        }
    }
}

/// How the simulated metadata service behaves.
#[derive(Clone, Copy, Debug)]
pub struct MetadataService {
    /// Whether it issues session tokens (and requires one); without, `PUT` answers 404 as
    /// older services do.
    pub session_tokens: bool,
    /// How long the credentials it hands out live.
    pub credential_lifetime: Duration,
}

impl Default for MetadataService {
    fn default() -> Self {
        Self {
            session_tokens: true,
            credential_lifetime: Duration::from_secs(6 * 3_600),
        }
    }
}

/// The service's state: its settings and what it handed out.
#[derive(Debug, Default)]
pub(crate) struct MetadataState {
    pub settings: MetadataService,
    pub(crate) session_tokens: std::sync::Mutex<Vec<String>>,
    /// Credentials handed out.
    pub issued: AtomicU64,
    pub(crate) in_flight: AtomicU64,
    /// The most credential requests answered at the same time.
    pub most_at_once: AtomicU64,
}

impl MetadataState {
    /// A service with these settings.
    pub(crate) fn new(settings: MetadataService) -> Self {
        Self {
            settings,
            ..Self::default()
        }
    }
}
