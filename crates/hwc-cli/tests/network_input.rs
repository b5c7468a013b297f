//! The `hwc` command never panics on what a server sends: a 429 whose `Retry-After` is the
//! largest number a header can say, after a slow first attempt, ends with exit 1 and the API's
//! error line.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::time::Duration;

use assert_cmd::Command;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Answers the first request after 1.2 s with a 503, every later one at once with a 429 whose
/// `Retry-After` is `u64::MAX` seconds.
async fn slow_then_absurd() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut stream, _)) = listener.accept().await {
            let slow = std::mem::replace(&mut first, false);
            tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                let _ = stream.read(&mut buf).await;
                let (status, extra) = if slow {
                    tokio::time::sleep(Duration::from_millis(1_200)).await;
                    ("503 Service Unavailable", String::new())
                } else {
                    (
                        "429 Too Many Requests",
                        "Retry-After: 18446744073709551615\r\n".to_owned(),
                    )
                };
                let body =
                    r#"{"error_code":"APIGW.0308","error_msg":"throttled","request_id":"r1"}"#;
                let answer = format!(
                    "HTTP/1.1 {status}\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn an_absurd_retry_after_exits_1_cleanly() {
    let url = slow_then_absurd().await;
    let output = tokio::task::spawn_blocking(move || {
        Command::cargo_bin("hwc")
            .unwrap()
            .env_clear()
            .env("HOME", "/nonexistent-home")
            .env("HUAWEICLOUD_SDK_AK", "AK")
            .env("HUAWEICLOUD_SDK_SK", "SK")
            .args(["--endpoint", &url, "codearts-check", "records"])
            .args(["--codearts-project", "0123456789abcdef0123456789abcdef"])
            .args(["--task-id", "t"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HTTP 429 APIGW.0308"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
