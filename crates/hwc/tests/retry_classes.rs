//! What is retried: certificate failures are not (another attempt cannot fix them and only
//! repeats the handshake with a host that is not who it claims to be). Nor can
//! `configure_http` turn certificate checks off.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

#[path = "support/tls_acceptor.rs"]
mod tls_acceptor;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hwc::{Client, Credentials, Error, RetryPolicy, Service};
use tls_acceptor::tls_acceptor;
use tokio::io::AsyncReadExt;

/// A TLS server whose certificate nobody trusts; counts the connections it accepts.
async fn self_signed_server() -> (String, Arc<AtomicUsize>) {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let acceptor = tls_acceptor(
        &format!("{data}/self-signed-cert.pem"),
        &format!("{data}/self-signed-key.pem"),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    let mut buf = [0u8; 1024];
                    let _ = tls.read(&mut buf).await;
                }
            });
        }
    });
    (url, connections)
}

/// Every error under `error`, each after ": ".
fn causes(error: &Error) -> String {
    let mut causes = String::new();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        causes = format!("{causes}: {inner}");
        cause = inner.source();
    }
    causes
}

#[tokio::test]
async fn a_certificate_nobody_trusts_is_not_retried() {
    let (url, connections) = self_signed_server().await;
    let client = Client::builder()
        .ignore_environment()
        .endpoint(Service::CodeArtsCheck, &url)
        .credentials(Credentials::access_key("AK", "SK").unwrap())
        .retry(RetryPolicy::default().with_base_delay(std::time::Duration::from_millis(5)))
        .build()
        .unwrap();
    let error = client
        .codearts_check()
        .check_records("0123456789abcdef0123456789abcdef", "t")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let causes = causes(&error);
    assert!(causes.contains("certificate"), "{error}{causes}");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "one handshake, no retry"
    );
}

#[tokio::test]
async fn configure_http_cannot_turn_certificate_checks_off() {
    let (url, _) = self_signed_server().await;
    let client = Client::builder()
        .ignore_environment()
        .endpoint(Service::CodeArtsCheck, &url)
        .credentials(Credentials::access_key("AK", "SK").unwrap())
        .configure_http(|http| {
            http.tls_danger_accept_invalid_certs(true)
                .tls_danger_accept_invalid_hostnames(true)
        })
        .build()
        .unwrap();
    let error = client
        .codearts_check()
        .check_records("0123456789abcdef0123456789abcdef", "t")
        .send()
        .await
        .unwrap_err();
    let causes = causes(&error);
    assert!(causes.contains("certificate"), "{error}{causes}");
}
