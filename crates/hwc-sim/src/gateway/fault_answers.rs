//! How each injected fault answers: instead of the service (errors, a dropped connection, a
//! redirect, an HTML page, a delay before going on), or by spoiling the service's answer
//! (a cut, endless or malformed body).

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::GatewayError;
use super::faults::Fault;
use crate::server::ConnectionKill;
use crate::state::Shared;

/// Faults that answer instead of the service; `None` to go on (after a delay, for `Slow`).
pub(super) async fn answer_before_service(
    fault: &Fault,
    shared: &Shared,
    parts: &axum::http::request::Parts,
    id: &str,
    kill: Option<ConnectionKill>,
) -> Option<Response> {
    let error = match fault {
        Fault::Throttle { retry_after } => GatewayError {
            retry_after: *retry_after,
            ..GatewayError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "APIGW.0308",
                "The throttling threshold has been reached: policy user over ratelimit, limit:200, time:1 second",
            )
        },
        Fault::ServerError(status) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            GatewayError::new(
                status,
                "APIGW.0103",
                format!("The backend is unavailable ({status})"),
            )
        }
        Fault::TransientBusy => GatewayError::new(
            StatusCode::BAD_REQUEST,
            "CC.00000000",
            "The network is busy. Please try again later.",
        ),
        Fault::ClockSkew => {
            let sent = parts
                .headers
                .get(hwc_signing::SDK_DATE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            super::auth::expired(&sent, shared.server_now())
        }
        Fault::Slow(delay) => {
            tokio::time::sleep(*delay).await;
            return None;
        }
        Fault::DropConnection => {
            if let Some(ConnectionKill(notify)) = kill {
                notify.notify_one();
            }
            // The connection task drops this future with the connection.
            std::future::pending::<()>().await;
            return None;
        }
        Fault::HtmlErrorPage => {
            let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
            return Some(
                (
                    StatusCode::BAD_GATEWAY,
                    [(header::CONTENT_TYPE, "text/html")],
                    page,
                )
                    .into_response(),
            );
        }
        Fault::Redirect => {
            let query = parts
                .uri
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            let location = format!(
                "{}{}{query}",
                shared.redirect_target.trim_end_matches('/'),
                parts.uri.path()
            );
            return Some(
                (
                    StatusCode::TEMPORARY_REDIRECT,
                    [(header::LOCATION, location)],
                )
                    .into_response(),
            );
        }
        Fault::TruncatedBody | Fault::MalformedJson | Fault::EndlessBody => return None,
    };
    Some(error.into_response_with(id))
}

pub(super) fn ok_response(json: Vec<u8>, fault: Option<&Fault>) -> Response {
    match fault {
        Some(Fault::TruncatedBody) => {
            let full_length = json.len();
            let half = Bytes::from(json).slice(..full_length / 2);
            let stream = futures::stream::iter([
                Ok::<Bytes, std::io::Error>(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "truncated on purpose",
                )),
            ]);
            let mut response = Response::new(Body::from_stream(stream));
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full_length));
            response
        }
        Some(Fault::EndlessBody) => {
            // A valid start, then records for ever, 64 KiB at a time, with no length announced.
            let record: &[u8] =
                br#"{"check_time":"2020-02-20 11:37:46","issue_counts":{"critical":1}},"#;
            let chunk = Bytes::from(record.repeat(64 * 1024 / record.len()));
            let start = Bytes::from_static(br#"{"total":1,"total_num":1,"data":["#);
            let stream = futures::StreamExt::chain(
                futures::stream::iter([Ok::<Bytes, std::io::Error>(start)]),
                futures::stream::repeat_with(move || Ok(chunk.clone())),
            );
            let mut response = Response::new(Body::from_stream(stream));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Some(Fault::MalformedJson) => {
            let mut broken = json;
            broken.truncate(broken.len() / 2);
            broken.extend_from_slice(b"\"}]");
            json_response(broken)
        }
        _ => json_response(json),
    }
}

fn json_response(json: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], json).into_response()
}
