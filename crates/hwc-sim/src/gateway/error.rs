//! Error responses in the API gateway's shape: `{"error_code", "error_msg", "request_id"}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error the simulated gateway or service answers with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayError {
    /// HTTP status.
    pub status: StatusCode,
    /// Error code, such as `APIGW.0301`.
    pub code: &'static str,
    /// Error message.
    pub message: String,
    /// `Retry-After` seconds, for throttling.
    pub retry_after: Option<u64>,
}

impl GatewayError {
    /// An error without `Retry-After`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400 `APIGW.0201`: the request is malformed or a parameter is out of its range.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "APIGW.0201", message)
    }

    /// 401 `APIGW.0301`: the credentials or the signature are wrong.
    pub fn unauthorized(detail: impl AsRef<str>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "APIGW.0301",
            format!(
                "Incorrect IAM authentication information: {}",
                detail.as_ref()
            ),
        )
    }

    /// 404 `APIGW.0101`: no API answers this method and path.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "APIGW.0101",
            "The API does not exist or has not been published in the environment",
        )
    }

    /// The response, carrying `request_id` in the body (the header is added by the logging layer).
    pub fn into_response_with(self, request_id: &str) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error_code: &'a str,
            error_msg: &'a str,
            request_id: &'a str,
        }
        let body = Body {
            error_code: self.code,
            error_msg: &self.message,
            request_id,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
