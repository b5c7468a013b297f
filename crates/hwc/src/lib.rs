//! A Rust client for two Huawei Cloud security APIs: the handling history of HSS image
//! vulnerabilities and the scan history of CodeArts Check tasks.
//!
//! It wraps the generated `hwc-api` clients and adds what their users otherwise write by hand:
//! AK/SK signing, validation before sending, and typed errors.

#![forbid(unsafe_code)]

pub mod canonical;
mod error;
pub mod signing;
pub mod validate;

pub use error::Error;
pub use signing::Signer;

/// Re-exported so that users name secrets with the same type the crate takes.
pub use secrecy::SecretString;
