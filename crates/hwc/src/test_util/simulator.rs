//! A client builder for a simulator: its endpoint and credentials, retries without waiting, no
//! client-side flow control, nothing read from the environment.

use std::time::Duration;

use crate::{ClientBuilder, Credentials, Error, RetryPolicy};

/// The project HSS calls of [`simulator_client`] name (simulators serve any).
pub const SIMULATOR_PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// The default retry policy without its waits: a test that scripts a failure sees the retry at
/// once.
pub fn no_backoff() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(Duration::ZERO)
        .with_max_delay(Duration::ZERO)
}

/// A client builder for the simulator at `base_url` (every service there), signing with
/// `access_key` and `secret_key`, retrying without backoff, flow control off, the environment
/// and `~/.huaweicloud` ignored, and the IAM project set. Anything can still be changed before
/// `build()`.
pub fn simulator_client(
    base_url: &str,
    access_key: &str,
    secret_key: &str,
) -> Result<ClientBuilder, Error> {
    Ok(ClientBuilder::default()
        .ignore_environment()
        .endpoint_for_all(base_url)
        .credentials(Credentials::access_key(access_key, secret_key)?)
        .project_id(SIMULATOR_PROJECT)
        .retry(no_backoff())
        .adaptive_flow_control(false))
}
