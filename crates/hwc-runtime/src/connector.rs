//! [`Connector`]: where a client's attempts go instead of the network. Each attempt reaches it
//! built, aimed and signed as it would be sent, under the attempt timeout, and what it answers
//! is read (within the size limit), retried and decoded like an answer from the service, so code
//! under test runs the whole call without opening a socket. The facade's `test-util` replay
//! transport is one. What the HTTP client adds on the wire (`User-Agent`, `Accept-Encoding`,
//! headers set with `configure_http`) is not in the attempt a connector sees.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;

/// One attempt, as it would have gone out.
#[derive(Debug)]
#[non_exhaustive]
pub struct ConnectorRequest {
    /// The operation (`ListGeneralImageVulOperations`), from the spec.
    pub operation: &'static str,
    /// The signed request, body read.
    pub request: http::Request<Bytes>,
}

/// Why a connector gave no answer: the call ends with [`crate::Error::Transport`] carrying
/// it, without retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorError {
    message: String,
}

impl ConnectorError {
    /// An error saying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConnectorError {}

/// What [`Connector::send`] returns.
pub type ConnectorFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, ConnectorError>> + Send + 'a>>;

/// Answers attempts in place of the network (canned answers in tests).
pub trait Connector: Send + Sync + fmt::Debug {
    /// The answer to one attempt.
    fn send(&self, attempt: ConnectorRequest) -> ConnectorFuture<'_>;
}

/// The attempt a connector is given: `request`'s method, URL, headers and body.
pub(crate) fn to_http(
    request: reqwest::Request,
    operation: &'static str,
) -> Result<ConnectorRequest, ConnectorError> {
    let body = match request.body() {
        None => Bytes::new(),
        Some(body) => match body.as_bytes() {
            Some(bytes) => Bytes::copy_from_slice(bytes),
            None => return Err(ConnectorError::new("the request body is a stream")),
        },
    };
    let mut built = http::Request::new(body);
    *built.method_mut() = request.method().clone();
    *built.uri_mut() = request
        .url()
        .as_str()
        .parse()
        .map_err(|error| ConnectorError::new(format!("the URL is not a URI: {error}")))?;
    *built.headers_mut() = request.headers().clone();
    Ok(ConnectorRequest {
        operation,
        request: built,
    })
}
