//! The simulator's routes: every operation of every spec through the gateway's pipeline, IAM,
//! the metadata service, the simulator's counters, and 404 for anything else.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hwc_api::Service;

use crate::gateway::{GatewayError, pipeline, request_id};
use crate::services::{self, Answer};
use crate::state::Shared;

/// The routes, one per operation of the specs (axum and OpenAPI both write parameters as
/// `{name}`), of every service in `spec/`: those with data sets, and every other answering with
/// its spec example; then IAM, the metadata service and the simulator's own counters.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router = Router::new();
    for api in Service::ALL {
        for &operation in api.descriptor().operations {
            let answer = Answer::of(operation);
            router = router.route(
                operation.path,
                get(
                    move |State(shared): State<Arc<Shared>>,
                          Path(path): Path<HashMap<String, String>>,
                          request: Request| {
                        pipeline::serve(shared, api, operation, answer, path, request)
                    },
                ),
            );
        }
    }
    router
        .merge(services::metadata::routes())
        .merge(services::iam::routes())
        .route(STATS_PATH, get(stats_handler))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(middleware::from_fn(request_id::request_id_and_log))
        .with_state(shared)
}

/// The simulator's own counters, for benchmarks that run it as a separate process. Not an API
/// of the cloud: no latency, flow control, faults or authentication.
pub const STATS_PATH: &str = "/hwc-sim/stats";

/// Requests and throttles per service so far (by command-line name), and per operation of it
/// (by its command's name), as JSON.
async fn stats_handler(State(shared): State<Arc<Shared>>) -> Response {
    let mut stats = serde_json::Map::new();
    for api in Service::ALL {
        let operations: serde_json::Map<String, serde_json::Value> = api
            .descriptor()
            .operations
            .iter()
            .map(|operation| {
                let (requests, throttled) = shared.per_operation.get(operation);
                (
                    operation.cli.to_owned(),
                    serde_json::json!({"requests": requests, "throttled": throttled}),
                )
            })
            .collect();
        stats.insert(
            api.descriptor().cli.to_owned(),
            serde_json::json!({
                "requests": shared.served.get(api),
                "throttled": shared.throttled.get(api),
                "operations": operations,
            }),
        );
    }
    stats.insert(
        "auth_rejections".to_owned(),
        shared.auth_rejections.load(Ordering::Relaxed).into(),
    );
    axum::Json(serde_json::Value::Object(stats)).into_response()
}

async fn not_found(request: Request) -> Response {
    let id = request_id::request_id(&request);
    GatewayError::not_found().into_response_with(&id)
}
