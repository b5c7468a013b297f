//! Huawei Cloud's AK/SK request signatures on their own, as `aws-sigv4` is beside the AWS SDK:
//! the canonical forms ([`canonical`]), the steps of `SDK-HMAC-SHA256`, every other algorithm
//! of the official SDKs as one type ([`algorithms`]), the `Authorization` header, and
//! verification of what a server receives. The `hwc` client signs
//! with it and the `hwc-sim` gateway verifies with it; the official Python signer stays the
//! independent oracle (signing vectors made by it, interop tests against it).
//!
//! With the `reqwest` feature, [`Signer`] signs a `reqwest::Request` in place.

#![forbid(unsafe_code)]
#![warn(unreachable_pub, missing_docs)]

mod algorithm;
pub mod algorithms;
pub mod canonical;
mod error;
#[cfg(feature = "reqwest")]
mod signer;
mod verify;

pub use algorithm::{
    ALGORITHM, Authorization, SDK_DATE, SECURITY_TOKEN, canonical_request, format_sdk_date,
    parse_sdk_date, payload_hash, signature, signed_header_names, string_to_sign,
};
pub use algorithms::{SigningAlgorithm, SigningKey};
pub use error::SigningError;
#[cfg(feature = "reqwest")]
pub use signer::{Scheme, Signer, check_signable, host_header};
pub use verify::{Received, verify};
