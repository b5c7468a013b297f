//! The ECS metadata service, as an instance with an agency sees it: a session token by `PUT`,
//! then temporary AK/SK and security token from `GET /openstack/latest/securitykey`, which the
//! simulated gateway accepts until they expire.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use jiff::{SignedDuration, Timestamp};

use crate::state::Shared;

/// Where the session token is asked for.
pub const TOKEN_PATH: &str = "/meta-data/latest/api/token";
/// Where the temporary credentials are.
pub const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";

/// The metadata routes, added to the simulator's router when the service is on.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(TOKEN_PATH, put(session_token))
        .route(SECURITY_KEY_PATH, get(security_key))
}

async fn session_token(State(shared): State<Arc<Shared>>) -> Response {
    let Some(state) = &shared.metadata else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !state.settings.session_tokens {
        return StatusCode::NOT_FOUND.into_response();
    }
    let token = format!("session-{}", rand::random::<u64>());
    if let Ok(mut tokens) = state.session_tokens.lock() {
        tokens.push(token.clone());
    }
    token.into_response()
}

async fn security_key(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(state) = &shared.metadata else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if state.settings.session_tokens {
        let sent = headers
            .get("x-metadata-token")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let known = state
            .session_tokens
            .lock()
            .map(|tokens| tokens.iter().any(|token| token == sent))
            .unwrap_or(false);
        if !known {
            return StatusCode::UNAUTHORIZED.into_response();
        }
    }
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.most_at_once.fetch_max(now, Ordering::SeqCst);
    // A real service takes a moment: long enough for overlapping refreshes to show.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let lifetime = SignedDuration::try_from(state.settings.credential_lifetime)
        .unwrap_or(SignedDuration::from_hours(6));
    let expires_at = shared.server_now() + lifetime;
    let key = shared.auth.issue(expires_at);
    state.issued.fetch_add(1, Ordering::SeqCst);
    state.in_flight.fetch_sub(1, Ordering::SeqCst);
    axum::Json(serde_json::json!({
        "credential": {
            "access": key.ak,
            "secret": key.sk,
            "securitytoken": key.security_token,
            "expires_at": format_expiry(expires_at),
        }
    }))
    .into_response()
}

/// `2026-11-23T10:00:00.000000Z`, as the service writes it.
pub(crate) fn format_expiry(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S.%6fZ").to_string()
}
