//! The two APIs behind the simulated gateway. Each request goes through, in order: fault
//! injection, authentication, validation against the spec, the query, and the response (which
//! some faults then damage).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hwc_api::descriptor::{Location, Operation, ParameterSchema};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use tokio::sync::Notify;

use crate::auth::{self, Authenticator};
use crate::data::Dataset;
use crate::data::{codearts, hss};
use crate::faults::{Api, Fault, FaultInjector};
use crate::gateway_error::GatewayError;

const HSS: &Operation = &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS;
const CHECK_RECORD: &Operation = &hwc_api::codearts_check::spec::CHECK_RECORD;
/// Largest request body read; these APIs take none.
const MAX_BODY: usize = 64 * 1024;

/// Everything the handlers share.
pub struct Shared {
    pub data: Dataset,
    pub auth: Authenticator,
    pub faults: FaultInjector,
    /// Milliseconds added to the real clock to give the server's clock; tests move it.
    pub clock_offset_ms: std::sync::atomic::AtomicI64,
    /// Requests refused by authentication (any 401 of the gateway's checks).
    pub auth_rejections: AtomicU64,
    /// Added to every answer.
    pub latency: crate::Latency,
    /// The gateway's flow control, when on.
    pub flow_control: Option<crate::flow::FlowControl>,
    /// Requests refused by flow control, per API.
    pub throttled: [AtomicU64; 2],
    /// The last request routed to each API, as received.
    pub last_request: std::sync::Mutex<[Option<crate::ReceivedRequest>; 2]>,
    /// What CodeArts Check's `offset` counts.
    pub codearts_paging: crate::CodeArtsPaging,
    /// Which end of a result both APIs answer first.
    pub order: crate::Order,
    /// Which spellings of local images HSS's `image_type` takes.
    pub local_image_value: crate::LocalImageValue,
    /// Base URL the redirect fault sends clients to.
    pub redirect_target: String,
    /// Requests that reached each API (after routing, before faults and auth).
    pub served: [AtomicU64; 2],
    /// HSS records handled since the data set was made (see [`crate::Simulator::add_hss_records`]).
    pub added_hss: AtomicU64,
    /// The ECS metadata service, when on.
    pub metadata: Option<crate::metadata::MetadataState>,
    /// IAM (projects, federated identity), when on.
    pub iam: Option<crate::iam::IamState>,
}

impl Shared {
    pub(crate) fn server_now(&self) -> Timestamp {
        let offset = SignedDuration::from_millis(self.clock_offset_ms.load(Ordering::Relaxed));
        Timestamp::now()
            .checked_add(offset)
            .unwrap_or_else(|_| Timestamp::now())
    }
}

/// Closes the current connection without a response when notified.
#[derive(Clone)]
pub struct ConnectionKill(pub Arc<Notify>);

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

/// What answers an operation.
#[derive(Clone, Copy)]
enum Answer {
    /// HSS's handling history, from the generated data set.
    HssHistory,
    /// CodeArts Check's scans, from the generated data set.
    CheckRecords,
    /// An operation nobody wrote data for: the spec's example.
    Example(&'static Operation),
}

/// The routes, one per operation of the specs (axum and OpenAPI both write parameters as
/// `{name}`): the two with data sets, and every other answering with its spec example.
pub fn router(shared: Arc<Shared>) -> Router {
    let services = [
        (Api::Hss, &hwc_api::hss::spec::SERVICE),
        (Api::CodeArtsCheck, &hwc_api::codearts_check::spec::SERVICE),
    ];
    let mut router = Router::new();
    for (api, service) in services {
        for &operation in service.operations {
            let answer = if operation.id == HSS.id {
                Answer::HssHistory
            } else if operation.id == CHECK_RECORD.id {
                Answer::CheckRecords
            } else {
                Answer::Example(operation)
            };
            router = router.route(
                operation.path,
                get(
                    move |State(shared): State<Arc<Shared>>,
                          Path(path): Path<HashMap<String, String>>,
                          request: Request| {
                        serve(shared, api, answer, path, request)
                    },
                ),
            );
        }
    }
    router
        .merge(crate::metadata::routes())
        .merge(crate::iam::routes())
        .route(STATS_PATH, get(stats_handler))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(middleware::from_fn(request_id_and_log))
        .with_state(shared)
}

/// The simulator's own counters, for benchmarks that run it as a separate process. Not an API
/// of the cloud: no latency, flow control, faults or authentication.
pub const STATS_PATH: &str = "/hwc-sim/stats";

/// Requests and throttles per API so far, as JSON.
async fn stats_handler(State(shared): State<Arc<Shared>>) -> Response {
    let of = |api: Api| {
        serde_json::json!({
            "requests": shared.served[api as usize].load(Ordering::Relaxed),
            "throttled": shared.throttled[api as usize].load(Ordering::Relaxed),
        })
    };
    axum::Json(serde_json::json!({
        "hss": of(Api::Hss),
        "codearts-check": of(Api::CodeArtsCheck),
        "auth_rejections": shared.auth_rejections.load(Ordering::Relaxed),
    }))
    .into_response()
}

async fn not_found(request: Request) -> Response {
    let id = request_id(&request);
    GatewayError::not_found().into_response_with(&id)
}

fn request_id(request: &Request) -> String {
    request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default()
}

/// Gives each request an id, puts it in `X-Request-Id`, and logs one line per request.
async fn request_id_and_log(mut request: Request, next: Next) -> Response {
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

async fn serve(
    shared: Arc<Shared>,
    api: Api,
    answer: Answer,
    path: HashMap<String, String>,
    request: Request,
) -> Response {
    shared.served[api as usize].fetch_add(1, Ordering::Relaxed);
    if let Ok(mut last) = shared.last_request.lock() {
        last[api as usize] = Some(crate::ReceivedRequest {
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
    if let Some(flow) = &shared.flow_control
        && !flow.admit(api, &crate::flow::credential(request.headers()))
    {
        shared.throttled[api as usize].fetch_add(1, Ordering::Relaxed);
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
        Answer::HssHistory => hss_page(
            &shared.data.hss,
            shared.order,
            shared.local_image_value,
            &path,
            &query,
            shared.added_hss.load(Ordering::Relaxed) as usize,
        ),
        Answer::CheckRecords => check_record_page(
            &shared.data.codearts,
            shared.codearts_paging,
            shared.order,
            &path,
            &query,
        ),
        Answer::Example(operation) => example_page(operation, &path, &query),
    };
    match result {
        Ok(json) => ok_response(json, fault.as_ref()),
        Err(error) => error.into_response_with(&id),
    }
}

/// Faults that answer instead of the service; `None` to go on (after a delay, for `Slow`).
async fn answer_before_service(
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
            auth::expired(&sent, shared.server_now())
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

fn ok_response(json: Vec<u8>, fault: Option<&Fault>) -> Response {
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

/// Checks the call against the spec; returns the query parameters by name.
fn validated<'a>(
    operation: &Operation,
    path: &'a HashMap<String, String>,
    query: &'a [(Cow<'a, str>, Cow<'a, str>)],
) -> Result<HashMap<&'a str, &'a str>, GatewayError> {
    let pairs: Vec<(&str, &str)> = path
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .chain(
            query
                .iter()
                .map(|(name, value)| (name.as_ref(), value.as_ref())),
        )
        .collect();
    hwc_api::validate::check_received(operation, &pairs)
        .map_err(|error| GatewayError::bad_request(error.to_string()))?;
    Ok(pairs.into_iter().collect())
}

/// The integer parameter `name`, or its default from the spec.
fn integer(operation: &Operation, values: &HashMap<&str, &str>, name: &str) -> usize {
    let default = match operation.parameter(name).map(|p| p.schema) {
        Some(ParameterSchema::Integer { default, .. }) => default.unwrap_or(0),
        _ => 0,
    };
    values
        .get(name)
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(default)
        .max(0) as usize
}

fn owned(values: &HashMap<&str, &str>, name: &str) -> Option<String> {
    values.get(name).map(|v| (*v).to_owned())
}

fn hss_page(
    data: &hss::HssData,
    order: crate::Order,
    local_image_value: crate::LocalImageValue,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
    added: usize,
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(HSS, path, query)?;
    // The optional query parameters given, paging aside, filter by the field of their name.
    let paging = HSS.paging.map(|p| [p.offset_parameter, p.limit_parameter]);
    let filters = hss::Filters(
        HSS.parameters
            .iter()
            .filter(|p| !p.required && p.location == Location::Query)
            .filter(|p| paging.is_none_or(|names| !names.contains(&p.name)))
            .filter_map(|p| Some((p.name.to_owned(), owned(&values, p.name)?)))
            .collect(),
    );
    let image_type = values.get("image_type").copied().unwrap_or_default();
    let local = local_image_value.is_local(image_type).map_err(|taken| {
        GatewayError::bad_request(format!(
            "invalid image_type {image_type:?}: local images are {taken:?} here"
        ))
    })?;
    let vul_id = values.get("vul_id").copied().unwrap_or_default();
    let (total, items) = order.page(
        integer(HSS, &values, "offset"),
        integer(HSS, &values, "limit"),
        |offset, limit| {
            let page = data.query(vul_id, local, &filters, offset, limit, added);
            (page.total, page.items)
        },
    );
    #[derive(Serialize)]
    struct Body {
        total_num: usize,
        data_list: Vec<crate::data::wire_record::WireRecord>,
    }
    to_json(&Body {
        total_num: total,
        data_list: items,
    })
}

fn check_record_page(
    data: &codearts::CodeArtsData,
    paging: crate::CodeArtsPaging,
    order: crate::Order,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(CHECK_RECORD, path, query)?;
    // The spec gives the documented form (`2020-09-25T12:05:00Z`); older clients sent others,
    // so a value the simulator cannot read is ignored rather than refused, as before.
    let time = |name: &str| -> Result<Option<i64>, GatewayError> {
        let Some(text) = values.get(name).filter(|text| !text.trim().is_empty()) else {
            return Ok(None);
        };
        let parsed = codearts::parse_time(text);
        if parsed.is_none() {
            tracing::warn!(parameter = name, value = %text, "ignoring a time filter in an unknown format");
        }
        Ok(parsed)
    };
    let limit = integer(CHECK_RECORD, &values, "limit");
    let (start, end) = (time("start_time")?, time("end_time")?);
    let (total, items) = order.page(
        paging.first_record(integer(CHECK_RECORD, &values, "offset"), limit),
        limit,
        |offset, limit| {
            let page = data.query(
                values.get("project_id").copied().unwrap_or_default(),
                values.get("task_id").copied().unwrap_or_default(),
                start,
                end,
                offset,
                limit,
            );
            (page.total, page.items)
        },
    );
    #[derive(Serialize)]
    struct Body {
        total: usize,
        data: Vec<codearts::CheckItem>,
    }
    to_json(&Body { total, data: items })
}

/// The spec's example answer of `operation`, after validating the request. For a paged
/// operation the example's items are the whole data set: the answer holds the page the offset
/// and limit ask for (pages counted from 0 when the offset is a page number), and their number
/// as the total.
fn example_page(
    operation: &'static Operation,
    path: &HashMap<String, String>,
    query: &[(Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<u8>, GatewayError> {
    let values = validated(operation, path, query)?;
    let example = operation.example.ok_or_else(|| {
        GatewayError::new(
            StatusCode::NOT_IMPLEMENTED,
            "APIGW.0103",
            format!("the spec gives no example answer of {}", operation.id),
        )
    })?;
    let mut body: serde_json::Value = serde_json::from_str(example).map_err(|error| {
        GatewayError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "APIGW.0103",
            format!("the example of {} is not JSON: {error}", operation.id),
        )
    })?;
    if let Some(paging) = operation.paging
        && let Some(items) = body
            .get(paging.items_field)
            .and_then(serde_json::Value::as_array)
            .cloned()
    {
        let limit = integer(operation, &values, paging.limit_parameter).max(1);
        let offset = integer(operation, &values, paging.offset_parameter);
        let first = match paging.offset_unit {
            hwc_api::descriptor::OffsetUnit::Record => offset,
            hwc_api::descriptor::OffsetUnit::Page => offset.saturating_mul(limit),
        };
        let total = items.len();
        let page: Vec<serde_json::Value> = items.into_iter().skip(first).take(limit).collect();
        body[paging.items_field] = serde_json::Value::Array(page);
        body[paging.total_field] = serde_json::Value::from(total);
    }
    to_json(&body)
}

fn to_json(body: &impl Serialize) -> Result<Vec<u8>, GatewayError> {
    serde_json::to_vec(body).map_err(|error| {
        GatewayError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "APIGW.0103",
            format!("encoding failed: {error}"),
        )
    })
}
