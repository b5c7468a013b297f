//! How each request of the generated clients is sent: authenticated (signed again on every
//! attempt, with the clock corrected for skew), retried when that is safe and useful, bounded in
//! time, and observed with tracing. What the last answer was (status, request id, error body) is
//! recorded for the call, so errors can say it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use jiff::{SignedDuration, Timestamp};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument;

use crate::auth::apply_credentials;
use crate::clock::Clock;
use crate::credentials::Credentials;
use crate::endpoints::EndpointSet;
use crate::provider::CredentialsCache;
use crate::retry::{self, RetryPolicy};
use crate::signing;

/// The header progenitor adds from the spec's `info.version`; not part of these APIs.
const API_VERSION: &str = "api-version";

/// What the last answer of a call was; filled by the transport, read by the operation.
#[derive(Debug, Default, Clone)]
pub(crate) struct CallRecord {
    pub status: Option<u16>,
    pub request_id: Option<String>,
    pub retry_after: Option<u64>,
    pub error_body: Option<Bytes>,
    pub location: Option<String>,
    pub attempts: u32,
    /// A failure before sending (a request that could not be signed).
    pub local_error: Option<String>,
    /// The credentials were refused as expired and cannot be refreshed (static ones).
    pub expired_static_credentials: bool,
    /// The error itself, when it is more than a message (no credentials could be found).
    pub local_failure: Option<Arc<Mutex<Option<crate::Error>>>>,
    /// The answer's body was over this many bytes and was not read on.
    pub too_large: Option<usize>,
    /// How long the last attempt ran, and the limits it ran under (for timeout errors).
    pub attempt_elapsed: Option<Duration>,
    pub attempt_limit: Duration,
    pub connect_limit: Duration,
}

tokio::task_local! {
    /// The record of the call running on this task.
    pub(crate) static CALL: Arc<Mutex<CallRecord>>;
}

fn record(update: impl FnOnce(&mut CallRecord)) {
    let _ = CALL.try_with(|slot| {
        if let Ok(mut record) = slot.lock() {
            update(&mut record);
        }
    });
}

/// The transport one service's generated client sends through.
#[derive(Clone, Debug)]
pub(crate) struct HwcTransport {
    /// Where the service's requests go, and which endpoint is in use.
    pub endpoints: Arc<EndpointSet>,
    /// Shared by every transport of the client, so one refresh serves both services.
    pub credentials: Arc<CredentialsCache>,
    /// The IAM project, sent as a signed `X-Project-Id` with AK/SK on every service once known,
    /// as the official SDKs do (CodeArts Check's own project in its path is another id).
    pub project: Arc<crate::project::ProjectSlot>,
    pub clock: Arc<Clock>,
    pub retry: RetryPolicy,
    pub attempt_timeout: Duration,
    /// The limit of a whole call: no wait that would end past it is started.
    pub operation_timeout: Duration,
    /// Largest answer body read; a larger one ends the attempt.
    pub max_response_bytes: usize,
    /// The HTTP client's connect timeout, to name it when it is hit.
    pub connect_timeout: Duration,
    /// Client-side flow control of each API (operation), shared by the client's clones.
    pub flow: Arc<crate::flow_control::FlowControls>,
    /// The spellings of values the service took, shared by the client's transports.
    pub spellings: Arc<crate::spelling::Spellings>,
    /// Describe each request instead of sending it.
    pub dry_run: bool,
    /// How AK/SK requests of this service are signed.
    pub signing: crate::signing::Scheme,
    /// The client's interceptors, then the call's.
    pub interceptors: Vec<Arc<dyn crate::Interceptor>>,
    /// Where attempts go instead of the network, when set (tests).
    pub connector: Option<Arc<dyn crate::Connector>>,
}

impl hwc_api::Transport for HwcTransport {
    fn prepare(&self, request: &mut Request, _operation_id: &'static str) -> Result<(), String> {
        request.headers_mut().remove(API_VERSION);
        // Finds what could not be signed before anything is sent (credentials were checked
        // when they were made).
        signing::check_signable(request).map_err(|e| e.to_string())?;
        Ok(())
    }

    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: Request,
        operation_id: &'static str,
    ) -> hwc_api::TransportFuture<'a> {
        let Ok(options) = crate::call_options::OPTIONS.try_with(Arc::clone) else {
            return Box::pin(self.run_spelled(client, request, operation_id));
        };
        if options.is_default() {
            return Box::pin(self.run_spelled(client, request, operation_id));
        }
        // This call's limits and headers over the client's, on the same shared parts.
        let mut adjusted = self.clone();
        adjusted.retry = options.retry.unwrap_or(self.retry);
        adjusted.attempt_timeout = options.attempt_timeout.unwrap_or(self.attempt_timeout);
        adjusted.operation_timeout = options.operation_timeout.unwrap_or(self.operation_timeout);
        adjusted
            .interceptors
            .extend(options.interceptors.iter().cloned());
        let mut request = request;
        for (name, value) in &options.headers {
            // Checked when the call started.
            if let (Ok(name), Ok(value)) = (
                reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                request.headers_mut().append(name, value);
            }
        }
        Box::pin(async move { adjusted.run_spelled(client, request, operation_id).await })
    }
}

impl HwcTransport {
    /// [`run`](Self::run) with the spellings the client learned, and once more with the other
    /// spelling of a value when the service answers 400 naming its parameter (see
    /// [`crate::spelling`]).
    async fn run_spelled(
        &self,
        client: &reqwest::Client,
        mut request: Request,
        operation_id: &'static str,
    ) -> reqwest::Result<Response> {
        let Some(operation) = crate::spelling::operation(operation_id) else {
            return self.run(client, request, operation_id, operation_id).await;
        };
        self.spellings.apply(operation, &mut request);
        let spare = request.try_clone();
        let response = self
            .run(client, request, operation_id, operation.id)
            .await?;
        let Some(spare) = spare.filter(|_| response.status() == StatusCode::BAD_REQUEST) else {
            return Ok(response);
        };
        let answer = Answer {
            status: response.status(),
            version: response.version(),
            headers: response.headers().clone(),
            body: response.bytes().await?,
        };
        let refusal =
            crate::error::ApiError::from_body(operation_id, 400, &answer.body, None, None);
        let named = format!("{} {}", refusal.code, refusal.message);
        let Some((respelled, learning)) = self.spellings.respell(operation, &spare, &named) else {
            return Ok(answer.into_response());
        };
        let again = self
            .run(client, respelled, operation_id, operation.id)
            .await?;
        if again.status().is_success() {
            self.spellings.learn(&learning);
        }
        Ok(again)
    }
}

/// What to do with an answer.
enum Verdict {
    /// Hand it to the generated code.
    Done,
    /// Try again after the delay (or the policy's backoff when `None`).
    Retry(Option<Duration>),
    /// The signature expired: correct the clock by this much and sign again, at once.
    ClockSkew(SignedDuration),
    /// The credentials expired (`APIGW.0307`, `CC.00000003`): refresh them and sign again.
    CredentialsExpired,
}

/// How an attempt was authenticated.
struct Signed {
    /// The clock estimate the signature was made with.
    estimate: i64,
    /// Which credentials of the cache signed it.
    generation: u64,
    /// Whether refreshing can give other credentials.
    refreshable: bool,
    /// AK/SK (a signature whose time can be corrected), not a token.
    access_key: bool,
}

/// Error codes saying the credentials (security token or IAM token) expired.
pub(crate) const EXPIRED_CREDENTIALS_CODES: [&str; 2] = ["APIGW.0307", "CC.00000003"];

/// An answer with its body read.
struct Answer {
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
    body: Bytes,
}

/// Why an attempt has no answer to read.
enum Unread {
    /// Its body is over the limit.
    TooLarge(TooLarge),
    /// The connector had none.
    NoAnswer(crate::ConnectorError),
}

/// An answer whose body is over the limit: how far it got and what it was.
struct TooLarge {
    status: StatusCode,
    request_id: Option<String>,
}

impl Answer {
    /// Reads the whole body, so a body cut short is an error here, where it can be retried. A
    /// body over `limit` bytes (announced or as it arrives) stops the reading there.
    async fn read(
        mut response: Response,
        limit: usize,
    ) -> Result<Result<Self, TooLarge>, reqwest::Error> {
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let too_large = || TooLarge {
            status,
            request_id: header_text(&headers, "x-request-id"),
        };
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Ok(Err(too_large()));
        }
        let mut body = bytes::BytesMut::with_capacity(
            response
                .content_length()
                .map_or(0, |length| usize::try_from(length).unwrap_or(0)),
        );
        while let Some(chunk) = response.chunk().await? {
            if body.len().saturating_add(chunk.len()) > limit {
                return Ok(Err(too_large()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Ok(Self {
            status,
            version,
            headers,
            body: body.freeze(),
        }))
    }

    fn into_response(self) -> Response {
        let mut rebuilt = http::Response::new(self.body);
        *rebuilt.status_mut() = self.status;
        *rebuilt.version_mut() = self.version;
        *rebuilt.headers_mut() = self.headers;
        Response::from(rebuilt)
    }
}

impl HwcTransport {
    /// Authenticates one attempt with the credentials in use now.
    async fn authenticate(&self, request: &mut Request) -> Result<Signed, crate::Error> {
        let current = self.credentials.get().await?;
        let estimate = self.clock.estimate_ms();
        let credentials = &current.provided.credentials;
        let signed = Signed {
            estimate,
            generation: current.generation,
            refreshable: CredentialsCache::is_refreshable(&current),
            access_key: matches!(credentials, Credentials::AccessKey(_)),
        };
        // The official SDKs send the IAM project in a signed header with AK/SK, whatever the
        // service. An id a header cannot carry (not printable ASCII) is left out; HSS has it in
        // its path.
        if signed.access_key
            && let Some(project) = self.project.get()
            && project.bytes().all(|b| b.is_ascii_graphic())
            && let Ok(value) = HeaderValue::from_str(project)
        {
            request.headers_mut().insert("x-project-id", value);
        }
        apply_credentials(
            credentials,
            request,
            Clock::server_time(estimate),
            &self.signing,
        )?;
        Ok(signed)
    }

    /// Tells the interceptors how an attempt went: the status and request id of whatever
    /// answer came, none when the connection or the connector gave none.
    fn after_attempt(
        &self,
        operation: &'static str,
        attempt: u32,
        outcome: &reqwest::Result<Result<Answer, Unread>>,
        elapsed: Duration,
    ) {
        if self.interceptors.is_empty() {
            return;
        }
        let (status, request_id) = match outcome {
            Ok(Ok(answer)) => (
                Some(answer.status.as_u16()),
                header_text(&answer.headers, "x-request-id"),
            ),
            Ok(Err(Unread::TooLarge(too_large))) => (
                Some(too_large.status.as_u16()),
                too_large.request_id.clone(),
            ),
            Ok(Err(Unread::NoAnswer(_))) | Err(_) => (None, None),
        };
        for interceptor in &self.interceptors {
            interceptor.after_attempt(&crate::AfterAttempt {
                operation,
                attempt,
                status,
                request_id: request_id.as_deref(),
                elapsed,
            });
        }
    }

    async fn run(
        &self,
        client: &reqwest::Client,
        request: Request,
        operation_id: &'static str,
        // What interceptors and connectors are told: the spec's operation id (`CheckRecord`),
        // not the generated one (`check_record`).
        spec_id: &'static str,
    ) -> reqwest::Result<Response> {
        let started = Instant::now();
        let flow = self.flow.of(operation_id);
        let idempotent = retry::is_idempotent(request.method());
        // Signing again after an expiry rejection: once normally; a second time covers a call
        // whose first retry raced with the server's clock moving.
        let mut clock_resigns: u32 = 0;
        // Credentials refused as expired are refreshed once per call.
        let mut credential_refreshes: u32 = 0;
        let mut attempt: u32 = 0;
        // Attempts that moved to another endpoint at once, and endpoints found unreachable in a
        // row: a failover is not a retry until every endpoint has been tried.
        let mut failovers: u32 = 0;
        let mut unreachable_in_a_row: usize = 0;
        // Answers throttled by flow control (429): they buy time, not attempts. The limiter
        // slows down on each, and the call waits them out until its deadline.
        let mut throttles: u32 = 0;
        loop {
            attempt += 1;
            let Some(mut this_try) = request.try_clone() else {
                // A streaming body can be neither signed nor replayed: never send it unsigned.
                let why =
                    "the request body is a stream, which can be neither signed nor sent again";
                record(|r| r.local_error = Some(why.to_owned()));
                return Ok(local_failure(why));
            };
            let endpoint = self.endpoints.preferred();
            if self.dry_run {
                // Aimed, not signed: what would go out, before any credentials are needed.
                let request = match self.endpoints.aim(&mut this_try, endpoint) {
                    Ok(()) => describe_unsent(&this_try, self.project.get()),
                    Err(error) => return Ok(failed_before_sending(error)),
                };
                return Ok(failed_before_sending(crate::Error::DryRun { request }));
            }
            let aimed = match self.endpoints.aim(&mut this_try, endpoint) {
                Ok(()) => {
                    for interceptor in &self.interceptors {
                        interceptor.before_signing(&mut crate::BeforeSigning {
                            operation: spec_id,
                            attempt,
                            headers: this_try.headers_mut(),
                        });
                    }
                    self.authenticate(&mut this_try).await
                }
                Err(error) => Err(error),
            };
            let signed_with = match aimed {
                Ok(signed) => signed,
                Err(error) => {
                    // Never send unsigned: say why through a local answer.
                    return Ok(failed_before_sending(error));
                }
            };
            *this_try.timeout_mut() = Some(self.attempt_timeout);
            // OpenTelemetry's HTTP client names beside hwc's own: tracing-opentelemetry exports
            // it as a client span named by its method.
            let span = tracing::debug_span!(
                "attempt",
                operation = operation_id,
                attempt,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                "http.request.method" = %this_try.method(),
                "server.address" = this_try.url().host_str().unwrap_or_default(),
                "url.full" = %this_try.url(),
                "http.response.status_code" = tracing::field::Empty,
                "otel.name" = %this_try.method(),
                "otel.kind" = "client",
            );
            flow.acquire().await;
            let (method, url) = (this_try.method().clone(), this_try.url().clone());
            let sent = Instant::now();
            let outcome = async {
                let response = match &self.connector {
                    None => client.execute(this_try).await,
                    Some(connector) => {
                        let answer = match crate::connector::to_http(this_try, spec_id) {
                            // The attempt timeout holds for a connector as for a socket.
                            Ok(attempt) => {
                                tokio::time::timeout(self.attempt_timeout, connector.send(attempt))
                                    .await
                                    .unwrap_or_else(|_| {
                                        Err(crate::ConnectorError::new(
                                            "no answer within the attempt timeout",
                                        ))
                                    })
                            }
                            Err(error) => Err(error),
                        };
                        match answer {
                            Ok(answer) => Ok(Response::from(answer)),
                            Err(error) => return Ok(Err(Unread::NoAnswer(error))),
                        }
                    }
                };
                match response {
                    Ok(response) => Ok(Answer::read(response, self.max_response_bytes)
                        .await?
                        .map_err(Unread::TooLarge)),
                    Err(error) => Err(error),
                }
            }
            .instrument(span.clone())
            .await;
            // Every attempt is counted and shown to the interceptors, those that got no
            // answer or one over the size limit included.
            let attempt_elapsed = sent.elapsed();
            span.record("latency_ms", attempt_elapsed.as_millis() as u64);
            record(|r| {
                r.attempts = attempt;
                r.attempt_elapsed = Some(attempt_elapsed);
                r.attempt_limit = self.attempt_timeout;
                r.connect_limit = self.connect_timeout;
            });
            self.after_attempt(spec_id, attempt, &outcome, attempt_elapsed);
            // Over the size limit: not retried, since it would be as large again.
            let outcome = match outcome {
                Ok(Err(Unread::NoAnswer(error))) => {
                    return Ok(failed_before_sending(crate::Error::Transport {
                        operation: operation_id,
                        what: "the connector gave no answer",
                        source: Box::new(error),
                    }));
                }
                Ok(Err(Unread::TooLarge(too_large))) => {
                    let limit = self.max_response_bytes;
                    record(|r| {
                        r.status = Some(too_large.status.as_u16());
                        r.request_id = too_large.request_id;
                        r.too_large = Some(limit);
                    });
                    return Ok(local_failure("the answer is over the size limit"));
                }
                Ok(Ok(answer)) => Ok(answer),
                Err(error) => Err(error),
            };
            // One line per attempt for `hwc --debug`: what was asked and what came back, never
            // a header (the URL holds no secret: credentials travel in headers).
            match &outcome {
                Ok(answer) => tracing::debug!(
                    target: ATTEMPT_TARGET,
                    operation = operation_id,
                    attempt,
                    %method,
                    %url,
                    status = answer.status.as_u16(),
                    request_id = header_text(&answer.headers, "x-request-id").as_deref().unwrap_or("-"),
                    elapsed_ms = sent.elapsed().as_millis() as u64,
                    "attempt"
                ),
                Err(error) => tracing::debug!(
                    target: ATTEMPT_TARGET,
                    operation = operation_id,
                    attempt,
                    %method,
                    %url,
                    %error,
                    elapsed_ms = sent.elapsed().as_millis() as u64,
                    "attempt failed"
                ),
            }

            let verdict: Answer = match outcome {
                Err(error) if error.is_connect() && self.endpoints.len() > 1 => {
                    self.endpoints.unreachable(endpoint);
                    unreachable_in_a_row += 1;
                    if unreachable_in_a_row < self.endpoints.len() {
                        failovers += 1;
                        tracing::info!(
                            operation = operation_id,
                            unreachable = self.endpoints.text(endpoint),
                            next = self.endpoints.current(),
                            %error,
                            "cannot connect; trying the next endpoint"
                        );
                        continue;
                    }
                    // Every endpoint failed in a row: an ordinary retry, after a backoff.
                    unreachable_in_a_row = 0;
                    let tries = attempt - failovers - throttles;
                    let delay = (idempotent && retry::is_transient_failure(&error))
                        .then(|| self.retry_delay(tries, started, None))
                        .flatten();
                    if let Some(delay) = delay {
                        tracing::debug!(operation = operation_id, attempt, %error, ?delay, "no endpoint reachable; retrying");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(error);
                }
                Ok(answer) => {
                    unreachable_in_a_row = 0;
                    if answer.status == StatusCode::TOO_MANY_REQUESTS {
                        flow.throttled(sent);
                    } else if answer.status.is_success() {
                        flow.succeeded(attempt_elapsed);
                    }
                    span.record("status", answer.status.as_u16());
                    span.record("http.response.status_code", answer.status.as_u16());
                    if let Some(id) = header_text(&answer.headers, "x-request-id") {
                        span.record("request_id", id.as_str());
                    }
                    answer
                }
                Err(error) => {
                    let tries = attempt - failovers - throttles;
                    let delay = (idempotent && retry::is_transient_failure(&error))
                        .then(|| self.retry_delay(tries, started, None))
                        .flatten();
                    if let Some(delay) = delay {
                        tracing::debug!(operation = operation_id, attempt, %error, ?delay, "retrying after a transport error");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(error);
                }
            };
            match classify(&verdict) {
                Verdict::Done => return Ok(note(verdict)),
                Verdict::CredentialsExpired => {
                    if !signed_with.refreshable {
                        record(|r| r.expired_static_credentials = true);
                        return Ok(note(verdict));
                    }
                    if credential_refreshes >= 1 {
                        return Ok(note(verdict));
                    }
                    credential_refreshes += 1;
                    tracing::info!(
                        operation = operation_id,
                        "the credentials were refused as expired; refreshing them and trying again"
                    );
                    match self
                        .credentials
                        .refresh_after_rejection(signed_with.generation)
                        .await
                    {
                        Ok(true) => {}
                        Ok(false) => return Ok(note(verdict)),
                        Err(error) => return Ok(failed_before_sending(error)),
                    }
                }
                Verdict::ClockSkew(correction) => {
                    if clock_resigns >= 2 || !signed_with.access_key {
                        return Ok(note(verdict));
                    }
                    clock_resigns += 1;
                    let estimate = self.clock.learn(signed_with.estimate, correction);
                    tracing::warn!(
                        operation = operation_id,
                        correction_s = correction.as_secs(),
                        offset_s = estimate / 1_000,
                        "the gateway says our clock is off; signing again with the corrected time"
                    );
                }
                Verdict::Retry(retry_after) => {
                    let throttled = verdict.status == StatusCode::TOO_MANY_REQUESTS;
                    if throttled {
                        throttles += 1;
                    }
                    // A throttle's wait doubles with the throttles of this call; any other
                    // failure's with the attempts that were not throttled.
                    let tries = attempt - failovers - throttles;
                    let step = if throttled { throttles } else { tries };
                    let delay = idempotent
                        .then(|| self.retry_delay_at(tries, step, started, retry_after))
                        .flatten();
                    let Some(delay) = delay else {
                        return Ok(note(verdict));
                    };
                    tracing::debug!(
                        operation = operation_id,
                        attempt,
                        status = verdict.status.as_u16(),
                        ?delay,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Whether another attempt fits the policy: attempts left, and the wait ends before the
    /// call's deadline (the retry budget or the operation timeout, whichever comes first). A
    /// wait that would not, however long a header says it is, ends the call with the answer.
    fn may_retry(&self, attempt: u32, started: Instant, wait: Duration) -> bool {
        if !self.retry.enabled || attempt >= self.retry.max_attempts {
            return false;
        }
        let deadline = self.retry.max_elapsed.min(self.operation_timeout);
        ends_before(started.elapsed(), wait, deadline)
    }

    /// The wait before another attempt (the server's `Retry-After`, else a backoff drawn now),
    /// or `None` when there is no attempt left or the wait would end past the deadline: every
    /// wait slept is one that was checked.
    fn retry_delay(
        &self,
        attempt: u32,
        started: Instant,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        self.retry_delay_at(attempt, attempt, started, retry_after)
    }

    /// [`retry_delay`](Self::retry_delay) with the backoff drawn for step `step` rather than
    /// for the attempt (a throttle's wait doubles with the call's throttles).
    fn retry_delay_at(
        &self,
        attempt: u32,
        step: u32,
        started: Instant,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let delay = retry_after.unwrap_or_else(|| self.retry.backoff(step));
        self.may_retry(attempt, started, delay).then_some(delay)
    }
}

/// Whether waiting `wait` more after `elapsed` ends before `deadline`; never overflows.
fn ends_before(elapsed: Duration, wait: Duration, deadline: Duration) -> bool {
    elapsed.checked_add(wait).is_some_and(|end| end < deadline)
}

fn classify(answer: &Answer) -> Verdict {
    let status = answer.status;
    if status.is_success() || status.is_redirection() {
        return Verdict::Done;
    }
    // Only error bodies that can matter are parsed.
    let code = match status {
        StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED => Some(
            crate::error::ApiError::from_body("", status.as_u16(), &answer.body, None, None),
        ),
        _ => None,
    };
    let error_code = code.as_ref().map_or("", |error| error.code.as_str());
    if retry::is_transient_answer(status, error_code) {
        return Verdict::Retry(retry_after(&answer.headers));
    }
    if let Some(error) = &code
        && status == StatusCode::UNAUTHORIZED
        && EXPIRED_CREDENTIALS_CODES.contains(&error.code.as_str())
    {
        return Verdict::CredentialsExpired;
    }
    if let Some(error) = &code
        && status == StatusCode::UNAUTHORIZED
        && error.code == "APIGW.0301"
        && let Some(correction) = skew_correction(&error.message, &answer.headers)
    {
        return Verdict::ClockSkew(correction);
    }
    Verdict::Done
}

/// From `... signature expired, signature time:<t1>, server time:<t2>` (or, lacking a server
/// time, the `Date` header): how far to move our clock.
pub(crate) fn skew_correction(message: &str, headers: &HeaderMap) -> Option<SignedDuration> {
    if !message.contains("signature expired") {
        return None;
    }
    let after = |label: &str| {
        message
            .split(label)
            .nth(1)
            .map(|rest| {
                rest.trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
            })
            .and_then(|text| signing::parse_sdk_date(&text))
    };
    let signed = after("signature time:")?;
    let server = after("server time:").or_else(|| {
        let date = header_text(headers, "date")?;
        jiff::fmt::rfc2822::parse(&date)
            .ok()
            .map(|zoned| zoned.timestamp())
    })?;
    Some(server.duration_since(signed))
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = header_text(headers, "retry-after")?;
    if let Ok(seconds) = text.trim().parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(text.trim()).ok()?.timestamp();
    let wait = when.duration_since(Timestamp::now());
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Records what the final answer was, keeping error bodies for the typed error.
fn note(answer: Answer) -> Response {
    let error_body = (!answer.status.is_success()).then(|| answer.body.clone());
    let request_id = header_text(&answer.headers, "x-request-id");
    let retry_after = retry_after(&answer.headers).map(|d| d.as_secs());
    let location = header_text(&answer.headers, "location");
    let status = answer.status.as_u16();
    record(|r| {
        r.status = Some(status);
        r.request_id = request_id;
        r.retry_after = retry_after;
        r.error_body = error_body;
        r.location = location;
    });
    answer.into_response()
}

/// Records `error` for the call and answers with a local failure.
/// The `tracing` target of the one event each attempt logs (method, URL, status, request id,
/// time): what `hwc --debug` shows.
pub const ATTEMPT_TARGET: &str = "hwc::attempt";

/// Headers whose values are secrets: shown as `<redacted>` in a dry run.
const SECRET_HEADERS: [&str; 3] = ["authorization", "x-auth-token", "x-security-token"];

/// A request as a dry run shows it: method and URL, then each header (a secret's value
/// redacted), and a note that the signature is made when the request is sent.
fn describe_unsent(request: &Request, project: Option<&str>) -> String {
    let mut text = format!("{} {}\n", request.method(), request.url());
    if let Some(host) = request.url().host_str() {
        text.push_str(&format!("host: {host}\n"));
    }
    for (name, value) in request.headers() {
        let value = if SECRET_HEADERS.contains(&name.as_str()) {
            "<redacted>"
        } else {
            value.to_str().unwrap_or("<not text>")
        };
        text.push_str(&format!("{name}: {value}\n"));
    }
    if let Some(project) = project {
        text.push_str(&format!("x-project-id: {project} (with AK/SK)\n"));
    }
    text.push_str(
        "authorization: <redacted> (made when sent: an AK/SK signature with x-sdk-date, or x-auth-token with an IAM token; no credentials were fetched)",
    );
    text
}

fn failed_before_sending(error: crate::Error) -> Response {
    let message = error.to_string();
    record(|r| {
        r.local_error = Some(message.clone());
        r.local_failure = Some(Arc::new(Mutex::new(Some(error))));
    });
    local_failure(&message)
}

/// A synthetic answer for a failure that happened before sending.
fn local_failure(message: &str) -> Response {
    let mut response = http::Response::new(Bytes::from(message.to_owned()));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
        .headers_mut()
        .insert("x-hwc-local-error", HeaderValue::from_static("1"));
    Response::from(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    /// Answers every request with 503 and counts them.
    async fn always_unavailable() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = Arc::clone(&count);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let counted = Arc::clone(&counted);
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = stream.read(&mut buf).await;
                    counted.fetch_add(1, Ordering::SeqCst);
                    let _ = stream
                        .write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .await;
                });
            }
        });
        (url, count)
    }

    fn transport(url: &str) -> HwcTransport {
        HwcTransport {
            endpoints: Arc::new(EndpointSet::new(vec![url.to_owned()]).unwrap()),
            credentials: Arc::new(CredentialsCache::new(Arc::new(
                crate::provider::StaticCredentials::new(Credentials::token("t").unwrap(), "test"),
            ))),
            project: Arc::default(),
            clock: Arc::default(),
            retry: RetryPolicy {
                base_delay: Duration::from_millis(1),
                ..RetryPolicy::default()
            },
            attempt_timeout: Duration::from_secs(5),
            operation_timeout: Duration::from_secs(30),
            max_response_bytes: 1 << 20,
            connect_timeout: Duration::from_secs(5),
            flow: Arc::new(crate::flow_control::FlowControls::new(true, None)),
            spellings: Arc::default(),
            dry_run: false,
            signing: crate::signing::Scheme::default(),
            interceptors: Vec::new(),
            connector: None,
        }
    }

    #[tokio::test]
    async fn only_idempotent_methods_are_retried() {
        let (url, count) = always_unavailable().await;
        let transport = transport(&url);
        let http = reqwest::Client::new();
        for (method, sent) in [(reqwest::Method::POST, 1), (reqwest::Method::GET, 5)] {
            count.store(0, Ordering::SeqCst);
            let request = Request::new(method.clone(), format!("{url}/x").parse().unwrap());
            let response = transport.run(&http, request, "Op", "Op").await.unwrap();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(count.load(Ordering::SeqCst), sent, "{method}");
        }
    }

    #[test]
    fn no_backoff_is_slept_past_the_deadline() {
        let mut transport = transport("http://127.0.0.1:1");
        transport.retry = RetryPolicy {
            base_delay: Duration::from_secs(10),
            max_delay: Duration::from_secs(10),
            ..RetryPolicy::default()
        };
        transport.operation_timeout = Duration::from_secs(1);
        let started = Instant::now();
        for _ in 0..200 {
            if let Some(delay) = transport.retry_delay(1, started, None) {
                assert!(
                    started.elapsed() + delay < Duration::from_secs(1),
                    "{delay:?}"
                );
            }
        }
        assert_eq!(
            transport.retry_delay(1, started, Some(Duration::from_secs(5))),
            None
        );
    }

    #[tokio::test]
    async fn a_request_that_cannot_be_signed_is_never_sent() {
        let (url, count) = always_unavailable().await;
        let transport = transport(&url);
        let mut request = Request::new(reqwest::Method::GET, format!("{url}/x").parse().unwrap());
        // A streaming body can be neither hashed for a signature nor replayed.
        let chunks: Vec<Result<&'static [u8], std::io::Error>> = vec![Ok(b"body")];
        *request.body_mut() = Some(reqwest::Body::wrap_stream(futures::stream::iter(chunks)));
        let slot = Arc::new(Mutex::new(CallRecord::default()));
        let response = CALL
            .scope(
                Arc::clone(&slot),
                transport.run(&reqwest::Client::new(), request, "Op", "Op"),
            )
            .await
            .unwrap();
        assert!(response.headers().contains_key("x-hwc-local-error"));
        assert!(slot.lock().unwrap().local_error.is_some());
        assert_eq!(count.load(Ordering::SeqCst), 0, "nothing was sent");
    }

    #[test]
    fn the_correction_comes_from_the_message_or_the_date_header() {
        let headers = HeaderMap::new();
        let message = "calc aksk signature fail:signature expired, signature time:20211217T064303Z, server time:20211217T065804Z";
        assert_eq!(
            skew_correction(message, &headers),
            Some(SignedDuration::from_secs(15 * 60 + 1))
        );

        let mut dated = HeaderMap::new();
        dated.insert(
            "date",
            HeaderValue::from_static("Fri, 17 Dec 2021 06:13:03 GMT"),
        );
        let without_server_time =
            "calc aksk signature fail:signature expired, signature time:20211217T064303Z";
        assert_eq!(
            skew_correction(without_server_time, &dated),
            Some(SignedDuration::from_mins(-30))
        );

        assert_eq!(skew_correction("verify aksk signature fail", &dated), None);
        assert_eq!(
            skew_correction("signature expired, signature time:garbage", &headers),
            None
        );
    }

    proptest::proptest! {
        #[test]
        fn any_retry_after_reads_without_panicking(text in "\\PC{0,40}", seconds: u64) {
            for value in [text, seconds.to_string(), format!(" {seconds} ")] {
                let mut headers = HeaderMap::new();
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.insert("retry-after", value);
                    headers.insert("date", HeaderValue::from_static("Fri, 17 Dec 2021 06:13:03 GMT"));
                }
                let wait = retry_after(&headers);
                if let Some(wait) = wait {
                    let _ = ends_before(Duration::from_secs(3), wait, Duration::from_secs(300));
                }
                let message = format!("signature expired, signature time:{}, server time:{}", value, value);
                let _ = skew_correction(&message, &headers);
            }
            proptest::prop_assert_eq!(
                retry_after(&{
                    let mut h = HeaderMap::new();
                    h.insert("retry-after", HeaderValue::from(seconds));
                    h
                }),
                Some(Duration::from_secs(seconds))
            );
        }

        #[test]
        fn waits_never_overflow(elapsed_s: u64, elapsed_ns in 0u32..1_000_000_000, wait_s: u64, deadline_s: u64) {
            let elapsed = Duration::new(elapsed_s, elapsed_ns);
            let wait = Duration::from_secs(wait_s);
            let deadline = Duration::from_secs(deadline_s);
            let fits = ends_before(elapsed, wait, deadline);
            proptest::prop_assert_eq!(fits, elapsed.as_nanos() + wait.as_nanos() < deadline.as_nanos());
        }
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Fri, 17 Dec 2021 06:13:03 GMT"),
        );
        assert_eq!(
            retry_after(&headers),
            Some(Duration::ZERO),
            "a date in the past: no wait"
        );
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }
}
