//! Traced at trace level, a call shows its operation and attempt spans with status and request
//! id, and no secret (SK, IAM token, security token, signature) appears in any log line, in
//! `Debug` of any public type holding one, or in an error. Each attempt's span carries
//! OpenTelemetry's names for an HTTP client span (what tracing-opentelemetry exports):
//! `otel.name` (the method), `otel.kind`, `http.request.method`, `server.address`, `url.full`
//! and `http.response.status_code`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::io::Write;
use std::sync::{Arc, Mutex};

use hwc::hss::ImageType;
use hwc::{Client, Credentials};
use hwc_sim::{Api, Fault, Simulator};

const SK: &str = "sk-that-must-never-show-0001";
const TOKEN: &str = "iam-token-that-must-never-show";
const SECURITY_TOKEN: &str = "security-token-that-must-never-show";

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

/// Everything traced at `level` and above on this thread, span closes included, until the
/// guard is dropped.
fn capture(level: tracing::Level) -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

#[tokio::test(flavor = "current_thread")]
async fn trace_output_shows_spans_and_no_secret() {
    let (captured, _guard) = capture(tracing::Level::TRACE);

    let sim = Simulator::builder()
        .records(500)
        .access_key("AKVISIBLE", SK)
        .temporary_access_key("TMPVISIBLE", SK, SECURITY_TOKEN)
        .token(TOKEN)
        .start()
        .await
        .unwrap();
    let mut shown = Vec::new();
    let mut signatures = Vec::new();
    for credentials in [
        Credentials::access_key("AKVISIBLE", SK).unwrap(),
        Credentials::temporary("TMPVISIBLE", SK, SECURITY_TOKEN).unwrap(),
        Credentials::token(TOKEN).unwrap(),
        Credentials::access_key("AKVISIBLE", "wrong-secret").unwrap(),
    ] {
        shown.push(format!("{credentials:?}"));
        let builder = Client::builder()
            .ignore_environment()
            .endpoint_for_all(sim.base_url())
            .credentials(credentials.clone())
            .project_id("p");
        shown.push(format!("{builder:?}"));
        let client = builder.build().unwrap();
        shown.push(format!("{client:?}"));
        sim.script(Api::Hss, [Fault::ServerError(503)]);
        let result = client
            .hss()
            .image_vul_handle_history("CVE-2021-44228", ImageType::Registry)
            .send()
            .await;
        match result {
            Ok(page) => shown.push(format!("{page:?}")),
            Err(error) => {
                shown.push(format!("{error}"));
                shown.push(format!("{error:?}"));
            }
        }
        // The signature this client really sent, as the simulator received it.
        if let Credentials::AccessKey(signer) = &credentials {
            shown.push(format!("{signer:?}"));
            let sent = sim.last_request(Api::Hss).unwrap();
            let authorization = sent.header("authorization").unwrap();
            assert!(
                authorization.contains(signer.access_key()),
                "{authorization}"
            );
            signatures.push(
                authorization
                    .rsplit("Signature=")
                    .next()
                    .unwrap()
                    .to_owned(),
            );
            if let Some(token) = sent.header("x-security-token") {
                assert_eq!(
                    token, SECURITY_TOKEN,
                    "the token the test looks for was sent"
                );
            }
        }
    }
    let profile = hwc::Profile::parse(&format!(
        "[basic]\nak = A\nsk = {SK}\nsecurity_token = {SECURITY_TOKEN}\n"
    ))
    .unwrap();
    shown.push(format!("{profile:?}"));

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains(r#"attempt{operation="list_general_image_vul_operations" attempt=1"#),
        "attempt spans"
    );
    assert!(
        log.contains(r#"hwc{operation="ListGeneralImageVulOperations""#),
        "operation spans"
    );
    assert!(
        log.contains("status=503") && log.contains("status=200"),
        "statuses are traced"
    );
    assert!(log.contains("request_id="), "request ids are traced");
    let everything = format!("{log}\n{}", shown.join("\n"));
    for secret in [SK, TOKEN, SECURITY_TOKEN, "wrong-secret"] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked:\n{everything}"
        );
    }
    assert_eq!(
        signatures.len(),
        3,
        "every AK/SK client's signature is looked for"
    );
    for signature in signatures {
        assert_eq!(signature.len(), 64, "{signature}");
        assert!(!everything.contains(&signature[..16]), "a signature leaked");
    }
    assert!(
        everything.contains("AKVISIBLE"),
        "the AK is not secret and helps debugging"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn an_attempt_span_has_the_opentelemetry_http_client_fields() {
    let (captured, _guard) = capture(tracing::Level::DEBUG);

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
        .check_records(hwc_sim::DEMO_PROJECT, hwc_sim::DEMO_TASK)
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
