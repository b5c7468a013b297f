//! The client a command uses: the cloud (credentials from the official SDKs' environment, or an
//! IAM token from `HWC_IAM_TOKEN`), or a simulator started in-process with `--sim`.

use std::time::Duration;

use hwc::{Client, Credentials, RetryPolicy};
#[cfg(feature = "sim")]
use hwc_sim::Simulator;

use crate::exit::Failure;
use crate::global::Global;

/// Environment variable holding an IAM token (never a flag: flags show in `ps`).
pub const ENV_IAM_TOKEN: &str = "HWC_IAM_TOKEN";
/// HSS records of the simulator `--sim` and `hwc demo` start.
#[cfg(feature = "sim")]
pub const SIM_RECORDS: usize = 20_000;
/// IAM project id used against the simulator when none is given.
#[cfg(feature = "sim")]
pub const SIM_PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// A client, and the simulator it talks to when there is one (kept alive with it).
pub struct Session {
    pub client: Client,
    /// The region the endpoints are of, when `--region` gave one.
    pub region: Option<String>,
    #[cfg(feature = "sim")]
    pub simulator: Option<Simulator>,
}

impl Session {
    /// Connects as the global flags say.
    pub async fn open(global: &Global) -> Result<Self, Failure> {
        #[cfg(feature = "sim")]
        let simulator = if global.sim {
            Some(start_simulator().await?)
        } else {
            None
        };
        #[cfg(not(feature = "sim"))]
        let simulator: Option<std::convert::Infallible> = None;
        let mut builder = Client::builder();
        if let Some(sim) = &simulator {
            builder = simulated(builder, sim, global)?;
        } else {
            if let Some(token) = std::env::var(ENV_IAM_TOKEN).ok().filter(|t| !t.is_empty()) {
                builder = builder.credentials(Credentials::token(token)?);
            }
            if let Some(region) = &global.region {
                builder = builder.region(region);
            }
            if let Some(endpoint) = &global.endpoint {
                builder = builder.endpoint_for_all(endpoint);
            }
            if let Some(project) = &global.project_id {
                builder = builder.project_id(project);
            }
        }
        if let Some(seconds) = global.timeout {
            builder = builder.operation_timeout(Duration::from_secs(seconds.max(1)));
        }
        if let Some(retries) = global.retries {
            builder = builder.retry(if retries == 0 {
                RetryPolicy::disabled()
            } else {
                RetryPolicy::default().with_max_attempts(retries.saturating_add(1))
            });
        }
        if let Some(pages) = global.concurrency {
            builder = builder.page_concurrency(pages);
        }
        if let Some(rate) = global.api_rate_limit {
            builder = builder.api_rate_limit(f64::from(rate));
        }
        builder = builder.dry_run(global.dry_run);
        if let Some(algorithm) = global.signing_algorithm {
            builder = builder.signing_algorithm(algorithm);
        }
        let region = match &simulator {
            Some(_) => None,
            None => global.region.clone(),
        };
        Ok(Self {
            region,
            client: builder
                .user_agent(concat!("hwc-cli/", env!("CARGO_PKG_VERSION")))
                .build()?,
            #[cfg(feature = "sim")]
            simulator,
        })
    }
}

impl Session {
    /// The endpoint of `service` as an export's state remembers it: the URL, or the
    /// simulator (whose address changes from run to run).
    pub fn endpoint_label(&self, service: hwc::Service) -> Result<String, Failure> {
        #[cfg(feature = "sim")]
        if self.simulator.is_some() {
            return Ok("the simulator of --sim".to_owned());
        }
        Ok(self.client.endpoint(service)?.to_owned())
    }
}

/// A client of the in-process simulator: its keys, its project unless one is given.
#[cfg(feature = "sim")]
fn simulated(
    builder: hwc::ClientBuilder,
    sim: &Simulator,
    global: &Global,
) -> Result<hwc::ClientBuilder, Failure> {
    Ok(builder
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK)?)
        .project_id(
            global
                .project_id
                .clone()
                .unwrap_or_else(|| SIM_PROJECT.to_owned()),
        ))
}

#[cfg(not(feature = "sim"))]
fn simulated(
    _: hwc::ClientBuilder,
    never: &std::convert::Infallible,
    _: &Global,
) -> Result<hwc::ClientBuilder, Failure> {
    match *never {}
}

/// The simulator of `--sim` and `hwc demo`: fixed seed, so output is reproducible.
#[cfg(feature = "sim")]
pub async fn start_simulator() -> Result<Simulator, Failure> {
    Simulator::builder()
        .records(SIM_RECORDS)
        .seed(1)
        .start()
        .await
        .map_err(Failure::Simulator)
}
