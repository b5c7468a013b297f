//! Where a Huawei Cloud client's settings come from, as the official SDKs look for them: the
//! environment, the credentials profile, the region table of the specs and its overrides
//! (`HUAWEICLOUD_SDK_REGION_*`, `regions.yaml`), the default credentials chain and each of its
//! providers (environment, profile, ECS metadata, federated identity), IAM's endpoint and the
//! project lookup.
//!
//! Everything here reads through one [`Sources`] value (the environment and the file system),
//! so that a test can give data instead of the process's own. This crate sends no API call
//! itself: the runtime (`hwc-runtime`) does, and the `hwc` facade wires the two together.
//!
//! - [`resolve()`]: a builder's settings, completed and checked ([`Wanted`] to [`Resolved`]).
//! - [`providers`]: each place credentials come from, and [`default_chain`].
//! - [`regions`]: which URL serves a service in a region.
//! - [`iam`]: IAM's endpoint and the project lookup.
//! - [`urls`]: checking endpoint URLs and hiding their passwords.
//! - [`tls`]: the rustls provider hwc's TLS features chose, installed before an HTTP client.

#![forbid(unsafe_code)]
#![warn(unreachable_pub, missing_docs)]

pub mod iam;
pub mod providers;
pub mod regions;
mod resolve;
mod sources;
pub mod tls;
pub mod urls;

pub use iam::{GLOBAL_IAM_ENDPOINT, ProjectLookup};
pub use providers::chain::{Found, default_chain};
pub use providers::environment::*;
pub use providers::federation::FederatedIdentity;
pub use providers::metadata::{DEFAULT_METADATA_ENDPOINT, ENV_METADATA_ENDPOINT, EcsMetadata};
pub use providers::profile::{Profile, credentials_from_default_chain, default_profile_path};
pub use regions::ENV_REGIONS_FILE;
pub use resolve::{ENV_SIGNING_ALGORITHM, LookupPlan, Resolved, Unavailable, Wanted, resolve};
pub use sources::Sources;
