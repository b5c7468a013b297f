//! `hwc::Error`, the one error type of the crate.

use thiserror::Error as ThisError;

/// Everything that can go wrong calling the APIs, in a form a person can read (`Display`) and a
/// program can match on. No variant ever carries a secret.
#[derive(Debug, ThisError)]
#[non_exhaustive]
pub enum Error {
    /// A parameter broke a constraint of the spec; nothing was sent.
    #[error("invalid {parameter} {value:?}: {allowed}")]
    InvalidInput {
        /// The parameter's name on the wire, such as `limit`.
        parameter: String,
        /// The value given, as it would have been sent.
        value: String,
        /// What the spec allows, such as `an integer from 10 to 200`.
        allowed: String,
    },

    /// The client could not be configured: credentials, region, endpoint, profile files.
    #[error("configuration error: {0}")]
    Config(String),

    /// A request could not be signed (a header that is not ASCII, a streaming body).
    #[error("cannot sign the request: {0}")]
    Signing(String),
}
