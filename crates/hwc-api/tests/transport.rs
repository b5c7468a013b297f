//! Every request a generated client sends goes through its `Transport`, complete (path, query
//! and all headers set), so the facade can sign it last. Checked over real HTTP on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use std::sync::{Arc, Mutex};

use hwc_api::codearts_check::types as codearts;
use hwc_api::hss::types as hss;
use hwc_api::{DirectTransport, SharedTransport, Transport, TransportFuture};
use support::loopback::Loopback;

/// Records what it is handed and adds a header computed from the other headers, the way a
/// signer does.
#[derive(Debug, Default)]
struct Stamping {
    seen: Mutex<Vec<(&'static str, Vec<String>)>>,
}

impl Transport for Stamping {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: reqwest::Request,
        operation_id: &'static str,
    ) -> TransportFuture<'a> {
        let mut names: Vec<String> = request.headers().keys().map(|k| k.to_string()).collect();
        names.sort();
        let stamp = format!(
            "{} {}",
            names.join(";"),
            request.url().query().unwrap_or_default()
        );
        request
            .headers_mut()
            .insert("x-stamp", stamp.parse().expect("ASCII"));
        self.seen.lock().expect("lock").push((operation_id, names));
        Box::pin(client.execute(request))
    }
}

const HSS_PAGE: &str =
    r#"{"total_num": 1, "data_list": [{"image_id": 123456, "status": "vul_status_fixed"}]}"#;

#[tokio::test]
async fn the_transport_sees_the_finished_request_and_may_change_it() {
    let server = Loopback::start(200, HSS_PAGE).await;
    let stamping = Arc::new(Stamping::default());
    let transport: SharedTransport = stamping.clone();
    let client = hwc_api::hss::Client::new(&server.base_url, transport);

    let page = client
        .list_general_image_vul_operations()
        .project_id("0123456789abcdef0123456789abcdef")
        .vul_id("CVE-2021-44228")
        .image_type(hss::ImageType::Registry)
        .status(hss::VulStatus::VulStatusIgnored)
        .limit(200)
        .send()
        .await
        .expect("200 decodes")
        .into_inner();
    assert_eq!(page.total_num, Some(1));
    assert_eq!(page.data_list[0].image_id.as_deref(), Some("123456"));

    let seen = stamping.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0, "list_general_image_vul_operations");
    assert_eq!(seen[0].1, ["accept", "api-version"]);

    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].request_line,
        "GET /v5/0123456789abcdef0123456789abcdef/image/vulnerability/handle-history?image_type=registry&limit=200&status=vul_status_ignored&vul_id=CVE-2021-44228 HTTP/1.1"
    );
    assert_eq!(
        received[0].header("x-stamp"),
        Some(
            "accept;api-version image_type=registry&limit=200&status=vul_status_ignored&vul_id=CVE-2021-44228"
        )
    );
    assert_eq!(received[0].header("api-version"), Some("v5"));
}

#[tokio::test]
async fn documented_error_statuses_decode_into_the_error_body() {
    let server = Loopback::start(
        429,
        r#"{"error_code": "APIGW.0308", "error_msg": "throttled", "request_id": "loopback-1"}"#,
    )
    .await;
    let client = hwc_api::codearts_check::Client::new(&server.base_url, DirectTransport::shared());
    let error = client
        .check_record()
        .project_id("0123456789abcdef0123456789abcdef")
        .task_id("demo task/1")
        .send()
        .await
        .expect_err("429 is an error");
    let hwc_api::codearts_check::Error::ErrorResponse(response) = error else {
        panic!("expected the documented error body, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 429);
    let body: &codearts::ErrorBody = &response;
    assert_eq!(body.error_code.as_deref(), Some("APIGW.0308"));
    assert_eq!(body.request_id.as_deref(), Some("loopback-1"));
    // Path segments are percent-encoded by the generated code.
    assert_eq!(
        server.received()[0].request_line,
        "GET /v2/0123456789abcdef0123456789abcdef/tasks/demo%20task%2F1/checkrecord HTTP/1.1"
    );
}

#[tokio::test]
async fn string_constraints_of_the_spec_stop_a_request_before_it_is_sent() {
    let server = Loopback::start(200, HSS_PAGE).await;
    let client = hwc_api::hss::Client::new(&server.base_url, DirectTransport::shared());
    let error = client
        .list_general_image_vul_operations()
        .project_id("p")
        .vul_id("x".repeat(257))
        .image_type(hss::ImageType::Local)
        .send()
        .await
        .expect_err("vul_id is limited to 256 characters");
    assert!(
        matches!(&error, hwc_api::hss::Error::InvalidRequest(message) if message.contains("vul_id")),
        "{error:?}"
    );
    let missing = client
        .list_general_image_vul_operations()
        .project_id("p")
        .image_type(hss::ImageType::Local)
        .send()
        .await
        .expect_err("vul_id is required");
    assert!(matches!(missing, hwc_api::hss::Error::InvalidRequest(_)));
    assert!(server.received().is_empty(), "nothing reaches the server");
}
