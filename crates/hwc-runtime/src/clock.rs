//! The client's idea of the server's time: one skew estimate every request of a client signs
//! with, learned from the gateway's expired-signature answers.

use std::sync::atomic::{AtomicI64, Ordering};

use jiff::{SignedDuration, Timestamp};

/// The difference between the server's clock and ours (server time minus local time), learned
/// from expiry rejections and shared by every request of a client.
///
/// It is one absolute estimate, not a sum of corrections: each rejection says what the server's
/// time was when the request was signed with a known estimate, so calls rejected together all
/// compute the same value and store it, and the estimate converges however many there are.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// The current estimate, in milliseconds.
    pub fn estimate_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Our idea of the server's time under the estimate `offset_ms`.
    pub fn server_time(offset_ms: i64) -> Timestamp {
        let now = Timestamp::now();
        now.checked_add(SignedDuration::from_millis(offset_ms))
            .unwrap_or(now)
    }

    /// The current offset.
    pub fn offset(&self) -> SignedDuration {
        SignedDuration::from_millis(self.estimate_ms())
    }

    /// A request signed under the estimate `used_ms` was `correction` off the server's time:
    /// the server's time minus ours is `used_ms + correction`. Returns the new estimate.
    pub(crate) fn learn(&self, used_ms: i64, correction: SignedDuration) -> i64 {
        let correction_ms =
            i64::try_from(correction.as_millis()).unwrap_or(if correction.is_negative() {
                i64::MIN
            } else {
                i64::MAX
            });
        let estimate = used_ms.saturating_add(correction_ms);
        self.offset_ms.store(estimate, Ordering::Relaxed);
        estimate
    }
}
