//! [`CallOptions`]: the settings of one call that differ from its client's, as every
//! generated builder's `.customize()` takes them (and every page of its paginator), without a
//! second client: the connection pool, credentials, clock, project and flow control stay the
//! client's.

use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::retry::RetryPolicy;

/// Headers the client writes itself, which a call cannot set.
const RESERVED_HEADERS: [&str; 7] = [
    "authorization",
    "host",
    "x-sdk-date",
    "x-security-token",
    "x-auth-token",
    "x-project-id",
    "content-length",
];

/// What one call does differently from its client. Unset fields are the client's.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// The limit of the whole call, retries included.
    pub operation_timeout: Option<Duration>,
    /// The limit of each attempt.
    pub attempt_timeout: Option<Duration>,
    /// When and how often to try again.
    pub retry: Option<RetryPolicy>,
    /// Headers added to every attempt, signed with it (name, value).
    pub headers: Vec<(String, String)>,
    /// Interceptors of this call, after the client's.
    pub interceptors: Vec<std::sync::Arc<dyn crate::Interceptor>>,
}

impl CallOptions {
    /// The call may take this long in all.
    pub fn operation_timeout(mut self, limit: Duration) -> Self {
        self.operation_timeout = Some(limit);
        self
    }

    /// Each attempt may take this long.
    pub fn attempt_timeout(mut self, limit: Duration) -> Self {
        self.attempt_timeout = Some(limit);
        self
    }

    /// Retries as `policy` says (`RetryPolicy::disabled()` for none).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Adds header `name: value` to every attempt (checked before anything is sent: a name
    /// the client writes itself, such as `Authorization`, is refused).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Runs `interceptor` in this call, after the client's.
    pub fn interceptor(mut self, interceptor: std::sync::Arc<dyn crate::Interceptor>) -> Self {
        self.interceptors.push(interceptor);
        self
    }

    /// Whether nothing is changed from the client's settings.
    pub(crate) fn is_default(&self) -> bool {
        self.operation_timeout.is_none()
            && self.attempt_timeout.is_none()
            && self.retry.is_none()
            && self.headers.is_empty()
            && self.interceptors.is_empty()
    }

    /// Checks the headers: valid HTTP names and values, none the client writes itself.
    pub(crate) fn check(&self) -> Result<(), Error> {
        for (name, value) in &self.headers {
            let invalid = |allowed: &str| Error::InvalidInput {
                parameter: "header".to_owned(),
                value: name.clone(),
                allowed: allowed.to_owned(),
            };
            let parsed = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid("an HTTP header name"))?;
            if RESERVED_HEADERS.contains(&parsed.as_str()) {
                return Err(invalid(&format!(
                    "a header the client does not write itself (not {})",
                    RESERVED_HEADERS.join(", ")
                )));
            }
            reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| invalid("a header whose value is visible ASCII"))?;
        }
        Ok(())
    }
}

tokio::task_local! {
    /// The options of the call running on this task, when it has any.
    pub(crate) static OPTIONS: Arc<CallOptions>;
}
