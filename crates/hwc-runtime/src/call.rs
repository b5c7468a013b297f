//! Running one generated call: the operation's time limit, its tracing span, and turning every
//! outcome into a model or a typed [`Error`].

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use hwc_api::descriptor::Operation;
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::call_options::{CallOptions, OPTIONS};
use crate::error::{ApiError, Error, excerpt};
use crate::runtime::Runtime;
use crate::transport::{CALL, CallRecord};

/// The decoded body and what the transport saw of the answer.
pub struct Answered<T> {
    /// The decoded body.
    pub body: T,
    /// The answer's status.
    pub status: u16,
    /// The answer's request id.
    pub request_id: Option<String>,
}

/// Runs `send` (a generated builder's `send()`) within the client's operation timeout, or the
/// one of the call's `options`, which its attempts follow too.
pub async fn call<T, E, F>(
    runtime: &Runtime,
    operation: &'static Operation,
    options: Option<&Arc<CallOptions>>,
    send: F,
) -> Result<Answered<T>, Error>
where
    T: DeserializeOwned,
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
{
    let options = match options {
        Some(options) => {
            options.check()?;
            Arc::clone(options)
        }
        None => Arc::default(),
    };
    let operation_timeout = options
        .operation_timeout
        .unwrap_or(runtime.settings().operation_timeout);
    let slot = Arc::new(Mutex::new(CallRecord::default()));
    let started = Instant::now();
    let span = tracing::info_span!(
        "hwc",
        operation = operation.id,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        attempts = tracing::field::Empty,
    );
    let outcome = tokio::time::timeout(
        operation_timeout,
        OPTIONS.scope(Arc::clone(&options), CALL.scope(Arc::clone(&slot), send)),
    )
    .instrument(span.clone())
    .await;
    let record = slot.lock().map(|r| r.clone()).unwrap_or_default();
    let interceptors = runtime
        .settings()
        .interceptors
        .iter()
        .chain(options.interceptors.iter());
    for interceptor in interceptors {
        interceptor.after_call(&crate::AfterCall {
            operation: operation.id,
            succeeded: matches!(&outcome, Ok(Ok(_))),
            status: record.status,
            request_id: record.request_id.as_deref(),
            attempts: record.attempts,
            elapsed: started.elapsed(),
        });
    }
    if let Some(status) = record.status {
        span.record("status", status);
    }
    if let Some(id) = &record.request_id {
        span.record("request_id", id.as_str());
    }
    span.record("attempts", record.attempts);
    match outcome {
        Err(_) => Err(Error::Timeout {
            operation: operation.id,
            elapsed: started.elapsed(),
            limit: operation_timeout,
            what: "the operation, retries included",
        }),
        Ok(Ok(value)) => Ok(Answered {
            status: value.status().as_u16(),
            request_id: record.request_id,
            body: value.into_inner(),
        }),
        Ok(Err(error)) => Err(to_error::<T, E>(operation.id, error, record)),
    }
}

fn to_error<T: DeserializeOwned, E>(
    operation: &'static str,
    error: progenitor_client::Error<E>,
    record: CallRecord,
) -> Error {
    use progenitor_client::Error as Generated;
    if let Some(error) = record
        .local_failure
        .and_then(|slot| slot.lock().ok().and_then(|mut error| error.take()))
    {
        return error;
    }
    if let Some(message) = record.local_error {
        return Error::Signing(message);
    }
    if let Some(limit) = record.too_large {
        return Error::ResponseTooLarge {
            operation,
            limit,
            status: record.status.unwrap_or_default(),
            request_id: record.request_id,
        };
    }
    let api = |status: u16| {
        let body = record.error_body.clone().unwrap_or_default();
        let mut api = ApiError::from_body(
            operation,
            status,
            &body,
            record.request_id.clone(),
            record.retry_after,
        );
        if record.expired_static_credentials {
            api.hint = Some(crate::error::Hint::CredentialsCannotBeRefreshed);
        }
        if (300..400).contains(&status) {
            api.message = format!(
                "redirected to {}; not followed, so credentials never leave the configured endpoint",
                record.location.as_deref().unwrap_or("another location")
            );
        }
        Error::Api(api)
    };
    let attempt_elapsed = record.attempt_elapsed.unwrap_or_default();
    let (attempt_limit, connect_limit) = (record.attempt_limit, record.connect_limit);
    match error {
        Generated::Custom(message) => Error::Signing(message),
        Generated::InvalidRequest(message) => Error::InvalidInput {
            parameter: "request".into(),
            value: String::new(),
            allowed: message,
        },
        Generated::ErrorResponse(response) => api(response.status().as_u16()),
        Generated::UnexpectedResponse(response) => api(response.status().as_u16()),
        Generated::InvalidResponsePayload(bytes, serde_error) => match record.status {
            // An error status whose body is not the documented JSON (an HTML page): still an
            // API error, with the status and request id.
            Some(status) if !(200..300).contains(&status) => api(status),
            status => {
                let (path, source) =
                    locate::<T>(&bytes).unwrap_or_else(|| (String::new(), serde_error));
                Error::Decode {
                    operation,
                    status: status.unwrap_or(200),
                    request_id: record.request_id,
                    path: if path.is_empty() {
                        "(top)".into()
                    } else {
                        path
                    },
                    excerpt: excerpt(&bytes, 120),
                    source,
                }
            }
        },
        Generated::CommunicationError(source)
        | Generated::ResponseBodyError(source)
        | Generated::InvalidUpgrade(source) => {
            if source.is_timeout() && source.is_connect() {
                Error::Timeout {
                    operation,
                    elapsed: attempt_elapsed,
                    limit: connect_limit,
                    what: "connecting",
                }
            } else if source.is_timeout() {
                Error::Timeout {
                    operation,
                    elapsed: attempt_elapsed,
                    limit: attempt_limit,
                    what: "one attempt",
                }
            } else {
                let what = if source.is_connect() {
                    "cannot connect"
                } else if source.is_body() || source.is_decode() {
                    "the answer was cut short"
                } else {
                    "the request failed"
                };
                Error::Transport {
                    operation,
                    what,
                    source: Box::new(source),
                }
            }
        }
    }
}

/// Decodes again with `serde_path_to_error`, only on failure, to name where the body broke.
fn locate<T: DeserializeOwned>(bytes: &[u8]) -> Option<(String, serde_json::Error)> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => None,
        Err(error) => Some((error.path().to_string(), error.into_inner())),
    }
}
