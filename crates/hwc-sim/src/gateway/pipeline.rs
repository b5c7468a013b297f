//! The order a request meets the gateway: counted and recorded, the round trip's latency, flow
//! control, the body limit, an injected fault, authentication; then the service answers.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;
use hwc_api::Service as Api;
use hwc_api::descriptor::Operation;

use super::GatewayError;
use super::fault_answers::{answer_before_service, ok_response};
use super::request_id::request_id;
use crate::server::ConnectionKill;
use crate::services::{self, Answer};
use crate::state::{ReceivedRequest, Shared};

/// Largest request body read; these APIs take none.
const MAX_BODY: usize = 64 * 1024;

pub(crate) async fn serve(
    shared: Arc<Shared>,
    api: Api,
    operation: &'static Operation,
    answer: Answer,
    path: HashMap<String, String>,
    request: Request,
) -> Response {
    shared.served.count(api);
    if let Some(Ok(mut received)) = shared.received.of(api).map(|slot| slot.lock()) {
        if received.len() >= crate::state::RECEIVED_KEPT {
            received.pop_front();
        }
        received.push_back(ReceivedRequest {
            operation: operation.id,
            path_parameters: path.clone(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect(),
            query: hwc_signing::canonical::parse_query(request.uri().query().unwrap_or_default())
                .into_iter()
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        });
    }
    let id = request_id(&request);
    // The round trip to the region, on every answer.
    let latency = shared.latency.draw();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let admitted = shared
        .flow_control
        .as_ref()
        .is_none_or(|flow| flow.admit(operation, &super::flow::credential(request.headers())));
    shared.per_operation.count(operation, !admitted);
    if !admitted {
        shared.throttled.count(api);
        return GatewayError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "APIGW.0308",
            "The throttling threshold has been reached: policy user over ratelimit",
        )
        .into_response_with(&id);
    }
    let kill = request.extensions().get::<ConnectionKill>().cloned();
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return GatewayError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "APIGW.0201",
            "Request entity too large",
        )
        .into_response_with(&id);
    };

    let fault = shared.faults.next(api);
    if let Some(fault) = &fault {
        tracing::debug!(request_id = id, %fault, "injecting fault");
        if let Some(response) = answer_before_service(fault, &shared, &parts, &id, kill).await {
            return response;
        }
    }

    if let Err(error) = shared.auth.check(&parts, &body, shared.server_now()) {
        shared.auth_rejections.fetch_add(1, Ordering::Relaxed);
        return error.into_response_with(&id);
    }

    let query = hwc_signing::canonical::parse_query(parts.uri.query().unwrap_or_default());
    let result = match answer {
        Answer::HssHistory => services::hss::page(
            &shared.data.hss,
            shared.order,
            shared.local_image_value,
            shared.first_unseen_vulnerability(),
            &path,
            &query,
            shared.added_hss.load(Ordering::Relaxed) as usize,
        ),
        Answer::ImageVulnerabilities => services::image_vulns::page(
            &shared.data,
            shared.order,
            shared.local_image_value,
            shared.first_unseen_vulnerability(),
            &path,
            &query,
        ),
        Answer::HostHistory => services::host_history::page(
            &shared.data,
            &path,
            &query,
            shared.added_host.load(Ordering::Relaxed) as usize,
        ),
        Answer::CheckRecords => services::codearts_check::page(
            &shared.data.codearts,
            shared.codearts_paging,
            shared.order,
            &path,
            &query,
        ),
        Answer::Tasks => services::codearts_tasks::tasks(
            &shared.data.codearts,
            shared.codearts_paging,
            &path,
            &query,
        ),
        Answer::TaskSummary => services::codearts_tasks::summary(
            &shared.data.codearts,
            shared.verdict_spelling,
            &path,
            &query,
        ),
        Answer::Defects => services::codearts_tasks::defects_page(
            &shared.data.codearts,
            shared.codearts_paging,
            shared.defect_repeats,
            &path,
            &query,
        ),
        Answer::Progress => services::codearts_tasks::progress(&shared.scans, &path, &query),
        Answer::Example(operation) => services::example::page(operation, &path, &query),
    };
    match result {
        Ok(json) => ok_response(json, fault.as_ref()),
        Err(error) => error.into_response_with(&id),
    }
}
