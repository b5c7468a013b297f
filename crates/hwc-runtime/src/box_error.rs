//! [`BoxError`]: how errors of the libraries beneath the client (HTTP, TLS, a connector) are
//! carried as sources, so that their types are not part of this crate's interface.

/// The source of an error from a library beneath the client, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;
