//! What users meet between them and the real gateway, off by default: the round trip to the
//! region (a latency added to every answer, with jitter), and the gateway's flow control (a token
//! bucket per API, that is per operation, and credential; beyond it, 429 `APIGW.0308` without `Retry-After`).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::Rng;

use hwc_api::descriptor::Operation;

/// A latency added to every answer: `base` plus or minus up to `jitter`, uniformly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Latency {
    /// The middle of the range.
    pub base: Duration,
    /// How far an answer may be from `base`, either way.
    pub jitter: Duration,
}

impl Latency {
    /// One draw.
    pub fn draw(&self) -> Duration {
        if self.jitter.is_zero() {
            return self.base;
        }
        let low = self.base.saturating_sub(self.jitter);
        let high = self.base.saturating_add(self.jitter);
        rand::rng().random_range(low..=high)
    }
}

impl FromStr for Latency {
    type Err = String;

    /// `40ms`, `40ms±5ms` or `40ms+-5ms`; units `ms` and `s`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (base, jitter) = match text.split_once('±').or_else(|| text.split_once("+-")) {
            Some((base, jitter)) => (base, Some(jitter)),
            None => (text, None),
        };
        let duration = |part: &str| -> Result<Duration, String> {
            let part = part.trim();
            let (number, scale) = if let Some(ms) = part.strip_suffix("ms") {
                (ms, 1)
            } else if let Some(s) = part.strip_suffix('s') {
                (s, 1_000)
            } else {
                return Err(format!("{part:?}: give a unit, such as 40ms or 1s"));
            };
            let number: u64 = number
                .trim()
                .parse()
                .map_err(|_| format!("{part:?} is not a whole number of ms or s"))?;
            Ok(Duration::from_millis(number.saturating_mul(scale)))
        };
        Ok(Self {
            base: duration(base)?,
            jitter: jitter.map(duration).transpose()?.unwrap_or_default(),
        })
    }
}

/// A rate such as `200/s`: the gateway's flow control per API and credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per second.
    pub per_second: u32,
}

impl FromStr for RateLimit {
    type Err = String;

    /// `200/s` or `200`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let number = text.trim().trim_end_matches("/s");
        match number.parse::<u32>() {
            Ok(per_second) if per_second > 0 => Ok(Self { per_second }),
            _ => Err(format!("{text:?}: give requests per second, such as 200/s")),
        }
    }
}

/// One token bucket: refills `per_second` tokens a second, holds a tenth of a second's worth
/// (at least one), so bursts are short as behind a real gateway.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Token buckets per (API, credential).
#[derive(Debug)]
pub(crate) struct FlowControl {
    limit: RateLimit,
    buckets: Mutex<HashMap<(&'static str, String), Bucket>>,
}

impl FlowControl {
    /// Flow control at `limit` for every (API, credential).
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn capacity(&self) -> f64 {
        (f64::from(self.limit.per_second) / 10.0).max(1.0)
    }

    /// Whether a request of `credential` to `api` may pass now (it takes a token if so).
    pub(crate) fn admit(&self, operation: &'static Operation, credential: &str) -> bool {
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        let now = Instant::now();
        let capacity = self.capacity();
        let bucket = buckets
            .entry((operation.id, credential.to_owned()))
            .or_insert(Bucket {
                tokens: capacity,
                updated: now,
            });
        let refill =
            now.duration_since(bucket.updated).as_secs_f64() * f64::from(self.limit.per_second);
        bucket.tokens = (bucket.tokens + refill).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Who a request is, for flow control: the AK of a signature, the token, or nobody.
pub(crate) fn credential(headers: &axum::http::HeaderMap) -> String {
    if let Some(token) = headers.get("x-auth-token").and_then(|v| v.to_str().ok()) {
        return format!("token:{token}");
    }
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|value| value.split("Access=").nth(1))
        .and_then(|rest| rest.split(',').next())
        .map_or_else(|| "anonymous".to_owned(), |ak| format!("ak:{}", ak.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_and_rates_read_as_written() {
        let latency: Latency = "40ms±5ms".parse().unwrap();
        assert_eq!(
            (latency.base, latency.jitter),
            (Duration::from_millis(40), Duration::from_millis(5))
        );
        assert_eq!(
            "1s".parse::<Latency>().unwrap().base,
            Duration::from_secs(1)
        );
        assert_eq!("40ms+-5ms".parse::<Latency>(), Ok(latency));
        for _ in 0..100 {
            let drawn = latency.draw();
            assert!(drawn >= Duration::from_millis(35) && drawn <= Duration::from_millis(45));
        }
        assert!("40".parse::<Latency>().is_err());
        assert_eq!("200/s".parse::<RateLimit>().unwrap().per_second, 200);
        assert!("0/s".parse::<RateLimit>().is_err());
    }

    const HISTORY: &Operation = &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS;

    #[test]
    fn a_bucket_lets_its_rate_through() {
        let flow = FlowControl::new(RateLimit { per_second: 100 });
        let started = Instant::now();
        let mut admitted = 0;
        while started.elapsed() < Duration::from_millis(500) {
            if flow.admit(HISTORY, "ak:A") {
                admitted += 1;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        // 50 in half a second, plus the initial burst of 10.
        assert!((50..=62).contains(&admitted), "{admitted}");
        assert!(
            flow.admit(HISTORY, "ak:B"),
            "each credential has its own bucket"
        );
        assert!(
            flow.admit(&hwc_api::hss::spec::LIST_GENERAL_IMAGE_VULS, "ak:A"),
            "and each API, even of the same service"
        );
    }
}
