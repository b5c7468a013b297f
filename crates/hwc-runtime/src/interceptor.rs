//! [`Interceptor`]: code of the caller's that runs inside each call: before each attempt is
//! signed (it may add headers, which are then signed), after each attempt's answer, and after
//! the call. Registered per client (`ClientBuilder::interceptor`) or per call
//! (`CallOptions::interceptor`). [`TraceParent`] is one: it sends a W3C `traceparent`.

use std::fmt;
use std::time::Duration;

/// What an interceptor sees before an attempt is signed.
#[derive(Debug)]
#[non_exhaustive]
pub struct BeforeSigning<'a> {
    /// The operation (`CheckRecord`).
    pub operation: &'static str,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The request's headers: what is added here is sent and signed (a header the client
    /// writes itself, such as `Authorization`, is overwritten by it).
    pub headers: &'a mut http::HeaderMap,
}

/// What an interceptor sees after an attempt was answered (or failed to be).
#[derive(Debug)]
#[non_exhaustive]
pub struct AfterAttempt<'a> {
    /// The operation.
    pub operation: &'static str,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The answer's status, when there was one.
    pub status: Option<u16>,
    /// The answer's `X-Request-Id`.
    pub request_id: Option<&'a str>,
    /// How long the attempt took.
    pub elapsed: Duration,
}

/// What an interceptor sees after the call.
#[derive(Debug)]
#[non_exhaustive]
pub struct AfterCall<'a> {
    /// The operation.
    pub operation: &'static str,
    /// Whether the call succeeded.
    pub succeeded: bool,
    /// The last answer's status.
    pub status: Option<u16>,
    /// The last answer's `X-Request-Id`.
    pub request_id: Option<&'a str>,
    /// Attempts made.
    pub attempts: u32,
    /// How long the call took.
    pub elapsed: Duration,
}

/// Caller code run inside every call; each method does nothing unless implemented.
pub trait Interceptor: Send + Sync + fmt::Debug {
    /// Before an attempt is signed: may add headers.
    fn before_signing(&self, context: &mut BeforeSigning<'_>) {
        let _ = context;
    }

    /// After an attempt.
    fn after_attempt(&self, context: &AfterAttempt<'_>) {
        let _ = context;
    }

    /// After the call.
    fn after_call(&self, context: &AfterCall<'_>) {
        let _ = context;
    }
}

/// Sends a W3C Trace Context `traceparent` with every attempt: one trace id per call attempt
/// chain is not known here, so each attempt gets a fresh trace and span id, sampled
/// (`00-<32 hex>-<16 hex>-01`); use your own interceptor to send your tracer's ids.
#[derive(Clone, Copy, Debug, Default)]
pub struct TraceParent;

impl Interceptor for TraceParent {
    fn before_signing(&self, context: &mut BeforeSigning<'_>) {
        let trace: u128 = rand::random::<u128>().max(1);
        let span: u64 = rand::random::<u64>().max(1);
        if let Ok(value) = http::HeaderValue::from_str(&format!("00-{trace:032x}-{span:016x}-01")) {
            context.headers.insert("traceparent", value);
        }
    }
}
