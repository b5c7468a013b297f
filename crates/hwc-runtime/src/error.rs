//! `hwc::Error`, the one error type of the crate.

use std::fmt;
use std::time::Duration;

use thiserror::Error as ThisError;

/// Everything that can go wrong calling the APIs, in a form a person can read (`Display`) and a
/// program can match on. No variant ever carries a secret.
#[derive(Debug, ThisError)]
#[non_exhaustive]
pub enum Error {
    /// A parameter broke a constraint of the spec; nothing was sent.
    #[error("invalid {parameter} {value:?}: {allowed}")]
    InvalidInput {
        /// The parameter's name on the wire, such as `limit`.
        parameter: String,
        /// The value given, as it would have been sent.
        value: String,
        /// What the spec allows, such as `an integer from 10 to 200`.
        allowed: String,
    },

    /// The client was built for a dry run (the facade's `ClientBuilder::dry_run`): the request
    /// was checked and aimed, and is described here, secrets left out, instead of being sent.
    #[error("dry run, not sent:\n{request}")]
    DryRun {
        /// Method, URL and headers, one per line; credentials shown as `<redacted>`.
        request: String,
    },

    /// The client could not be configured: credentials, region, endpoint, files, proxy.
    #[error(transparent)]
    Config(#[from] crate::ConfigError),

    /// A request could not be signed (a header that is not ASCII, a streaming body).
    #[error("cannot sign the request: {0}")]
    Signing(String),

    /// The service or its gateway answered with an error.
    #[error("{0}")]
    Api(ApiError),

    /// A service the client needs beside the API (IAM for the project lookup) could not be
    /// reached, or its answer broke off or was over its size limit: a network failure, not
    /// something the configuration got wrong.
    #[error("{service} at {endpoint}: {problem}")]
    Unreachable {
        /// The service, such as `IAM`.
        service: &'static str,
        /// Where it was asked.
        endpoint: String,
        /// What went wrong.
        problem: String,
    },

    /// The request or its answer did not get through (connection refused or dropped, TLS, a
    /// body cut short), after any retries. What exactly failed is in `source()`, which `Display`
    /// does not repeat.
    #[error("{operation}: {what}")]
    Transport {
        /// The operation, such as `CheckRecord`.
        operation: &'static str,
        /// What went wrong, in a few words: `cannot connect`, `the connection failed`.
        what: &'static str,
        /// The underlying error and its causes (the HTTP library's, or a
        /// [`Connector`](crate::Connector)'s).
        #[source]
        source: crate::box_error::BoxError,
    },

    /// An attempt, or the whole operation with its retries, ran out of time.
    #[error("{operation}: {what} timed out after {elapsed:?} (limit {limit:?})")]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// How long it ran.
        elapsed: Duration,
        /// The limit it hit.
        limit: Duration,
        /// `connecting`, `one attempt` or `the operation, retries included`.
        what: &'static str,
    },

    /// An answer's body was larger than the client reads (see
    /// the facade's `ClientBuilder::max_response_bytes`); reading
    /// stopped there. Not retried.
    #[error(
        "{operation}: the {status} answer{} is larger than {limit} bytes; not read on",
        request_id.as_deref().map(|id| format!(" (request id {id})")).unwrap_or_default()
    )]
    ResponseTooLarge {
        /// The operation.
        operation: &'static str,
        /// The limit, in bytes.
        limit: usize,
        /// HTTP status of the answer.
        status: u16,
        /// `X-Request-Id` of the answer.
        request_id: Option<String>,
    },

    /// A success answer whose body is not what the spec describes. What the JSON decoder said
    /// is in `source()`.
    #[error(
        "{operation}: cannot decode the {status} answer{} at `{path}`; body starts {excerpt:?}",
        request_id.as_deref().map(|id| format!(" (request id {id})")).unwrap_or_default()
    )]
    Decode {
        /// The operation.
        operation: &'static str,
        /// HTTP status of the answer.
        status: u16,
        /// `X-Request-Id` of the answer.
        request_id: Option<String>,
        /// JSON path of the failure, such as `data_list[3].handle_time`.
        path: String,
        /// The first characters of the body.
        excerpt: String,
        /// What the JSON decoder said.
        #[source]
        source: serde_json::Error,
    },

    /// Paging could not give the complete result (the server changed or misbehaves).
    #[error("{operation}: paging stopped: {problem}")]
    Paging {
        /// The operation.
        operation: &'static str,
        /// What went wrong.
        problem: PagingProblem,
    },
}

/// Why a paged listing could not be completed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingProblem {
    /// The total changed between pages: records were added or removed while paging.
    TotalChanged {
        /// Total of the first page.
        first: u64,
        /// Total of a later page.
        later: u64,
    },
    /// A page repeated the previous one: the server ignores `offset`.
    OffsetIgnored {
        /// Offset of the repeated page.
        offset: u64,
    },
    /// Fewer items arrived than the total announced.
    ShortResult {
        /// Items announced.
        total: u64,
        /// Items received.
        received: u64,
    },
    /// The result is longer than the largest offset the API accepts.
    BeyondMaximumOffset {
        /// Items announced.
        total: u64,
        /// Largest offset the spec allows.
        maximum_offset: u64,
    },
    /// A page held more items than the page size and the total leave room for.
    LongPage {
        /// Index of the page's first item in the whole result.
        offset: u64,
        /// Items the page could hold.
        expected: u64,
        /// Items it held.
        received: u64,
    },
    /// The task fetching a page stopped without an answer (it panicked or its runtime is
    /// shutting down).
    FetchFailed {
        /// What stopped it.
        reason: String,
    },
    /// The first two pages of a page-numbered operation do not tell how the server counts
    /// `offset` (pages from 0, pages from 1, or records): paging it could give a wrong list.
    PagingUndecided {
        /// What the two pages showed.
        evidence: String,
    },
}

impl fmt::Display for PagingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PagingProblem::TotalChanged { first, later } => write!(
                f,
                "the total changed from {first} to {later} while paging (records were added or removed); start again"
            ),
            PagingProblem::OffsetIgnored { offset } => write!(
                f,
                "the page at offset {offset} repeats the previous page; the server ignores offset"
            ),
            PagingProblem::ShortResult { total, received } => write!(
                f,
                "the server announced {total} items but pages ended after {received}"
            ),
            PagingProblem::BeyondMaximumOffset {
                total,
                maximum_offset,
            } => write!(
                f,
                "{total} items exceed the largest offset the API accepts ({maximum_offset}); narrow the filters"
            ),
            PagingProblem::LongPage {
                offset,
                expected,
                received,
            } => write!(
                f,
                "the page at item {offset} has {received} items where at most {expected} fit; the server does not page as it was understood"
            ),
            PagingProblem::FetchFailed { reason } => {
                write!(f, "a page could not be fetched: {reason}")
            }
            PagingProblem::PagingUndecided { evidence } => write!(
                f,
                "cannot tell how the server counts offset (pages from 0, pages from 1 or records): {evidence}; page with one large page or set offset yourself"
            ),
        }
    }
}

/// An error answer: HTTP status, error code and message (parsed as the official SDKs do), and the
/// request id to quote to Huawei Cloud support.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation, such as `ListGeneralImageVulOperations`.
    pub operation: &'static str,
    /// HTTP status.
    pub status: u16,
    /// Error code, such as `APIGW.0301`; the status when the body has none.
    pub code: String,
    /// Error message; a short excerpt of the body when it has none.
    pub message: String,
    /// `X-Request-Id` of the answer, or the body's `request_id`.
    pub request_id: Option<String>,
    /// `Retry-After` seconds, when the gateway sent one.
    pub retry_after: Option<u64>,
    /// What to do about it, when the client knows.
    pub hint: Option<Hint>,
}

/// What to do about an error answer, when the client knows more than the gateway said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hint {
    /// The credentials expired, and they are fixed ones the client cannot refresh.
    CredentialsCannotBeRefreshed,
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hint::CredentialsCannotBeRefreshed => f.write_str(
                "these credentials cannot be refreshed (a fixed security token or IAM token): \
                 get new ones, or leave them out so that the default chain fetches refreshable \
                 ones (ECS metadata service, federated identity)",
            ),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: HTTP {} {}: {}",
            self.operation, self.status, self.code, self.message
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(hint) = self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// Reads an error body the way the official SDKs do: `error_code`/`errorCode`/`code` and
    /// `error_msg`/`errorMsg`/`message`, at the top level or one object down; the status as the
    /// code and a body excerpt as the message when they are missing.
    pub fn from_body(
        operation: &'static str,
        status: u16,
        body: &[u8],
        header_request_id: Option<String>,
        retry_after: Option<u64>,
    ) -> Self {
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let mut code = None;
        let mut message = None;
        let mut body_request_id = None;
        if let Some(serde_json::Value::Object(top)) = &json {
            let candidates = std::iter::once(top).chain(top.values().filter_map(|v| v.as_object()));
            for object in candidates {
                code = code.or_else(|| text_field(object, &["error_code", "errorCode", "code"]));
                message =
                    message.or_else(|| text_field(object, &["error_msg", "errorMsg", "message"]));
                body_request_id =
                    body_request_id.or_else(|| text_field(object, &["request_id", "requestId"]));
            }
        }
        Self {
            operation,
            status,
            code: code.unwrap_or_else(|| status.to_string()),
            message: message.unwrap_or_else(|| excerpt(body, 160)),
            request_id: header_request_id.or(body_request_id),
            retry_after,
            hint: None,
        }
    }
}

fn text_field(
    object: &serde_json::Map<String, serde_json::Value>,
    names: &[&str],
) -> Option<String> {
    names.iter().find_map(|name| match object.get(*name)? {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Null => None,
        serde_json::Value::String(_) => None,
        other => Some(other.to_string()),
    })
}

/// The first `limit` characters of a body as text, whitespace collapsed.
pub(crate) fn excerpt(body: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = collapsed.chars().take(limit).collect();
    if collapsed.chars().count() > limit {
        out.push('…');
    }
    out
}

impl Error {
    /// The HTTP status, for API and decode errors.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The request id of the answer, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Decode { request_id, .. } | Error::ResponseTooLarge { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// The error code of an API error.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(api) => Some(&api.code),
            _ => None,
        }
    }

    /// Whether nothing was sent because the input or configuration was wrong.
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::InvalidInput { .. } | Error::Config(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_read_like_the_official_sdk() {
        let read = |body: &str| ApiError::from_body("Op", 400, body.as_bytes(), None, None);
        let plain = read(r#"{"error_code":"APIGW.0201","error_msg":"bad","request_id":"r1"}"#);
        assert_eq!(
            (
                plain.code.as_str(),
                plain.message.as_str(),
                plain.request_id.as_deref()
            ),
            ("APIGW.0201", "bad", Some("r1"))
        );
        let camel = read(r#"{"errorCode":"X.1","errorMsg":"camel"}"#);
        assert_eq!(
            (camel.code.as_str(), camel.message.as_str()),
            ("X.1", "camel")
        );
        let nested = read(r#"{"error":{"code":"X.2","message":"nested"}}"#);
        assert_eq!(
            (nested.code.as_str(), nested.message.as_str()),
            ("X.2", "nested")
        );
        let numeric = read(r#"{"code":401,"message":"n"}"#);
        assert_eq!(numeric.code, "401");
        let html = read("<html><title>502 Bad Gateway</title></html>");
        assert_eq!(html.code, "400");
        assert_eq!(html.message, "<html><title>502 Bad Gateway</title></html>");
        let header_wins = ApiError::from_body(
            "Op",
            429,
            br#"{"request_id":"body"}"#,
            Some("header".into()),
            Some(2),
        );
        assert_eq!(header_wins.request_id.as_deref(), Some("header"));
    }

    #[test]
    fn api_errors_read_well() {
        let error = Error::Api(ApiError {
            operation: "CheckRecord",
            status: 401,
            code: "APIGW.0301".into(),
            message: "Incorrect IAM authentication information".into(),
            request_id: Some("abc".into()),
            retry_after: None,
            hint: None,
        });
        assert_eq!(
            error.to_string(),
            "CheckRecord: HTTP 401 APIGW.0301: Incorrect IAM authentication information (request id abc)"
        );
        assert_eq!(
            (error.status(), error.code(), error.request_id()),
            (Some(401), Some("APIGW.0301"), Some("abc"))
        );
    }
}
