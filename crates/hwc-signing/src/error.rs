//! [`SigningError`], what can keep a request from being signed.

use thiserror::Error;

/// Why a request cannot be signed. Never carries a secret: a key is named, not shown (the AK,
/// which is not secret, may be).
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningError {
    /// An AK, SK or security token Huawei Cloud could not have issued (empty, with spaces or
    /// characters outside printable ASCII): it could not go into a header.
    #[error("{0}")]
    Key(String),
    /// The request itself cannot be signed (a header that is not ASCII, a streaming body, a URL
    /// without a host).
    #[error("cannot sign the request: {0}")]
    Request(String),
}
