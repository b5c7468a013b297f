//! The IAM project of a client: configured, or found the first time a call needs it by a
//! [`LookupProject`] (the configuration crate's asks IAM), once however many calls need it at
//! the same moment. The runtime only holds it; where it comes from is configuration.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use crate::config_error::ConfigError;
use crate::error::Error;

/// The future a [`LookupProject`] returns.
pub type LookupFuture<'a> = Pin<Box<dyn Future<Output = Result<String, Error>> + Send + 'a>>;

/// Finds the project of a client that was not given one.
pub trait LookupProject: Send + Sync + std::fmt::Debug {
    /// The one project id, or why there is none.
    fn find(&self) -> LookupFuture<'_>;
}

/// The IAM project: configured, or looked up (once) when a call needs it.
#[derive(Debug, Default)]
pub struct ProjectSlot {
    configured: Option<String>,
    found: tokio::sync::OnceCell<String>,
    lookup: Option<Box<dyn LookupProject>>,
    /// The last failed lookup and when: calls waiting for it get its error rather than each
    /// asking IAM again in turn (for a few seconds).
    failed: std::sync::Mutex<Option<(Instant, Error)>>,
}

/// How long a failed lookup is the answer before IAM is asked again.
const LOOKUP_FAILURE_MEMORY: Duration = Duration::from_secs(5);

/// The same lookup error again, for another caller.
fn replay(error: &Error) -> Error {
    match error {
        Error::Api(api) => Error::Api(api.clone()),
        Error::Config(ConfigError::ProjectLookup {
            region,
            iam_endpoint,
            problem,
        }) => ConfigError::ProjectLookup {
            region: region.clone(),
            iam_endpoint: iam_endpoint.clone(),
            problem: problem.clone(),
        }
        .into(),
        other => crate::provider::replay(other),
    }
}

impl ProjectSlot {
    /// A slot with the configured project, or none and the way to look it up (or neither).
    pub fn new(configured: Option<String>, lookup: Option<Box<dyn LookupProject>>) -> Self {
        Self {
            configured,
            lookup,
            ..Self::default()
        }
    }

    /// The project, if known yet.
    pub fn get(&self) -> Option<&str> {
        self.configured
            .as_deref()
            .or_else(|| self.found.get().map(String::as_str))
    }

    /// The project, looked up when not known yet and a lookup is possible.
    pub async fn resolve(&self) -> Result<&str, Error> {
        if let Some(known) = self.get() {
            return Ok(known);
        }
        let Some(lookup) = &self.lookup else {
            return Err(ConfigError::NoProjectId.into());
        };
        self.found
            .get_or_try_init(|| async {
                if let Ok(failed) = self.failed.lock()
                    && let Some((at, error)) = failed.as_ref()
                    && at.elapsed() < LOOKUP_FAILURE_MEMORY
                {
                    return Err(replay(error));
                }
                let outcome = lookup.find().await;
                if let (Err(error), Ok(mut failed)) = (&outcome, self.failed.lock()) {
                    *failed = Some((Instant::now(), replay(error)));
                }
                outcome
            })
            .await
            .map(String::as_str)
    }

    /// How the project is known: `configured`, `looked up in IAM`, or not yet.
    pub fn source(&self) -> Option<&'static str> {
        if self.configured.is_some() {
            Some("configured")
        } else if self.found.get().is_some() {
            Some("looked up in IAM")
        } else {
            None
        }
    }
}
