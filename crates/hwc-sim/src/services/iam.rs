//! IAM, as far as clients need it to find their credentials and project: the projects of a
//! region (`GET /v3/projects?name=`, signed like any gateway call) and federated identity (an
//! id token becomes an IAM token in `X-Subject-Token`, which becomes temporary AK/SK).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::SignedDuration;
use serde::Deserialize;

use crate::gateway::GatewayError;
use crate::state::Shared;

/// Where IAM lists projects.
pub const PROJECTS_PATH: &str = "/v3/projects";
/// Where an id token becomes an IAM token.
pub const ID_TOKEN_PATH: &str = "/v3.0/OS-AUTH/id-token/tokens";
/// Where an IAM token becomes temporary AK/SK.
pub const SECURITY_TOKENS_PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";

/// The IAM routes, added to the simulator's router (404 unless IAM is on).
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(PROJECTS_PATH, get(projects))
        .route(ID_TOKEN_PATH, post(id_token))
        .route(SECURITY_TOKENS_PATH, post(security_tokens))
}

fn refuse(error: GatewayError) -> Response {
    error.into_response_with("iam")
}

async fn projects(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let Some(iam) = &shared.iam else {
        return refuse(GatewayError::not_found());
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024).await else {
        return refuse(GatewayError::bad_request("the body is too large"));
    };
    if let Err(error) = shared.auth.check(&parts, &body, shared.server_now()) {
        shared.auth_rejections.fetch_add(1, Ordering::Relaxed);
        return refuse(error);
    }
    iam.project_lookups.fetch_add(1, Ordering::SeqCst);
    let name = parts.uri.query().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "name")
            .map(|(_, value)| value.into_owned())
    });
    let projects: Vec<serde_json::Value> = iam
        .settings
        .projects
        .iter()
        .filter(|(_, project)| name.as_ref().is_none_or(|wanted| wanted == project))
        .map(|(id, project)| serde_json::json!({"id": id, "name": project, "enabled": true}))
        .collect();
    axum::Json(serde_json::json!({ "projects": projects })).into_response()
}

#[derive(Deserialize)]
struct IdTokenBody {
    auth: IdTokenAuth,
}

#[derive(Deserialize)]
struct IdTokenAuth {
    id_token: IdToken,
}

#[derive(Deserialize)]
struct IdToken {
    id: String,
}

async fn id_token(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let Some(iam) = &shared.iam else {
        return refuse(GatewayError::not_found());
    };
    let Some((idp, accepted)) = &iam.settings.identity_provider else {
        return refuse(GatewayError::not_found());
    };
    let sent_idp = request
        .headers()
        .get("x-idp-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let Ok(body) = axum::body::to_bytes(request.into_body(), 64 * 1024).await else {
        return refuse(GatewayError::bad_request("the body is too large"));
    };
    let Ok(parsed) = serde_json::from_slice::<IdTokenBody>(&body) else {
        return refuse(GatewayError::bad_request(
            "expected {\"auth\": {\"id_token\": {\"id\": ...}}}",
        ));
    };
    if sent_idp != *idp || parsed.auth.id_token.id.trim() != accepted {
        return refuse(GatewayError::unauthorized(
            "the identity provider or the id token is not accepted",
        ));
    }
    let token = format!("iam-token-{}", rand::random::<u64>());
    if let Ok(mut tokens) = iam.tokens.lock() {
        tokens.push(token.clone());
    }
    let mut response = (
        StatusCode::CREATED,
        axum::Json(serde_json::json!({"token": {}})),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&token) {
        response.headers_mut().insert("x-subject-token", value);
    }
    response
}

#[derive(Deserialize)]
struct SecurityTokensBody {
    auth: SecurityTokensAuth,
}

#[derive(Deserialize)]
struct SecurityTokensAuth {
    identity: Identity,
}

#[derive(Deserialize)]
struct Identity {
    token: IdentityToken,
}

#[derive(Deserialize)]
struct IdentityToken {
    id: String,
}

async fn security_tokens(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let Some(iam) = &shared.iam else {
        return refuse(GatewayError::not_found());
    };
    let Ok(body) = axum::body::to_bytes(request.into_body(), 64 * 1024).await else {
        return refuse(GatewayError::bad_request("the body is too large"));
    };
    let Ok(parsed) = serde_json::from_slice::<SecurityTokensBody>(&body) else {
        return refuse(GatewayError::bad_request(
            "expected {\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": ...}}}}",
        ));
    };
    let known = iam
        .tokens
        .lock()
        .map(|tokens| tokens.contains(&parsed.auth.identity.token.id))
        .unwrap_or(false);
    if !known {
        return refuse(GatewayError::unauthorized(
            "the IAM token is invalid or has expired",
        ));
    }
    let lifetime = SignedDuration::try_from(iam.settings.credential_lifetime)
        .unwrap_or(SignedDuration::from_hours(6));
    let expires_at = shared.server_now() + lifetime;
    let key = shared.auth.issue(expires_at);
    iam.federated_issued.fetch_add(1, Ordering::SeqCst);
    (
        StatusCode::CREATED,
        axum::Json(serde_json::json!({
            "credential": {
                "access": key.ak,
                "secret": key.sk,
                "securitytoken": key.security_token,
                "expires_at": super::metadata::format_expiry(expires_at),
            }
        })),
    )
        .into_response()
}
