//! Client-side flow control per API (the gateway's flow control is per operation), shared by a
//! client and its clones and by every pager and call of the operation, adaptive like aws-sdk's
//! adaptive retry mode: off until the gateway first throttles (429), then a token bucket whose
//! rate adapts: set just under the rate the gateway let through, cut on later throttles, raised a
//! little with each success (AIMD). A rate the user knows (`CallSettings::api_rate_limit`)
//! engages the bucket from the first request, just under it, and caps it. It also keeps the
//! latency of recent answers, from which the paginator sizes its prefetch (Little's law: pages in
//! flight = rate x latency), and one schedule of page starts for every pager of the API, so that
//! sixteen pagers together keep the pace one would.
//!
//! A hand-written bucket rather than `governor`: its quota is fixed when it is built, and here
//! the rate moves with every answer.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The gateway's flow control as FACTS.md gives it: about 200 requests a second per API. The
/// paginator aims at it before anything is known.
pub(crate) const EXPECTED_RATE: f64 = 200.0;
/// The least rate the limiter goes down to, so a client always makes progress.
const MIN_RATE: f64 = 1.0;
/// The share of the gateway's rate (measured, or else the documented one) flow control engages
/// at when first throttled.
const ENGAGE: f64 = 0.95;
/// Throttles closer to the last cut than this cut nothing more: on a short round trip (loopback,
/// or a gateway in the same zone) many answers come back within one reaction of the limiter.
const MIN_CUT_INTERVAL: Duration = Duration::from_millis(100);
/// The share of the documented rate one pager aims at before the gateway has throttled.
const PACE: f64 = 0.97;
/// What a throttle leaves of the rate (multiplicative decrease).
const CUT: f64 = 0.8;
/// How fast the rate rises while requests succeed, as a share a second of the most that ever
/// got through in one second: slowly near it (probing for more), fast far below it (after a
/// storm of throttles that had other causes, so that the client does not stay slow for minutes).
const PROBE: f64 = 0.01;
const RECOVER: f64 = 0.1;
/// Below this share of the most that got through, the rate recovers rather than probes.
const RECOVER_BELOW: f64 = 0.9;
/// Pages in flight at most, whatever rate and latency say.
pub(crate) const MAX_PAGES_IN_FLIGHT: usize = 32;

#[derive(Debug)]
struct State {
    /// Requests a second allowed; `None` until the first throttle.
    rate: Option<f64>,
    tokens: f64,
    updated: Instant,
    last_cut: Option<Instant>,
    /// When the answers of the last second succeeded, to estimate what the gateway lets through.
    successes: std::collections::VecDeque<Instant>,
    first_success: Option<Instant>,
    /// The most successes seen in one second (once a second of history exists).
    best: Option<f64>,
    /// When the rate was last raised.
    raised: Instant,
    /// Exponentially weighted mean latency of successful attempts, in seconds.
    latency: Option<f64>,
    /// When the next page of any pager of this API may start, while pages are spaced.
    next_start: Option<Instant>,
}

/// Flow control of one API; see the module documentation.
#[derive(Debug)]
pub(crate) struct FlowControl {
    enabled: bool,
    /// The rate the user says the gateway allows, if they know it: never exceeded.
    ceiling: Option<f64>,
    state: Mutex<State>,
}

impl FlowControl {
    /// Flow control that engages at the first throttle, or never when `enabled` is false.
    #[cfg(test)]
    pub(crate) fn new(enabled: bool) -> Self {
        Self::with_known_rate(enabled, None)
    }

    /// Flow control of an API whose gateway allows `known_rate` requests a second, when the
    /// user knows it: engaged from the start just under it, and never above it.
    pub(crate) fn with_known_rate(enabled: bool, known_rate: Option<f64>) -> Self {
        let ceiling = known_rate.filter(|rate| rate.is_finite() && *rate > 0.0);
        Self {
            enabled,
            ceiling,
            state: Mutex::new(State {
                rate: ceiling.map(|rate| (rate * PACE).max(MIN_RATE)),
                tokens: 0.0,
                updated: Instant::now(),
                last_cut: None,
                successes: std::collections::VecDeque::new(),
                first_success: None,
                best: None,
                raised: Instant::now(),
                latency: None,
                next_start: None,
            }),
        }
    }

    /// Waits until a request may be sent.
    pub(crate) async fn acquire(&self) {
        loop {
            let wait = {
                let Ok(mut state) = self.state.lock() else {
                    return;
                };
                let Some(rate) = state.rate.filter(|_| self.enabled) else {
                    return;
                };
                let now = Instant::now();
                let capacity = (rate / 10.0).max(1.0);
                let refill = now.duration_since(state.updated).as_secs_f64() * rate;
                state.tokens = (state.tokens + refill).min(capacity);
                state.updated = now;
                if state.tokens >= 1.0 {
                    state.tokens -= 1.0;
                    return;
                }
                Duration::from_secs_f64((1.0 - state.tokens) / rate)
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// The gateway throttled a request sent at `sent`: engage just under what it let through in
    /// the last second, or cut the rate. Requests sent before the last cut were sent too fast for
    /// the rate in force before it, so their throttles cut nothing more (one cut per round trip,
    /// as TCP does).
    pub(crate) fn throttled(&self, sent: Instant) {
        if !self.enabled {
            return;
        }
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let now = Instant::now();
        if state
            .last_cut
            .is_some_and(|cut| sent < cut || now.duration_since(cut) < MIN_CUT_INTERVAL)
        {
            return;
        }
        // What the gateway let through in the last second is the best estimate of its limit: a
        // throttle now and then that is not flow control (a busy backend) hardly lowers it.
        let let_through = Self::success_rate(&mut state, now);
        let expected = self.ceiling.unwrap_or(EXPECTED_RATE);
        let next = match (state.rate, let_through) {
            (None, None) => expected * ENGAGE,
            (None, Some(through)) => through * ENGAGE,
            (Some(rate), None) => rate * CUT,
            (Some(rate), Some(through)) => (rate * CUT).max(through * 0.9),
        };
        state.rate = Some(next.max(MIN_RATE));
        state.tokens = 0.0;
        state.updated = now;
        state.last_cut = Some(now);
        tracing::info!(
            rate = next,
            "throttled by the gateway; limiting requests to this rate"
        );
    }

    /// A request succeeded after `latency`: remember it, and raise the rate a little.
    pub(crate) fn succeeded(&self, latency: Duration) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let now = Instant::now();
        Self::forget_old_successes(&mut state, now);
        if state.successes.is_empty() {
            // A new run of activity: what got through is measured from here.
            state.first_success = Some(now);
        }
        state.successes.push_back(now);
        let seconds = latency.as_secs_f64();
        state.latency = Some(match state.latency {
            Some(mean) => mean * 0.8 + seconds * 0.2,
            None => seconds,
        });
        if let Some(through) = Self::success_rate(&mut state, now) {
            state.best = Some(state.best.map_or(through, |best| best.max(through)));
        }
        let best = state.best;
        let raised = state.raised;
        state.raised = now;
        if let Some(rate) = &mut state.rate {
            // Raised by the time since the last raise, at most a tenth of a second's worth (or
            // two requests' worth at low rates), so that a success after a pause does not jump it.
            let most = Duration::from_secs_f64((2.0 / *rate).clamp(0.1, 10.0));
            let elapsed = now.duration_since(raised).min(most);
            let reference = best.unwrap_or(EXPECTED_RATE);
            let share = if *rate < reference * RECOVER_BELOW {
                RECOVER
            } else {
                PROBE
            };
            // Never above twice what has been seen to get through: a client that sends less than
            // it may is never throttled, and its rate would otherwise grow without end.
            *rate = (*rate + reference * share * elapsed.as_secs_f64()).min(2.0 * reference);
            if let Some(ceiling) = self.ceiling {
                *rate = rate.min(ceiling * PACE);
            }
        }
    }

    /// Drops successes more than a second old.
    fn forget_old_successes(state: &mut State, now: Instant) {
        while state
            .successes
            .front()
            .is_some_and(|at| now.duration_since(*at) > Duration::from_secs(1))
        {
            state.successes.pop_front();
        }
    }

    /// Successes a second over the last second, once the current run of activity is a second
    /// old: a shorter window would count the gateway's burst allowance (its bucket starts full)
    /// as rate.
    fn success_rate(state: &mut State, now: Instant) -> Option<f64> {
        Self::forget_old_successes(state, now);
        let since = state.first_success?;
        (!state.successes.is_empty() && now.duration_since(since) >= Duration::from_secs(1))
            .then_some(state.successes.len() as f64)
    }

    /// The rate in force, if flow control has engaged.
    pub(crate) fn rate(&self) -> Option<f64> {
        self.state.lock().ok().and_then(|state| state.rate)
    }

    /// Pages to keep in flight (Little's law: rate x latency, twice), never fewer than `floor`
    /// nor more than [`MAX_PAGES_IN_FLIGHT`]. Before the gateway has throttled, for a little
    /// under its documented rate, with [`FlowControl::page_spacing`] keeping the rate; once flow
    /// control has engaged, for its rate, with the limiter keeping it.
    pub(crate) fn pages_in_flight(&self, floor: usize) -> usize {
        self.pace(floor).0
    }

    /// The least time between starting two pages: before the gateway has throttled and when the
    /// round trip, not `floor`, sets the pages in flight, one page per 1/rate, so that a pager
    /// stays a little under the documented rate however its pages in flight round up. Nothing
    /// otherwise: once engaged the limiter paces, and when the floor governs (a round trip under
    /// about 20 ms, loopback) the pager is not slowed before the gateway says so, like
    /// aws-sdk's adaptive mode; a throttle then engages the limiter.
    pub(crate) fn page_spacing(&self, floor: usize) -> Option<Duration> {
        self.pace(floor).1
    }

    /// When the next page may start, in the one schedule every pager of this API shares: `None`
    /// when pages need no spacing ([`FlowControl::page_spacing`]), else a start at least one
    /// spacing after the one reserved before it, by whichever pager.
    pub(crate) fn reserve_page_start(&self, floor: usize) -> Option<Instant> {
        let gap = self.page_spacing(floor)?;
        let mut state = self.state.lock().ok()?;
        let now = Instant::now();
        let at = state.next_start.map_or(now, |next| next.max(now));
        state.next_start = Some(at + gap);
        Some(at)
    }

    fn pace(&self, floor: usize) -> (usize, Option<Duration>) {
        let floor = floor.max(1);
        // Switched off: a fixed number of pages, as before flow control existed.
        if !self.enabled {
            return (floor, None);
        }
        let Ok(state) = self.state.lock() else {
            return (floor, None);
        };
        // Pages come back out of order but are read in order, so a slow one holds back the
        // pages behind it: twice what Little's law says keeps the rate through that, while the
        // spacing or the limiter, not the count, keeps it under the limit.
        let (wanted, spacing) = match (state.latency, state.rate.filter(|_| self.enabled)) {
            // Nothing answered yet: pages start spaced for the expected rate until the round
            // trip is known, so that many pagers starting together do not burst.
            (None, None) => (
                0.0,
                Some(Duration::from_secs_f64(
                    1.0 / (self.ceiling.unwrap_or(EXPECTED_RATE) * PACE),
                )),
            ),
            (None, Some(_)) => (0.0, None),
            (Some(latency), None) => {
                let rate = self.ceiling.unwrap_or(EXPECTED_RATE) * PACE;
                let needed = (rate * latency).ceil();
                // A float to usize conversion saturates, so this cannot overflow.
                let paced = needed as usize > floor;
                let spacing = paced.then(|| Duration::from_secs_f64(1.0 / rate));
                (if paced { 2.0 * needed } else { needed }, spacing)
            }
            (Some(latency), Some(rate)) => (2.0 * (rate * latency).ceil(), None),
        };
        (
            (wanted as usize).clamp(floor, MAX_PAGES_IN_FLIGHT.max(floor)),
            spacing,
        )
    }
}

/// The flow control of every API (operation) of `spec/`, for one client.
#[derive(Debug)]
pub(crate) struct FlowControls {
    /// By operation id with underscores removed and in lower case, so that the spec's id
    /// (`CheckRecord`) and the generated client's (`check_record`) find the same one.
    by_operation: std::collections::BTreeMap<String, FlowControl>,
    /// For an operation id no spec has (none is sent through this client; kept for safety).
    other: FlowControl,
}

impl FlowControls {
    /// One flow control per operation of every service.
    pub(crate) fn new(enabled: bool, known_rate: Option<f64>) -> Self {
        let by_operation = hwc_api::Service::ALL
            .into_iter()
            .flat_map(|service| service.descriptor().operations)
            .map(|operation| {
                (
                    plain(operation.id),
                    FlowControl::with_known_rate(enabled, known_rate),
                )
            })
            .collect();
        Self {
            by_operation,
            other: FlowControl::with_known_rate(enabled, known_rate),
        }
    }

    /// The flow control of the operation `operation_id` (as the spec or the generated client
    /// spells it).
    pub(crate) fn of(&self, operation_id: &str) -> &FlowControl {
        self.by_operation
            .get(&plain(operation_id))
            .unwrap_or(&self.other)
    }
}

/// An operation id without underscores, in lower case.
fn plain(id: &str) -> String {
    id.chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_operation_has_its_own_flow_control_whichever_way_its_id_is_spelled() {
        let flows = FlowControls::new(true, None);
        let spec = flows.of("ListGeneralImageVulOperations") as *const FlowControl;
        let generated = flows.of("list_general_image_vul_operations") as *const FlowControl;
        assert_eq!(spec, generated);
        let other = flows.of("ListGeneralImageVuls") as *const FlowControl;
        assert_ne!(spec, other);
        let known = FlowControls::new(true, Some(100.0));
        let rate = known.of("CheckRecord").rate().unwrap();
        assert!((rate - 100.0 * PACE).abs() < 1e-9, "{rate}");
    }

    #[tokio::test]
    async fn an_engaged_limiter_holds_its_rate() {
        let flow = FlowControl::new(true);
        flow.state.lock().unwrap().rate = Some(100.0);
        let started = Instant::now();
        let mut sent = 0u32;
        while started.elapsed() < Duration::from_secs(3) {
            flow.acquire().await;
            sent += 1;
        }
        let rate = f64::from(sent) / started.elapsed().as_secs_f64();
        assert!((90.0..=110.0).contains(&rate), "{rate} requests a second");
    }

    #[test]
    fn the_first_throttle_engages_under_what_got_through_and_later_ones_cut() {
        let flow = FlowControl::new(true);
        assert_eq!(flow.rate(), None, "off until throttled");
        for _ in 0..100 {
            flow.succeeded(Duration::from_millis(40));
        }
        flow.throttled(Instant::now());
        assert_eq!(
            flow.rate(),
            Some(EXPECTED_RATE * ENGAGE),
            "under a second of history: under the documented rate"
        );
        let flow = FlowControl::new(true);
        for _ in 0..100 {
            flow.succeeded(Duration::from_millis(40));
        }
        flow.state.lock().unwrap().first_success = Some(Instant::now() - Duration::from_secs(2));
        let sent_before_the_cut = Instant::now();
        flow.throttled(Instant::now());
        let engaged = flow.rate().unwrap();
        assert!(
            (engaged - 100.0 * ENGAGE).abs() < 1e-9,
            "under what got through: {engaged}"
        );
        flow.throttled(sent_before_the_cut);
        assert_eq!(
            flow.rate(),
            Some(engaged),
            "sent before the cut: no second cut"
        );
        flow.throttled(Instant::now());
        assert_eq!(
            flow.rate(),
            Some(engaged),
            "within the least interval between cuts: no second cut"
        );
        {
            let mut state = flow.state.lock().unwrap();
            state.successes.clear();
            state.last_cut = Some(Instant::now() - MIN_CUT_INTERVAL);
        }
        flow.throttled(Instant::now());
        assert!(
            (flow.rate().unwrap() - engaged * CUT).abs() < 1e-9,
            "nothing got through: cut"
        );
        std::thread::sleep(Duration::from_millis(10));
        flow.succeeded(Duration::from_millis(40));
        assert!(flow.rate().unwrap() > engaged * CUT, "raised by a success");
    }

    #[test]
    fn far_below_what_got_through_the_rate_recovers_fast_and_near_it_probes_slowly() {
        let flow = FlowControl::new(true);
        let raise_after = |rate: f64| {
            {
                let mut state = flow.state.lock().unwrap();
                state.rate = Some(rate);
                state.best = Some(200.0);
                state.raised = Instant::now() - Duration::from_millis(100);
            }
            flow.succeeded(Duration::from_millis(40));
            flow.rate().unwrap() - rate
        };
        // A tenth of a second: 10% and 1% a second of the 200/s that got through.
        assert!((raise_after(20.0) - 2.0).abs() < 0.1, "recovering");
        assert!((raise_after(190.0) - 0.2).abs() < 0.01, "probing");
        assert!(
            (raise_after(300.0) - 0.2).abs() < 0.01,
            "above: probing by 1% of what got through"
        );
        assert!(
            raise_after(399.9) <= 0.1 + 1e-9,
            "never above twice what got through"
        );
    }

    #[test]
    fn pages_in_flight_follow_rate_times_latency() {
        let flow = FlowControl::new(true);
        assert_eq!(flow.pages_in_flight(4), 4, "nothing known: the floor");
        assert_eq!(
            flow.page_spacing(4),
            Some(Duration::from_secs_f64(1.0 / (EXPECTED_RATE * PACE))),
            "nothing known: spaced for the expected rate"
        );
        // One schedule: each start reserved is one spacing after the one before.
        let first = flow.reserve_page_start(4).unwrap();
        let second = flow.reserve_page_start(4).unwrap();
        let gap = second.duration_since(first).as_secs_f64();
        assert!((gap - 1.0 / (EXPECTED_RATE * PACE)).abs() < 1e-6, "{gap}");
        flow.succeeded(Duration::from_millis(45));
        assert_eq!(
            flow.pages_in_flight(4),
            18,
            "194/s x 45 ms rounded up, twice for pages read in order"
        );
        let spacing = flow.page_spacing(4).unwrap().as_secs_f64();
        assert!(
            (spacing - 1.0 / (EXPECTED_RATE * PACE)).abs() < 1e-6,
            "paced at 194/s: {spacing}"
        );
        flow.state.lock().unwrap().latency = Some(0.010);
        assert_eq!(flow.pages_in_flight(4), 4, "the floor");
        assert_eq!(
            flow.page_spacing(4),
            None,
            "the floor, not the round trip: unpaced"
        );
        {
            let mut state = flow.state.lock().unwrap();
            state.latency = Some(0.040);
            state.rate = Some(100.0);
        }
        assert_eq!(flow.pages_in_flight(4), 8, "engaged: twice 100/s x 40 ms");
        assert_eq!(flow.page_spacing(4), None, "engaged: the limiter paces");
        flow.state.lock().unwrap().latency = Some(10.0);
        assert_eq!(flow.pages_in_flight(4), MAX_PAGES_IN_FLIGHT);
        let off = FlowControl::new(false);
        off.throttled(Instant::now());
        assert_eq!(off.rate(), None, "switched off: never engages");
        off.succeeded(Duration::from_millis(45));
        assert_eq!(off.pages_in_flight(4), 4, "switched off: the fixed number");
        assert_eq!(off.page_spacing(4), None, "switched off: unpaced");
    }
}
