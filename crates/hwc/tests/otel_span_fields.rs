//! Each attempt's span carries OpenTelemetry's names for an HTTP client span (what
//! tracing-opentelemetry exports): `otel.name` (the method), `otel.kind`,
//! `http.request.method`, `server.address`, `url.full` and `http.response.status_code`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::io::Write;
use std::sync::{Arc, Mutex};

use hwc::{Client, Credentials};
use hwc_sim::{DEMO_PROJECT, DEMO_TASK, Simulator};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_attempt_span_has_the_opentelemetry_http_client_fields() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = Simulator::builder().records(10).start().await.unwrap();
    let client = Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .project_id("p")
        .build()
        .unwrap();
    client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await
        .unwrap();

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let closed = text
        .lines()
        .find(|line| line.contains("attempt{") && line.contains("close"))
        .unwrap_or_else(|| panic!("no attempt span closed in:\n{text}"));
    for field in [
        "otel.name=GET",
        "otel.kind=\"client\"",
        "http.request.method=GET",
        "server.address=\"127.0.0.1\"",
        "url.full=http://127.0.0.1:",
        "http.response.status_code=200",
    ] {
        assert!(closed.contains(field), "{field} not in {closed}");
    }
}
