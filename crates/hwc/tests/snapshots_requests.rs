//! Snapshots of the exact requests sent (method, path, query, headers; the date, signature and
//! port redacted), recorded by a loopback server, and of how every kind of error reads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hwc::hss::{HandleType, ImageType, VulStatus};
use hwc::{ApiError, Client, Credentials, Error, PagingProblem, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers every request with `body` and keeps the request heads.
async fn recorder(body: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                log.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nX-Request-Id: rec-1\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    (format!("http://{address}"), heads)
}

/// The head with what changes between runs redacted, headers sorted.
fn redact(head: &str, base: &str) -> String {
    let port = base.rsplit(':').next().unwrap();
    let mut lines = head.trim_end().lines();
    let request_line = lines.next().unwrap().to_owned();
    let mut headers: Vec<String> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            let name = name.to_ascii_lowercase();
            let value = value.trim().replace(port, "<port>");
            let value = match name.as_str() {
                "x-sdk-date" => "<date>".to_owned(),
                "authorization" => match value.split_once(", Signature=") {
                    Some((start, _)) => format!("{start}, Signature=<signature>"),
                    None => value,
                },
                _ => value,
            };
            format!("{name}: {value}")
        })
        .collect();
    headers.sort();
    format!("{request_line}\n{}", headers.join("\n"))
}

fn client(base: &str, credentials: Credentials) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(base)
        .credentials(credentials)
        .project_id("0123456789abcdef0123456789abcdef")
        .user_agent("hwc-test")
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_exact_requests_sent() {
    let (base, heads) =
        recorder(r#"{"total_num": 0, "data_list": [], "total": 0, "data": []}"#).await;
    let aksk = client(
        &base,
        Credentials::access_key("HPUAEXAMPLEAK0000001", "sk").unwrap(),
    );
    aksk.hss()
        .image_vul_handle_history("CVE-2021-44228", ImageType::Local)
        .enterprise_project_id("all_granted_eps")
        .image_name("nginx:1.25 alpine")
        .status(VulStatus::VulStatusIgnored)
        .handle_type(HandleType::AddToWhitelist)
        .remark("accepted risk: internal only")
        .offset(200)
        .limit(200)
        .send()
        .await
        .unwrap();
    let temporary = client(
        &base,
        Credentials::temporary("HPUAEXAMPLEAK0000001", "sk", "security-token").unwrap(),
    );
    temporary
        .codearts_check()
        .check_records("5f8a1b2c3d4e5f60718293a4b5c6d7e8", "task 1:a")
        .start_time("2020-02-20T03:37:46Z".parse().unwrap())
        // Any offset in, UTC out, in the documented `yyyy-MM-ddTHH:mm:ssZ`.
        .end_time("2020-02-21T08:00:00+08:00".parse().unwrap())
        .limit(1000)
        .send()
        .await
        .unwrap();
    let token = client(&base, Credentials::token("iam-token-value").unwrap());
    token
        .codearts_check()
        .check_records("5f8a1b2c3d4e5f60718293a4b5c6d7e8", "t")
        .send()
        .await
        .unwrap();

    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 3);
    let shown: Vec<String> = heads.iter().map(|h| redact(h, &base)).collect();
    assert!(
        !shown.iter().any(|h| h.contains("api-version")),
        "progenitor's api-version is stripped"
    );
    insta::assert_snapshot!("requests", shown.join("\n\n"));
}

#[tokio::test]
async fn how_every_kind_of_error_reads() {
    let refused = Client::builder()
        .ignore_environment()
        .endpoint_for_all("http://127.0.0.1:9")
        .credentials(Credentials::access_key("AK", "SK").unwrap())
        .project_id("p")
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let transport = refused
        .codearts_check()
        .check_records("p", "t")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(transport, Error::Transport { .. }));
    let errors = [
        refused.codearts_check().check_records("p", "t").limit(0).send().await.unwrap_err().to_string(),
        Error::from(hwc::ConfigError::UnknownRegion { region: "mars-1".into(), known: vec!["cn-north-4"] }).to_string(),
        Error::Signing("header x-custom is not visible ASCII and cannot be signed".into()).to_string(),
        Error::Api(ApiError::from_body(
            "ListGeneralImageVulOperations",
            429,
            br#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}"#,
            Some("0123456789abcdef0123456789abcdef".into()),
            Some(2),
        ))
        .to_string(),
        // The causes (which depend on the OS) are in source(), not in the text.
        transport.to_string(),
        Error::Timeout { operation: "CheckRecord", elapsed: Duration::from_secs(300), limit: Duration::from_secs(300), what: "the operation, retries included" }.to_string(),
        Error::Timeout { operation: "CheckRecord", elapsed: Duration::from_millis(60_004), limit: Duration::from_secs(60), what: "one attempt" }.to_string(),
        Error::Decode {
            operation: "CheckRecord",
            status: 200,
            request_id: Some("abc".into()),
            path: "data[3].issue_counts.critical".into(),
            excerpt: "{\"total\":5,\"data\":[".into(),
            source: serde_json::from_str::<i64>("\"many\"").unwrap_err(),
        }
        .to_string(),
        paging(PagingProblem::TotalChanged { first: 100, later: 101 }),
        paging(PagingProblem::OffsetIgnored { offset: 200 }),
        paging(PagingProblem::ShortResult { total: 100, received: 60 }),
        paging(PagingProblem::BeyondMaximumOffset { total: 3_000_000, maximum_offset: 2_000_000 }),
    ];
    insta::assert_snapshot!("error_displays", errors.join("\n"));
}

fn paging(problem: PagingProblem) -> String {
    Error::Paging {
        operation: "ListGeneralImageVulOperations",
        problem,
    }
    .to_string()
}
