//! CodeArts Check as documented and shipped today, against `hwc-sim` over real HTTP: paging that
//! is right whichever way the service counts `offset` (pages from 0, pages from 1, records),
//! the current endpoints with failover, and times in the documented form.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::time::Duration;

use futures::TryStreamExt;
use hwc::codearts_check::CheckRecord;
use hwc::{Client, Credentials, Error, PagingProblem, RetryPolicy, Service};
use hwc_sim::{CodeArtsPaging, DEMO_PROJECT, DEMO_TASK, Fault, Simulator};

/// Scans of the demo task in these tests.
const SCANS: usize = 2_000;
/// Scans of the window paged one scan per page (2,000 single-scan pages would be slow).
const WINDOW: usize = 40;

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .project_id("iam-project-of-the-region")
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(2))
                .with_max_delay(Duration::from_millis(20))
                .with_max_attempts(8),
        )
        .build()
        .unwrap()
}

async fn simulator(paging: CodeArtsPaging, fault_rate: f64) -> Simulator {
    let transient = ["429", "503", "drop", "busy", "truncate"]
        .iter()
        .map(|kind| kind.parse::<Fault>().unwrap())
        .collect();
    Simulator::builder()
        .records(500)
        .check_records(SCANS)
        .codearts_paging(paging)
        .random_faults(fault_rate, transient, 11)
        .lockout(None)
        .start()
        .await
        .unwrap()
}

/// The demo task's `check_time`s, newest first, straight from the simulator's data.
fn expected(sim: &Simulator) -> Vec<String> {
    sim.data().codearts.check_times(DEMO_PROJECT, DEMO_TASK)
}

fn times(scans: &[CheckRecord]) -> Vec<String> {
    scans
        .iter()
        .map(|scan| scan.check_time.as_ref().unwrap().raw.clone())
        .collect()
}

#[tokio::test]
async fn every_scan_once_in_order_whatever_offset_counts() {
    for paging in CodeArtsPaging::ALL {
        for fault_rate in [0.0, 0.1] {
            let sim = simulator(paging, fault_rate).await;
            let all = expected(&sim);
            assert_eq!(all.len(), SCANS);
            let client = client(&sim);
            // The window: scans that started at or after the 40th newest one's start.
            let window_start = hwc::codearts_check::ScanTime::parse(all[WINDOW - 1].clone())
                .instant
                .unwrap();
            for page_size in [1, 7, 1000] {
                for concurrency in [1, 4] {
                    let mut request = client
                        .codearts_check()
                        .check_records(DEMO_PROJECT, DEMO_TASK);
                    let want = if page_size == 1 {
                        request = request.start_time(window_start);
                        &all[..WINDOW]
                    } else {
                        &all[..]
                    };
                    let scans: Vec<CheckRecord> = request
                        .into_paginator()
                        .page_size(page_size)
                        .concurrency(concurrency)
                        .items()
                        .try_collect()
                        .await
                        .unwrap_or_else(|e| {
                            panic!("{paging}, faults {fault_rate}, page size {page_size}, concurrency {concurrency}: {e}")
                        });
                    assert_eq!(
                        times(&scans),
                        want,
                        "{paging}, faults {fault_rate}, page size {page_size}, concurrency {concurrency}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_server_whose_pages_cannot_tell_is_a_paging_error_not_a_wrong_list() {
    for paging in CodeArtsPaging::ALL {
        let sim = simulator(paging, 0.0).await;
        let result: Result<Vec<CheckRecord>, Error> = client(&sim)
            .codearts_check()
            .check_records(DEMO_PROJECT, hwc_sim::ALIKE_TASK)
            .into_paginator()
            .page_size(7)
            .items()
            .try_collect()
            .await;
        match result {
            Err(Error::Paging {
                problem: PagingProblem::PagingUndecided { evidence },
                ..
            }) => assert!(evidence.contains("alike"), "{paging}: {evidence}"),
            other => panic!("{paging}: expected PagingUndecided, got {other:?}"),
        }
        // One page that holds everything needs no decision.
        let whole: Vec<CheckRecord> = client(&sim)
            .codearts_check()
            .check_records(DEMO_PROJECT, hwc_sim::ALIKE_TASK)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(whole.len(), hwc_sim::ALIKE_SCANS, "{paging}");
    }
}

#[tokio::test]
async fn one_page_sends_offset_as_given() {
    let sim = simulator(CodeArtsPaging::Page0, 0.0).await;
    let all = expected(&sim);
    let page = client(&sim)
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .offset(3)
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!(
        times(&page.items),
        all[30..40],
        "page number 3 of a page0 server"
    );
}

#[test]
fn cn_north_4_is_codearts_check_with_the_cn_domain_second() {
    let client = Client::builder()
        .ignore_environment()
        .region("cn-north-4")
        .credentials(Credentials::access_key("AK", "SK").unwrap())
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint(Service::CodeArtsCheck).unwrap(),
        "https://codearts-check.cn-north-4.myhuaweicloud.com"
    );
    assert_eq!(
        client.endpoints(Service::CodeArtsCheck).unwrap(),
        [
            "https://codearts-check.cn-north-4.myhuaweicloud.com",
            "https://codearts-check.cn-north-4.myhuaweicloud.cn"
        ]
    );
}

/// A loopback URL nothing listens on: connections are refused.
async fn dead_endpoint() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[tokio::test]
async fn a_dead_first_endpoint_fails_over_and_the_one_that_worked_is_kept() {
    let sim = simulator(CodeArtsPaging::Page0, 0.0).await;
    let dead = dead_endpoint().await;
    for retry in [RetryPolicy::disabled(), RetryPolicy::default()] {
        let client = Client::builder()
            .ignore_environment()
            .endpoint(
                Service::CodeArtsCheck,
                format!("{dead}, {}", sim.base_url()),
            )
            .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
            .retry(retry)
            .build()
            .unwrap();
        assert_eq!(client.endpoint(Service::CodeArtsCheck).unwrap(), dead);
        // Many calls at once on a fresh client: each fails over, the preference moves once.
        let calls = (0..16).map(|_| async {
            client
                .codearts_check()
                .check_records(DEMO_PROJECT, DEMO_TASK)
                .limit(3)
                .send()
                .await
        });
        for page in futures::future::join_all(calls).await {
            // The simulator verified a signature made for its own host.
            assert_eq!(page.unwrap().items.len(), 3);
        }
        assert_eq!(
            client.endpoint(Service::CodeArtsCheck).unwrap(),
            sim.base_url(),
            "the endpoint that worked is remembered"
        );
    }
    // A name that cannot resolve (RFC 2606's `.invalid`) and a TLS handshake with a server that
    // speaks plain HTTP fail over the same way.
    let tls_to_plain = sim.base_url().replace("http://", "https://");
    for first in ["http://hwc-test.invalid", tls_to_plain.as_str()] {
        let client = Client::builder()
            .ignore_environment()
            .allow_insecure_http(true)
            .connect_timeout(Duration::from_secs(3))
            .endpoints(Service::CodeArtsCheck, [first, sim.base_url().as_str()])
            .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
            .retry(RetryPolicy::disabled())
            .build()
            .unwrap();
        let page = client
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
            .limit(2)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{first}: {e}"));
        assert_eq!(page.items.len(), 2, "{first}");
    }
    // Every endpoint dead: a transport error, not a hang.
    let other_dead = dead_endpoint().await;
    let client = Client::builder()
        .ignore_environment()
        .endpoint(Service::CodeArtsCheck, format!("{dead},{other_dead}"))
        .credentials(Credentials::access_key("AK", "SK").unwrap())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

/// Answers one request with an empty page and returns its head.
async fn record_one_request(listener: tokio::net::TcpListener) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut stream, _) = listener.accept().await.unwrap();
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "connection closed before the head ended");
        head.extend_from_slice(&buf[..n]);
    }
    let body = r#"{"total": 0, "data": []}"#;
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(answer.as_bytes()).await.unwrap();
    String::from_utf8_lossy(&head).to_lowercase()
}

#[tokio::test]
async fn a_request_that_fails_over_is_signed_for_the_host_it_reaches() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let reached = listener.local_addr().unwrap();
    let recorded = tokio::spawn(record_one_request(listener));
    let client = Client::builder()
        .ignore_environment()
        .endpoint(
            Service::CodeArtsCheck,
            format!("{},http://{reached}", dead_endpoint().await),
        )
        .credentials(Credentials::access_key("AK", "SK").unwrap())
        .project_id("iam-project")
        .build()
        .unwrap();
    client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await
        .unwrap();
    let head = recorded.await.unwrap();
    assert!(head.contains(&format!("\r\nhost: {reached}\r\n")), "{head}");
    assert!(
        head.contains("signedheaders=accept;host;x-project-id;x-sdk-date"),
        "host and the IAM project are signed: {head}"
    );
}

#[tokio::test]
async fn times_go_out_in_utc_and_filter_on_the_simulator() {
    let sim = simulator(CodeArtsPaging::Page0, 0.0).await;
    let all = expected(&sim);
    let client = client(&sim);
    // The 10th newest scan as an instant, given in another offset than the API's.
    let tenth = hwc::codearts_check::ScanTime::parse(all[9].clone())
        .instant
        .unwrap();
    let in_new_york = tenth.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(-5)));
    let page = client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .start_time(in_new_york.timestamp())
        .limit(100)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total, Some(10));
    assert_eq!(times(&page.items), all[..10]);
}
