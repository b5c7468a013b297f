//! [`ReplayTransport`]: canned answers per operation in place of the network, and a record of
//! what the client sent.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use hwc_runtime::{Connector, ConnectorError, ConnectorFuture, ConnectorRequest, Service};

use crate::descriptor::Operation;
use crate::{ClientBuilder, Credentials, Error};

/// One canned answer: a status, headers and a body, given to the first request of its
/// operation whose query has every pair it was told to expect.
#[derive(Clone, Debug)]
pub struct Canned {
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
    query: Vec<(String, String)>,
    every_time: bool,
}

impl Canned {
    /// A `200` answer with `body` as JSON.
    pub fn json(body: serde_json::Value) -> Self {
        Self::status(200, body)
    }

    /// An answer with `status` and `body` as JSON (an error body such as `{"error_code":
    /// "HSS.1001", "error_msg": ".."}`).
    pub fn status(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: Bytes::from(body.to_string()),
            query: Vec::new(),
            every_time: false,
        }
    }

    /// An answer with `status` and `body` as given, for answers that are not JSON.
    pub fn raw(status: u16, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            query: Vec::new(),
            every_time: false,
        }
    }

    /// Answers only a request whose query has `name=value` (such as `offset=2`): pages a
    /// paginator asks for at once get their own answers whatever order they arrive in.
    pub fn when_query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Sends header `name` with the answer (`x-request-id`, `retry-after`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .push((name.into().to_ascii_lowercase(), value.into()));
        self
    }

    /// Answers every matching request, not only the first.
    pub fn every_time(mut self) -> Self {
        self.every_time = true;
        self
    }

    fn matches(&self, query: &[(String, String)]) -> bool {
        self.query.iter().all(|wanted| query.contains(wanted))
    }

    fn response(&self, number: usize) -> Result<http::Response<Bytes>, ConnectorError> {
        let mut builder = http::Response::builder().status(self.status);
        if !self.headers.iter().any(|(name, _)| name == "x-request-id") {
            builder = builder.header("x-request-id", format!("replay-{number}"));
        }
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder
            .body(self.body.clone())
            .map_err(|error| ConnectorError::new(format!("a canned answer is not HTTP: {error}")))
    }
}

/// A request the client sent, as the replay transport received it: signed, with every header.
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The operation (`CheckRecord`).
    pub operation: &'static str,
    /// The request.
    pub request: http::Request<Bytes>,
}

impl RecordedRequest {
    /// The query's pairs, percent-decoded, in order.
    pub fn query(&self) -> Vec<(String, String)> {
        query_pairs(&self.request)
    }

    /// The first value of query parameter `name`.
    pub fn query_value(&self, name: &str) -> Option<String> {
        self.query()
            .into_iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// The value of header `name`, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.request.headers().get(name)?.to_str().ok()
    }
}

impl fmt::Debug for RecordedRequest {
    /// Method, URI and header names: the values of `Authorization` and the token headers are
    /// never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self
            .request
            .headers()
            .keys()
            .map(|name| name.as_str())
            .collect();
        f.debug_struct("RecordedRequest")
            .field("operation", &self.operation)
            .field("method", self.request.method())
            .field("uri", self.request.uri())
            .field("headers", &names)
            .finish()
    }
}

/// Answers a client's requests from canned answers, per operation, without a socket, and
/// records each request. Clones share the answers and the record.
///
/// ```
/// # async fn run() -> Result<(), hwc::Error> {
/// use futures::TryStreamExt;
/// use hwc::test_util::{Canned, ReplayTransport};
///
/// let replay = ReplayTransport::new();
/// replay.answer(
///     hwc::codearts_check::OPERATION,
///     Canned::json(serde_json::json!({"total": 1, "data": [{"check_time": "2024-05-01 10:00:00",
///         "issue_counts": {"critical": 0, "serious": 2, "normal": 5, "prompt": 9}}]}))
///     .every_time(),
/// );
/// let client = replay.client_builder()?.build()?;
/// let scans: Vec<_> = client
///     .codearts_check()
///     .check_records("0123456789abcdef0123456789abcdef", "task")
///     .into_paginator()
///     .items()
///     .try_collect()
///     .await?;
/// assert_eq!(scans[0].issue_counts.serious, Some(2));
/// let sent = replay.requests_to(hwc::codearts_check::OPERATION);
/// assert!(sent[0].request.uri().path().ends_with("/tasks/task/checkrecord"));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(run()).unwrap();
/// ```
#[derive(Clone, Default)]
pub struct ReplayTransport {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Answers by operation id, in the order given, and whether each was used.
    canned: Vec<(&'static str, Canned, bool)>,
    received: Vec<RecordedRequest>,
}

impl fmt::Debug for ReplayTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("ReplayTransport")
            .field("canned", &state.canned.len())
            .field("received", &state.received.len())
            .finish()
    }
}

impl ReplayTransport {
    /// A transport with no answers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `canned` for requests of `operation` (such as `hwc::hss::OPERATION`): each request
    /// gets the first unused answer of its operation that matches it.
    pub fn answer(&self, operation: &'static Operation, canned: Canned) -> &Self {
        self.lock().canned.push((operation.id, canned, false));
        self
    }

    /// Every request sent so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().received.clone()
    }

    /// The requests of `operation` sent so far, in order.
    pub fn requests_to(&self, operation: &'static Operation) -> Vec<RecordedRequest> {
        self.lock()
            .received
            .iter()
            .filter(|request| request.operation == operation.id)
            .cloned()
            .collect()
    }

    /// How many answers given once are still unused (a test can check that every canned page
    /// was asked for).
    pub fn unused(&self) -> usize {
        self.lock()
            .canned
            .iter()
            .filter(|(_, canned, used)| !canned.every_time && !used)
            .count()
    }

    /// A client builder whose every service answers from this transport: static test
    /// credentials, an IAM project, retries without backoff, no flow control, nothing read from
    /// the environment; requests are signed as usual but never leave the process.
    pub fn client_builder(&self) -> Result<ClientBuilder, Error> {
        let builder = Service::ALL.into_iter().fold(
            ClientBuilder::default().ignore_environment(),
            |builder, service| {
                let host = service.descriptor().module.replace('_', "-");
                builder.endpoint(service, format!("https://{host}.replay.invalid"))
            },
        );
        Ok(builder
            .credentials(Credentials::access_key(
                "REPLAYACCESSKEY",
                "replay-secret-key",
            )?)
            .project_id(super::simulator::SIMULATOR_PROJECT)
            .retry(super::no_backoff())
            .adaptive_flow_control(false)
            .connector(Arc::new(self.clone())))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock leaves the record as it was.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn reply(&self, attempt: ConnectorRequest) -> Result<http::Response<Bytes>, ConnectorError> {
        let query = query_pairs(&attempt.request);
        let mut state = self.lock();
        let number = state.received.len() + 1;
        let description = format!(
            "{} {} {}",
            attempt.operation,
            attempt.request.method(),
            attempt.request.uri()
        );
        state.received.push(RecordedRequest {
            operation: attempt.operation,
            request: attempt.request,
        });
        let operation = state.received[number - 1].operation;
        let found = state
            .canned
            .iter_mut()
            .find(|(id, canned, used)| {
                *id == operation && (canned.every_time || !*used) && canned.matches(&query)
            })
            .ok_or_else(|| ConnectorError::new(format!("no canned answer for {description}")))?;
        found.2 = true;
        found.1.response(number)
    }
}

impl Connector for ReplayTransport {
    fn send(&self, attempt: ConnectorRequest) -> ConnectorFuture<'_> {
        let answer = self.reply(attempt);
        Box::pin(async move { answer })
    }
}

fn query_pairs(request: &http::Request<Bytes>) -> Vec<(String, String)> {
    form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}
