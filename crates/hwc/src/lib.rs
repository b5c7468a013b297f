//! A Rust client for two Huawei Cloud security APIs: the handling history of HSS image
//! vulnerabilities and the scan history of CodeArts Check tasks.
//!
//! It wraps the generated `hwc-api` clients and adds what users of the official Python and Go
//! SDKs write by hand: AK/SK signing ([`Signer`], byte-for-byte the official algorithm),
//! configuration compatible with those SDKs, validation against the spec before sending,
//! retries with backoff, clock-skew correction, paging as [`futures::Stream`]s, and one typed
//! [`Error`] carrying the HTTP status, error code and request id.
//!
//! ```no_run
//! # async fn run() -> Result<(), hwc::Error> {
//! use futures::TryStreamExt;
//! use hwc::hss::{ImageType, VulStatus};
//!
//! // Credentials from the official SDKs' chain (environment, ~/.huaweicloud/credentials, the
//! // ECS metadata service); the project from HUAWEICLOUD_SDK_PROJECT_ID or looked up in IAM.
//! let client = hwc::Client::builder().region("cn-north-4").build()?;
//!
//! // One page of HSS handling records.
//! let page = client
//!     .hss()
//!     .image_vul_handle_history("CVE-2021-44228", ImageType::Registry)
//!     .status(VulStatus::VulStatusIgnored)
//!     .limit(200)
//!     .send()
//!     .await?;
//! println!("{} of {:?}", page.items.len(), page.total);
//!
//! // Every scan of a CodeArts Check task, pages fetched concurrently and yielded in order.
//! let scans: Vec<_> = client
//!     .codearts_check()
//!     .check_records("0123456789abcdef0123456789abcdef", "my-task")
//!     .into_paginator()
//!     .items()
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! - Configuration: [`ClientBuilder`] (region or endpoints, credentials, project, timeouts,
//!   retries, proxy, CA certificates, user agent).
//! - Operations: one module per service ([`hss`], [`codearts_check`]), generated from its
//!   spec, with the service's models.
//! - Paging: [`Paginator`], driven by each operation's `x-hwc-paging` in the spec.
//! - Lower level: [`signing`] (sign any `reqwest::Request`), [`canonical`], [`validate`].
//! - Layers: [`hwc_runtime`] sends calls, [`hwc_config`] finds settings; this crate wires them
//!   together (see `ARCHITECTURE.md`).

#![forbid(unsafe_code)]
// docs.rs (nightly) marks each item that needs a feature with it.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(unreachable_pub, missing_docs)]

mod client;
#[rustfmt::skip]
mod generated;
mod models;
mod operations;
#[cfg(feature = "test-util")]
pub mod test_util;

pub use client::{Client, ClientBuilder};
pub use generated::*;
pub use operations::{CallFromParameters, Entry, FromParameters, JsonCall, JsonPages};

pub use hwc_config::ENV_SIGNING_ALGORITHM;
pub use hwc_config::{
    DEFAULT_METADATA_ENDPOINT, ENV_METADATA_ENDPOINT, EcsMetadata, FederatedIdentity,
    GLOBAL_IAM_ENDPOINT, Profile, Sources,
};
pub use hwc_runtime::signing::Signer;
pub use hwc_runtime::signing::SigningAlgorithm;
pub use hwc_runtime::{
    ATTEMPT_TARGET, AfterAttempt, AfterCall, ApiError, BeforeSigning, CallOptions, ConfigError,
    Credentials, CredentialsCache, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_OPERATION_TIMEOUT, DEFAULT_PAGE_CONCURRENCY, Error, Hint,
    OffsetLayout, Page, PagedRequest, Paginator, PagingProblem, ProvideCredentials, ProvideFuture,
    ProvidedCredentials, REFRESH_BEFORE_EXPIRY, RetryPolicy, SecretString, Service,
    StaticCredentials, TimeOrder, signing, validate,
};
#[cfg(feature = "test-util")]
pub use hwc_runtime::{Connector, ConnectorError, ConnectorFuture, ConnectorRequest};
pub use hwc_runtime::{Interceptor, TraceParent};
pub use hwc_signing::canonical;

/// Every operation of every service, for tools that call them by name with parameters as
/// text (the CLI builds a command for each).
pub fn operations() -> impl Iterator<Item = &'static Entry> {
    generated::operations()
}

/// What the specs say, as data (operations, parameters, constraints, paging), for tools that
/// build on the same source of truth, such as a command line.
pub use hwc_api::descriptor;

/// The configuration layer whole, for tools that resolve settings without a client. Plumbing:
/// its API has reqwest types (see the README's "Stability").
pub use hwc_config;
/// The runtime whole, for tools that sign, send or page on their own. Plumbing, as
/// [`hwc_config`] is.
pub use hwc_runtime;
