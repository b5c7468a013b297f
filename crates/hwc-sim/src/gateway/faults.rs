//! Fault injection: at a seeded random rate, or scripted as "the next N requests to an API".

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use hwc_api::Service as Api;

/// One misbehaviour of the gateway or the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 `APIGW.0308`, with `Retry-After: <seconds>` when given.
    Throttle {
        /// Seconds for `Retry-After`, if sent.
        retry_after: Option<u64>,
    },
    /// 500, 502, 503 or 504 with a gateway error body.
    ServerError(u16),
    /// The documented transient 400 `CC.00000000` "The network is busy".
    TransientBusy,
    /// The normal answer, after a delay.
    Slow(Duration),
    /// The connection closes before any response.
    DropConnection,
    /// A 200 whose body stops half-way (its `Content-Length` promises more).
    TruncatedBody,
    /// A 200 whose body is not valid JSON.
    MalformedJson,
    /// A 200 whose JSON body never ends (a broken proxy or a hostile server): a client must
    /// stop reading at a limit of its own.
    EndlessBody,
    /// A 502 HTML page, as a proxy in front of the gateway would send.
    HtmlErrorPage,
    /// A 307 redirect to another host.
    Redirect,
    /// A 401 `APIGW.0301` "signature expired" although the clocks agree.
    ClockSkew,
}

impl Fault {
    /// Every kind, with typical parameters: what the fault matrix covers.
    pub fn all_kinds() -> Vec<Fault> {
        vec![
            Fault::Throttle { retry_after: None },
            Fault::Throttle {
                retry_after: Some(1),
            },
            Fault::ServerError(500),
            Fault::ServerError(502),
            Fault::ServerError(503),
            Fault::ServerError(504),
            Fault::TransientBusy,
            Fault::Slow(Duration::from_secs(3)),
            Fault::DropConnection,
            Fault::TruncatedBody,
            Fault::MalformedJson,
            Fault::EndlessBody,
            Fault::HtmlErrorPage,
            Fault::Redirect,
            Fault::ClockSkew,
        ]
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Throttle { retry_after: None } => f.write_str("429"),
            Fault::Throttle {
                retry_after: Some(s),
            } => write!(f, "429-retry-after={s}"),
            Fault::ServerError(status) => write!(f, "{status}"),
            Fault::TransientBusy => f.write_str("busy"),
            Fault::Slow(delay) => write!(f, "slow={}ms", delay.as_millis()),
            Fault::DropConnection => f.write_str("drop"),
            Fault::TruncatedBody => f.write_str("truncate"),
            Fault::MalformedJson => f.write_str("malformed"),
            Fault::EndlessBody => f.write_str("endless"),
            Fault::HtmlErrorPage => f.write_str("html"),
            Fault::Redirect => f.write_str("redirect"),
            Fault::ClockSkew => f.write_str("clock-skew"),
        }
    }
}

impl FromStr for Fault {
    type Err = String;

    /// `429`, `429-retry-after=2`, `500`, `502`, `503`, `504`, `busy`, `slow=1500ms`, `slow=2s`,
    /// `drop`, `truncate`, `malformed`, `html`, `redirect`, `clock-skew`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fault = match text {
            "429" => Fault::Throttle { retry_after: None },
            "500" | "502" | "503" | "504" => {
                Fault::ServerError(text.parse().map_err(|_| text.to_owned())?)
            }
            "busy" => Fault::TransientBusy,
            "drop" => Fault::DropConnection,
            "truncate" => Fault::TruncatedBody,
            "endless" => Fault::EndlessBody,
            "malformed" => Fault::MalformedJson,
            "html" => Fault::HtmlErrorPage,
            "redirect" => Fault::Redirect,
            "clock-skew" => Fault::ClockSkew,
            other => {
                if let Some(seconds) = other.strip_prefix("429-retry-after=") {
                    let seconds = seconds
                        .parse()
                        .map_err(|_| format!("bad Retry-After seconds in {other:?}"))?;
                    Fault::Throttle {
                        retry_after: Some(seconds),
                    }
                } else if let Some(delay) = other.strip_prefix("slow=") {
                    Fault::Slow(
                        parse_delay(delay)
                            .ok_or_else(|| format!("bad delay in {other:?}: use 1500ms or 2s"))?,
                    )
                } else {
                    return Err(format!(
                        "unknown fault {other:?}: use 429, 429-retry-after=N, 500, 502, 503, 504, busy, slow=2s, drop, truncate, endless, malformed, html, redirect or clock-skew"
                    ));
                }
            }
        };
        Ok(fault)
    }
}

fn parse_delay(text: &str) -> Option<Duration> {
    if let Some(ms) = text.strip_suffix("ms") {
        ms.parse().ok().map(Duration::from_millis)
    } else {
        text.strip_suffix('s')?
            .parse()
            .ok()
            .map(Duration::from_secs)
    }
}

/// Decides which request gets which fault: scripted faults first, then random ones.
pub(crate) struct FaultInjector {
    rate: f64,
    kinds: Vec<Fault>,
    rng: Mutex<ChaCha8Rng>,
    script: Mutex<HashMap<Api, VecDeque<Fault>>>,
}

impl FaultInjector {
    /// Random faults of `kinds` on a `rate` share of requests (0 to 1), drawn from `seed`.
    pub(crate) fn new(rate: f64, kinds: Vec<Fault>, seed: u64) -> Self {
        Self {
            rate: rate.clamp(0.0, 1.0),
            kinds,
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
            script: Mutex::new(HashMap::new()),
        }
    }

    /// Queues faults for the next requests to `api`, in order.
    pub(crate) fn script(&self, api: Api, faults: impl IntoIterator<Item = Fault>) {
        if let Ok(mut script) = self.script.lock() {
            script.entry(api).or_default().extend(faults);
        }
    }

    /// The fault for the next request to `api`, if any.
    pub(crate) fn next(&self, api: Api) -> Option<Fault> {
        if let Some(fault) = self
            .script
            .lock()
            .ok()
            .and_then(|mut s| s.get_mut(&api).and_then(VecDeque::pop_front))
        {
            return Some(fault);
        }
        if self.rate <= 0.0 || self.kinds.is_empty() {
            return None;
        }
        let mut rng = self.rng.lock().ok()?;
        if rng.random_bool(self.rate) {
            let index = rng.random_range(0..self.kinds.len());
            Some(self.kinds[index].clone())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_flag_text() {
        for fault in Fault::all_kinds() {
            assert_eq!(fault.to_string().parse::<Fault>(), Ok(fault));
        }
        assert_eq!("slow=2s".parse(), Ok(Fault::Slow(Duration::from_secs(2))));
        assert!("teapot".parse::<Fault>().is_err());
    }

    #[test]
    fn scripted_faults_come_first_and_in_order() {
        let injector = FaultInjector::new(0.0, Vec::new(), 1);
        injector.script(Api::Hss, [Fault::ServerError(503), Fault::TransientBusy]);
        assert_eq!(injector.next(Api::CodeArtsCheck), None);
        assert_eq!(injector.next(Api::Hss), Some(Fault::ServerError(503)));
        assert_eq!(injector.next(Api::Hss), Some(Fault::TransientBusy));
        assert_eq!(injector.next(Api::Hss), None);
    }

    #[test]
    fn the_random_rate_is_roughly_kept_and_seeded() {
        let draw = || {
            let injector = FaultInjector::new(0.1, vec![Fault::ServerError(500)], 7);
            (0..10_000)
                .filter(|_| injector.next(Api::Hss).is_some())
                .count()
        };
        let hits = draw();
        assert!((800..1_200).contains(&hits), "{hits}");
        assert_eq!(hits, draw());
    }
}
