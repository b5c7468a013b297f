//! Where credentials come from, and keeping them fresh: [`ProvideCredentials`] (like
//! aws-config's trait of the same name) and [`CredentialsCache`], which every request of a client
//! shares. Temporary credentials are refreshed before they expire by one task at a time, while
//! the other calls keep signing with the ones still valid.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::credentials::Credentials;
use crate::error::Error;

/// The official SDKs' threshold: temporary credentials with less than this left are refreshed.
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(40 * 60);

/// Credentials with less than this left are not used: a request signed with them could arrive
/// after they expire.
const STOP_USING_BEFORE_EXPIRY: Duration = Duration::from_secs(60);

/// What a provider hands out: credentials, when they expire, and where they came from. Made
/// with [`ProvidedCredentials::new`] and [`expiring_at`](Self::expiring_at).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ProvidedCredentials {
    /// The credentials.
    pub credentials: Credentials,
    /// When temporary credentials expire (`None`: they do not).
    pub expires_at: Option<Timestamp>,
    /// Where they came from, such as `environment` or `ECS metadata service`, for `hwc config`
    /// and error messages.
    pub source: String,
}

impl ProvidedCredentials {
    /// `credentials` that do not expire, from `source` (`vault`, `my provider`).
    pub fn new(credentials: Credentials, source: impl Into<String>) -> Self {
        Self {
            credentials,
            expires_at: None,
            source: source.into(),
        }
    }

    /// These credentials, temporary: they expire at `time`, and are fetched again before.
    pub fn expiring_at(mut self, time: Timestamp) -> Self {
        self.expires_at = Some(time);
        self
    }
}

/// The future a provider returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ProvidedCredentials, Error>> + Send + 'a>>;

/// A source of credentials. Called again whenever the cached ones near their expiry, so an
/// implementation fetches fresh ones each time; caching is [`CredentialsCache`]'s job.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Fresh credentials, or why there are none.
    fn provide(&self) -> ProvideFuture<'_>;

    /// What it is, as `hwc config` and errors name it.
    fn describe(&self) -> String;
}

/// Keys and tokens that never change: a provider too, so that every client takes one.
#[derive(Clone, Debug)]
pub struct StaticCredentials {
    credentials: Credentials,
    source: String,
}

impl StaticCredentials {
    /// `credentials`, found at `source` (such as `environment`).
    pub fn new(credentials: Credentials, source: impl Into<String>) -> Self {
        Self {
            credentials,
            source: source.into(),
        }
    }
}

impl ProvideCredentials for StaticCredentials {
    fn provide(&self) -> ProvideFuture<'_> {
        let provided = ProvidedCredentials {
            credentials: self.credentials.clone(),
            expires_at: None,
            source: self.source.clone(),
        };
        Box::pin(async move { Ok(provided) })
    }

    fn describe(&self) -> String {
        self.source.clone()
    }
}

/// Credentials in use, with a number that changes on every refresh.
#[derive(Clone, Debug)]
pub(crate) struct Current {
    pub provided: ProvidedCredentials,
    pub generation: u64,
    /// When to start refreshing: 40 minutes before expiry, or half the lifetime of short ones.
    refresh_at: Option<Timestamp>,
    /// After this they are not used any more: a minute before expiry, or a quarter of the
    /// lifetime of short ones.
    usable_until: Option<Timestamp>,
}

impl Current {
    fn new(provided: ProvidedCredentials, generation: u64) -> Self {
        let now = Timestamp::now();
        let (refresh_at, usable_until) = match provided.expires_at {
            None => (None, None),
            Some(expires) => {
                let lifetime = expires.duration_since(now).max(SignedDuration::ZERO);
                let before = |limit: Duration, share: i32| {
                    let limit = SignedDuration::try_from(limit).unwrap_or(SignedDuration::MAX);
                    let margin = limit.min(lifetime / share);
                    expires.checked_sub(margin).unwrap_or(expires)
                };
                (
                    Some(before(REFRESH_BEFORE_EXPIRY, 2)),
                    Some(before(STOP_USING_BEFORE_EXPIRY, 4)),
                )
            }
        };
        Self {
            provided,
            generation,
            refresh_at,
            usable_until,
        }
    }

    fn usable(&self, now: Timestamp) -> bool {
        self.usable_until.is_none_or(|until| now < until)
    }

    fn fresh(&self, now: Timestamp) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }
}

/// The credentials every request of a client signs with, shared by its clones and by both
/// services: one provider call at a time, and none while the cached credentials are fresh.
pub struct CredentialsCache {
    provider: Arc<dyn ProvideCredentials>,
    current: RwLock<Option<Current>>,
    /// Held by the one task refreshing.
    refreshing: tokio::sync::Mutex<()>,
    refreshes: std::sync::atomic::AtomicU64,
    /// After a failed early refresh, when to try again (the current credentials still work).
    next_early_refresh: std::sync::Mutex<Option<std::time::Instant>>,
    /// Refreshes finished, failed or not.
    finished: std::sync::atomic::AtomicU64,
    /// The last refresh when it failed (its number among the finished ones, and its error), so
    /// that callers who waited for it get its answer instead of each asking the provider again.
    failed: std::sync::Mutex<Option<(u64, Error)>>,
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("provider", &self.provider)
            .field("current", &self.peek())
            .finish()
    }
}

impl CredentialsCache {
    /// A cache over `provider`, empty until the first call.
    pub fn new(provider: Arc<dyn ProvideCredentials>) -> Self {
        Self {
            provider,
            current: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
            refreshes: std::sync::atomic::AtomicU64::new(0),
            finished: std::sync::atomic::AtomicU64::new(0),
            next_early_refresh: std::sync::Mutex::new(None),
            failed: std::sync::Mutex::new(None),
        }
    }

    /// The provider, as `hwc config` describes it.
    pub fn provider(&self) -> &dyn ProvideCredentials {
        self.provider.as_ref()
    }

    /// The credentials calls sign with now (fetched or refreshed if need be), with their
    /// source and expiry.
    pub async fn credentials(&self) -> Result<ProvidedCredentials, Error> {
        self.get().await.map(|current| current.provided)
    }

    /// How many times the provider was called.
    pub fn refreshes(&self) -> u64 {
        self.refreshes.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn peek(&self) -> Option<Current> {
        self.current.read().ok().and_then(|current| current.clone())
    }

    /// Credentials to sign with now. Fresh ones are returned at once; ones nearing expiry are
    /// refreshed by the first caller while the others go on with them; only when none are
    /// usable do callers wait, for the one refresh under way.
    pub(crate) async fn get(&self) -> Result<Current, Error> {
        let now = Timestamp::now();
        match self.peek() {
            Some(current) if current.fresh(now) => Ok(current),
            Some(current) if current.usable(now) => {
                if !self.early_refresh_due() {
                    return Ok(current);
                }
                match self.refreshing.try_lock() {
                    Ok(_guard) => match self.refresh().await {
                        Ok(refreshed) => Ok(refreshed),
                        // The old ones still work: a failed early refresh is tried again
                        // later, not by every call in the meantime.
                        Err(error) => {
                            self.postpone_early_refresh(&current);
                            tracing::warn!(%error, "refreshing credentials failed; using the current ones");
                            Ok(current)
                        }
                    },
                    Err(_) => Ok(current),
                }
            }
            _ => {
                let finished_before = self.finished.load(std::sync::atomic::Ordering::SeqCst);
                let _guard = self.refreshing.lock().await;
                // Another task may have refreshed while this one waited.
                if let Some(current) = self.peek()
                    && current.usable(Timestamp::now())
                {
                    return Ok(current);
                }
                // A refresh failed while this caller waited: its error is the answer.
                if let Some(error) = self.failure_since(finished_before) {
                    return Err(error);
                }
                self.refresh().await
            }
        }
    }

    /// The server refused credentials of `generation` as expired: unless a refresh already
    /// replaced them, they are refreshed now. Returns whether newer credentials are in place.
    pub(crate) async fn refresh_after_rejection(&self, generation: u64) -> Result<bool, Error> {
        let _guard = self.refreshing.lock().await;
        if self
            .peek()
            .is_some_and(|current| current.generation != generation)
        {
            return Ok(true);
        }
        let refreshed = self.refresh().await?;
        Ok(refreshed.generation != generation)
    }

    /// Whether refreshing can give other credentials than these (not for static ones).
    pub(crate) fn is_refreshable(current: &Current) -> bool {
        current.provided.expires_at.is_some()
    }

    /// Calls the provider; the caller holds `refreshing`.
    async fn refresh(&self) -> Result<Current, Error> {
        self.refreshes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let outcome = self.provider.provide().await;
        let number = self
            .finished
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        if let Ok(mut failed) = self.failed.lock() {
            *failed = outcome.as_ref().err().map(|error| (number, replay(error)));
        }
        let provided = outcome?;
        // Numbers of finished refreshes only grow: two sets never share one.
        let current = Current::new(provided, number);
        if !current.usable(Timestamp::now()) {
            return Err(crate::config_error::ConfigError::Credentials {
                problem: format!(
                    "{} gave credentials that expire at {}: already expired or about to",
                    current.provided.source,
                    current
                        .provided
                        .expires_at
                        .map(|at| at.to_string())
                        .unwrap_or_default()
                ),
            }
            .into());
        }
        if let Ok(mut next) = self.next_early_refresh.lock() {
            *next = None;
        }
        if let Some(expires) = current.provided.expires_at {
            tracing::debug!(source = %current.provided.source, %expires, "credentials refreshed");
        }
        if let Ok(mut slot) = self.current.write() {
            *slot = Some(current.clone());
        }
        Ok(current)
    }
}

impl CredentialsCache {
    /// Whether an early refresh may be tried now (none failed recently).
    fn early_refresh_due(&self) -> bool {
        self.next_early_refresh
            .lock()
            .map(|next| next.is_none_or(|at| std::time::Instant::now() >= at))
            .unwrap_or(true)
    }

    /// After a failed early refresh: the next one in a minute, or a quarter of the time the
    /// current credentials have left, whichever comes first.
    fn postpone_early_refresh(&self, current: &Current) {
        let left = current
            .usable_until
            .map(|until| until.duration_since(Timestamp::now()))
            .and_then(|left| Duration::try_from(left).ok())
            .unwrap_or(Duration::ZERO);
        let wait = (left / 4).min(Duration::from_secs(60));
        if let Ok(mut next) = self.next_early_refresh.lock() {
            *next = Some(std::time::Instant::now() + wait);
        }
    }

    /// A copy of the error of the last refresh, if it failed and finished after the first
    /// `after` ones.
    fn failure_since(&self, after: u64) -> Option<Error> {
        let failed = self.failed.lock().ok()?;
        match failed.as_ref() {
            Some((attempt, error)) if *attempt > after => Some(replay(error)),
            _ => None,
        }
    }
}

/// The same error again, for another caller (errors are not `Clone`: providers fail with
/// configuration errors, kept as they are; anything else as unusable credentials).
pub(crate) fn replay(error: &Error) -> Error {
    use crate::config_error::ConfigError;
    match error {
        Error::Config(ConfigError::NoCredentials { looked_at }) => ConfigError::NoCredentials {
            looked_at: looked_at.clone(),
        }
        .into(),
        Error::Config(ConfigError::Credentials { problem }) => ConfigError::Credentials {
            problem: problem.clone(),
        }
        .into(),
        Error::Unreachable {
            service,
            endpoint,
            problem,
        } => Error::Unreachable {
            service,
            endpoint: endpoint.clone(),
            problem: problem.clone(),
        },
        other => ConfigError::Credentials {
            problem: other.to_string(),
        }
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Hands out credentials living `lifetime`, counting calls and overlaps.
    #[derive(Debug)]
    struct Expiring {
        lifetime: SignedDuration,
        calls: AtomicU64,
        in_flight: AtomicU64,
        overlaps: AtomicU64,
    }

    impl ProvideCredentials for Expiring {
        fn provide(&self) -> ProvideFuture<'_> {
            Box::pin(async move {
                if self.in_flight.fetch_add(1, Ordering::SeqCst) > 0 {
                    self.overlaps.fetch_add(1, Ordering::SeqCst);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                let n = self.calls.fetch_add(1, Ordering::SeqCst);
                self.in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(ProvidedCredentials {
                    credentials: Credentials::temporary(format!("AK{n}"), "SK", "TOKEN")?,
                    expires_at: Some(Timestamp::now() + self.lifetime),
                    source: "test".into(),
                })
            })
        }

        fn describe(&self) -> String {
            "test".into()
        }
    }

    #[tokio::test]
    async fn many_callers_share_one_refresh_at_a_time() {
        let provider = Arc::new(Expiring {
            lifetime: SignedDuration::from_millis(400),
            calls: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            overlaps: AtomicU64::new(0),
        });
        let cache = Arc::new(CredentialsCache::new(provider.clone()));
        let started = std::time::Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..64 {
            let cache = Arc::clone(&cache);
            tasks.push(tokio::spawn(async move {
                let mut seen = 0;
                while started.elapsed() < Duration::from_millis(1_500) {
                    let current = cache.get().await.unwrap();
                    let expires = current.provided.expires_at.unwrap();
                    assert!(Timestamp::now() < expires, "expired credentials handed out");
                    seen += 1;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                seen
            }));
        }
        for task in tasks {
            assert!(task.await.unwrap() > 0);
        }
        assert_eq!(
            provider.overlaps.load(Ordering::SeqCst),
            0,
            "one refresh at a time"
        );
        let calls = provider.calls.load(Ordering::SeqCst);
        // About one refresh per half lifetime (200 ms) over 1.5 s, not one per call.
        assert!((4..=15).contains(&calls), "{calls} provider calls");
    }

    /// Always fails, slowly, counting calls.
    #[derive(Debug)]
    struct Failing {
        calls: AtomicU64,
    }

    impl ProvideCredentials for Failing {
        fn provide(&self) -> ProvideFuture<'_> {
            Box::pin(async move {
                self.calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(200)).await;
                Err(crate::ConfigError::NoCredentials {
                    looked_at: "nowhere".into(),
                }
                .into())
            })
        }

        fn describe(&self) -> String {
            "failing".into()
        }
    }

    #[tokio::test]
    async fn callers_waiting_for_a_failed_fetch_share_its_error() {
        let provider = Arc::new(Failing {
            calls: AtomicU64::new(0),
        });
        let cache = Arc::new(CredentialsCache::new(provider.clone()));
        let started = std::time::Instant::now();
        let calls: Vec<_> = (0..32)
            .map(|_| {
                let cache = Arc::clone(&cache);
                tokio::spawn(async move { cache.get().await.map(|_| ()) })
            })
            .collect();
        for call in calls {
            let error = call.await.unwrap().unwrap_err();
            assert!(error.to_string().contains("nowhere"), "{error}");
        }
        assert_eq!(
            provider.calls.load(Ordering::SeqCst),
            1,
            "one fetch for 32 callers"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn static_credentials_are_fetched_once() {
        let cache = CredentialsCache::new(Arc::new(StaticCredentials::new(
            Credentials::access_key("AK", "SK").unwrap(),
            "explicit",
        )));
        for _ in 0..10 {
            let current = cache.get().await.unwrap();
            assert!(!CredentialsCache::is_refreshable(&current));
        }
        assert_eq!(cache.refreshes(), 1);
    }
}
