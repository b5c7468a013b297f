//! A whole HTTPS call with the TLS backend the features chose: rustls with aws-lc-rs (the
//! default) or with ring (`--no-default-features --features rustls-ring`, which `.ci/run` runs
//! with no aws-lc in the build), trusting a certificate given with
//! `add_root_certificate_pem`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

#[path = "support/tls_acceptor.rs"]
mod tls_acceptor;

use hwc::{Client, Credentials, Service};
use tls_acceptor::tls_acceptor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tls");

/// An HTTPS server (a certificate of the test CA for 127.0.0.1 and localhost) answering every request with one
/// page of `CheckRecord`.
async fn https_server() -> String {
    let acceptor = tls_acceptor(
        &format!("{DATA}/server-cert.pem"),
        &format!("{DATA}/server-key.pem"),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let body = r#"{"total":1,"data":[{"check_time":"2024-05-01 10:00:00","issue_counts":{"critical":3}}]}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: tls-1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    url
}

#[tokio::test]
async fn an_https_call_completes_with_the_chosen_tls_backend() {
    let url = https_server().await;
    let client = Client::builder()
        .ignore_environment()
        .endpoint(Service::CodeArtsCheck, &url)
        .credentials(Credentials::access_key("AK", "SK").unwrap())
        .add_root_certificate_pem(&std::fs::read(format!("{DATA}/ca-cert.pem")).unwrap())
        .build()
        .unwrap();
    let page = client
        .codearts_check()
        .check_records("0123456789abcdef0123456789abcdef", "t")
        .send()
        .await
        .unwrap();
    assert_eq!(page.items[0].issue_counts.critical, Some(3));

    // With ring chosen alone, hwc installed ring as the process's rustls provider.
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
    {
        let provider = tokio_rustls::rustls::crypto::CryptoProvider::get_default().unwrap();
        let ring = tokio_rustls::rustls::crypto::ring::default_provider();
        assert_eq!(
            format!("{:?}", provider.cipher_suites),
            format!("{:?}", ring.cipher_suites)
        );
    }
}
