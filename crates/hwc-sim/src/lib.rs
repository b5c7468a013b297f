//! A local simulator of Huawei Cloud HSS (`ListGeneralImageVulOperations`) and CodeArts Check
//! (`CheckRecord`) behind their API gateway, so clients can be tried and tested without an
//! account.
//!
//! It serves both operations as `spec/` describes them (constraints, filters, offset paging)
//! from a seeded data set, authenticates like the gateway (IAM token or `SDK-HMAC-SHA256`
//! AK/SK), and injects faults on demand.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use hwc_sim::{Api, Fault, Simulator};
//!
//! let sim = Simulator::builder().records(10_000).seed(7).start().await?;
//! println!("listening on {}", sim.base_url());
//! sim.script(Api::Hss, [Fault::ServerError(503)]); // the next HSS request fails once
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(unreachable_pub, missing_docs)]

pub mod data;
mod gateway;
mod routes;
mod server;
mod services;
mod simulator;
mod state;

pub use data::codearts::{ALIKE_SCANS, ALIKE_TASK, CLEAN_TASK, DEMO_PROJECT, DEMO_TASK};
pub use data::hss::DEMO_VUL_ID;
pub use gateway::GatewayError;
pub use gateway::auth::{AccessKey, Authenticator, Lockout, MAX_CLOCK_SKEW};
pub use gateway::faults::Fault;
pub use gateway::flow::{Latency, RateLimit};
/// Which simulated service a request is for: every service of `spec/`.
pub use hwc_api::Service as Api;
pub use routes::STATS_PATH;
pub use services::iam::{ID_TOKEN_PATH, PROJECTS_PATH, SECURITY_TOKENS_PATH};
pub use services::metadata::{SECURITY_KEY_PATH, TOKEN_PATH};
pub use services::{CodeArtsPaging, LocalImageValue, Order, ScanOutcome, VerdictSpelling};
pub use simulator::{
    Credentials, DEFAULT_RECORDS, DEMO_AK, DEMO_SK, DEMO_TOKEN, Simulator, SimulatorBuilder,
};
pub use state::{IamService, MetadataService, RECEIVED_KEPT, ReceivedRequest};
