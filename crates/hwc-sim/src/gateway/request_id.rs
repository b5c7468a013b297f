//! Request ids: each request gets one, in its `X-Request-Id` header, its error body and its
//! log line.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The id of the current request, also in the `X-Request-Id` header and in error bodies.
#[derive(Clone)]
struct RequestId(String);

impl RequestId {
    fn next() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        static PREFIX: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        let prefix = *PREFIX.get_or_init(rand::random);
        Self(format!(
            "{prefix:016x}{:016x}",
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ))
    }
}

/// The id given to `request`, or empty before [`request_id_and_log`] ran.
pub(crate) fn request_id(request: &Request) -> String {
    request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default()
}

/// Gives each request an id, puts it in `X-Request-Id`, and logs one line per request.
pub(crate) async fn request_id_and_log(mut request: Request, next: Next) -> Response {
    let id = RequestId::next();
    request.extensions_mut().insert(id.clone());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id.0) {
        response.headers_mut().insert("x-request-id", value);
    }
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        request_id = id.0,
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}
