//! When and how long to wait before trying again: the one place that decides which failures
//! are retried.

use std::time::Duration;

use reqwest::{Method, StatusCode};

/// Retries of GET requests on connection errors, timeouts, 429 `APIGW.0308`, 500/502/503/504
/// and the transient 400 `CC.00000000`: exponential backoff with full jitter (each wait drawn
/// uniformly from zero to the exponential cap, so clients that failed together spread out),
/// `Retry-After` honoured, bounded by attempts and by total time. A 429 (flow control) buys
/// time, not an attempt: it does not count against `max_attempts`, and is waited out (with the
/// client's limiter slowing down) until `max_elapsed` or the operation timeout. Every attempt
/// is signed again.
///
/// Built from [`RetryPolicy::default`] or [`RetryPolicy::disabled`] and the `with_` methods,
/// so that a policy keeps compiling when a setting is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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

    /// This policy with `attempts` in all, the first included (1 turns retries off).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self.enabled = attempts > 1;
        self
    }

    /// This policy with the first wait capped at `delay` (it doubles with each attempt).
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// This policy with no wait longer than `delay`.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// This policy starting no retry after `elapsed` since the first attempt.
    pub fn with_max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
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

/// Whether a request may be sent again without changing what the server does: the methods
/// HTTP defines as idempotent. Anything else (a POST added to a spec later) is sent once.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE
    )
}

/// Whether an answer is worth another attempt: throttling, the gateway's and servers' transient
/// errors, and CodeArts Check's "network is busy" (`CC.00000000`).
pub(crate) fn is_transient_answer(status: StatusCode, error_code: &str) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::INTERNAL_SERVER_ERROR
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    ) || (status == StatusCode::BAD_REQUEST && error_code == "CC.00000000")
}

/// Whether a request that got no answer is worth another attempt: connections refused or
/// dropped, timeouts, bodies cut short. Not a request that could not be built, a redirect, or a
/// certificate the client does not trust (trying again repeats the handshake with a host that
/// is not who it says; another endpoint may still be tried).
pub(crate) fn is_transient_failure(error: &reqwest::Error) -> bool {
    !error.is_builder() && !error.is_redirect() && !is_certificate_failure(error)
}

/// Whether a failure comes from the server's certificate (untrusted, expired, for another
/// name). rustls says so in its message, which is all reqwest exposes of it.
pub(crate) fn is_certificate_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if error.to_string().contains("certificate") {
            return true;
        }
        cause = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_methods_and_transient_answers_are_retried() {
        assert!(is_idempotent(&Method::GET) && is_idempotent(&Method::PUT));
        assert!(!is_idempotent(&Method::POST) && !is_idempotent(&Method::PATCH));
        assert!(is_transient_answer(
            StatusCode::TOO_MANY_REQUESTS,
            "APIGW.0308"
        ));
        assert!(is_transient_answer(StatusCode::BAD_REQUEST, "CC.00000000"));
        assert!(!is_transient_answer(StatusCode::BAD_REQUEST, "APIGW.0201"));
        assert!(!is_transient_answer(StatusCode::UNAUTHORIZED, "APIGW.0301"));
        assert!(!is_transient_answer(StatusCode::NOT_IMPLEMENTED, ""));
    }

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
