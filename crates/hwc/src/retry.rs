//! When and how long to wait before trying again.

use std::time::Duration;

/// Retries of GET requests on connection errors, timeouts, 429 `APIGW.0308`, 500/502/503/504
/// and the transient 400 `CC.00000000`: exponential backoff with full jitter (each wait drawn
/// uniformly from zero to the exponential cap, so clients that failed together spread out),
/// `Retry-After` honoured, bounded by attempts and by total time. Every attempt is signed again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Whether to retry at all.
    pub enabled: bool,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Cap of the first wait; it doubles with each attempt.
    pub base_delay: Duration,
    /// Largest cap of a wait.
    pub max_delay: Duration,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, waits capped at 0.2 s, 0.4 s, 0.8 s, 1.6 s (at most 10 s), within 2 minutes.
    fn default() -> Self {
        Self {
            enabled: true,
            max_attempts: 5,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call makes exactly one attempt.
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait after failed attempt number `attempt` (1 for the first): uniform in
    /// `[0, min(max_delay, base_delay * 2^(attempt - 1))]`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1).min(30)))
            .min(self.max_delay);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::random_range(0..=nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_stay_under_a_doubling_cap_and_vary() {
        let policy = RetryPolicy::default();
        for attempt in 1..=8u32 {
            let cap =
                Duration::from_millis(200 * 2u64.pow(attempt - 1)).min(Duration::from_secs(10));
            let waits: Vec<Duration> = (0..200).map(|_| policy.backoff(attempt)).collect();
            assert!(waits.iter().all(|w| *w <= cap), "attempt {attempt}");
            assert!(waits.iter().any(|w| *w < cap / 2) && waits.iter().any(|w| *w > cap / 2));
        }
        assert!(policy.backoff(1_000) <= Duration::from_secs(10));
    }
}
