//! A Rust client for two Huawei Cloud security APIs: the handling history of HSS image
//! vulnerabilities and the scan history of CodeArts Check tasks.
//!
//! It wraps the generated `hwc-api` clients and adds what their users otherwise write by hand:
//! AK/SK signing, validation before sending, and typed errors.

#![forbid(unsafe_code)]

mod call;
pub mod canonical;
mod client;
pub mod codearts_check;
mod credentials;
mod error;
pub mod hss;
mod paginate;
mod region;
mod retry;
pub mod signing;
mod transport;
pub mod validate;

pub use client::{Client, ClientBuilder};
pub use credentials::{Credentials, Profile};
pub use error::{ApiError, Error, PagingProblem};
pub use paginate::{Page, PagedRequest, Paginator};
pub use region::Service;
pub use retry::RetryPolicy;
pub use signing::Signer;

/// Re-exported so that users name secrets with the same type the crate takes.
pub use secrecy::SecretString;
