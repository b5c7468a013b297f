//! The facade against `hwc-sim` over real HTTP: both operations with every credential mode,
//! paging, validation before sending, retries through every fault kind, clock skew, redirects.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::collections::HashSet;
use std::time::Duration;

use futures::TryStreamExt;
use hwc::hss::{ImageType, VulStatus};
use hwc::{Client, Credentials, Error, RetryPolicy};
use hwc_sim::{Api, DEMO_PROJECT, DEMO_TASK, DEMO_VUL_ID, Fault, Simulator};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn client_for(sim: &Simulator, credentials: Credentials) -> hwc::ClientBuilder {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(credentials)
        .project_id(PROJECT)
}

fn aksk() -> Credentials {
    Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap()
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(Duration::from_millis(5))
        .with_max_delay(Duration::from_millis(50))
}

#[tokio::test]
async fn both_operations_with_every_credential_mode() {
    let sim = Simulator::builder()
        .records(4_000)
        .temporary_access_key("TMPAK", "TMPSK", "TMPTOKEN")
        .access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK)
        .token("a-token")
        .start()
        .await
        .unwrap();
    for credentials in [
        aksk(),
        Credentials::temporary("TMPAK", "TMPSK", "TMPTOKEN").unwrap(),
        Credentials::token("a-token").unwrap(),
    ] {
        let client = client_for(&sim, credentials.clone()).build().unwrap();
        let page = client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
            .status(VulStatus::VulStatusIgnored)
            .limit(20)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{credentials:?}: {e}"));
        assert_eq!(page.items.len(), 20);
        assert!(page.total.unwrap() > 20);
        assert!(
            page.items
                .iter()
                .all(|r| r.status.as_ref().map(|s| s.as_str()) == Some("vul_status_ignored"))
        );
        assert!(page.request_id.is_some());

        let scans = client
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
            .limit(5)
            .send()
            .await
            .unwrap();
        assert_eq!((scans.items.len(), scans.total), (5, Some(2_000)));
        let first = &scans.items[0];
        let start = first.check_time.as_ref().unwrap();
        assert!(start.instant.is_some(), "{start:?}");
        assert!(first.issue_counts.critical.is_some());
    }
}

#[tokio::test]
async fn paging_returns_exactly_total_items_in_order_without_repeats() {
    let sim = Simulator::builder()
        .records(20_000)
        .check_records(3_210)
        .start()
        .await
        .unwrap();
    for concurrency in [1, 4] {
        let client = client_for(&sim, aksk())
            .page_concurrency(concurrency)
            .build()
            .unwrap();
        let request = client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, ImageType::Local)
            .enterprise_project_id("all_granted_eps");
        let total = request
            .clone()
            .limit(10)
            .send()
            .await
            .unwrap()
            .total
            .unwrap();
        let items: Vec<_> = request
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items.len() as u64, total, "concurrency {concurrency}");
        let times: Vec<i64> = items.iter().map(|r| r.handle_time_ms.unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]), "in the API's order");

        let scans: Vec<_> = client
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(scans.len(), 3_210);
        let distinct: HashSet<String> = scans
            .iter()
            .map(|s| s.check_time.as_ref().unwrap().raw.clone())
            .collect();
        assert_eq!(distinct.len(), 3_210, "none repeated");
    }
    // Largest page size the spec allows: 200 for HSS, 1000 for CodeArts Check.
    let before = sim.requests(Api::CodeArtsCheck);
    let client = client_for(&sim, aksk()).build().unwrap();
    let pages: Vec<_> = client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .into_paginator()
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 4);
    assert_eq!(sim.requests(Api::CodeArtsCheck) - before, 4);
    assert_eq!(
        pages.iter().map(|p| p.offset).collect::<Vec<_>>(),
        [0, 1_000, 2_000, 3_000]
    );
}

#[tokio::test]
async fn invalid_input_is_refused_before_anything_is_sent() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let client = client_for(&sim, aksk()).build().unwrap();
    let cases: Vec<Error> = vec![
        client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
            .limit(5)
            .send()
            .await
            .unwrap_err(),
        client
            .hss()
            .image_vul_handle_history("", ImageType::Registry)
            .send()
            .await
            .unwrap_err(),
        client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
            .offset(2_000_001)
            .send()
            .await
            .unwrap_err(),
        client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
            .remark("x".repeat(257))
            .send()
            .await
            .unwrap_err(),
        client
            .codearts_check()
            .check_records("", DEMO_TASK)
            .send()
            .await
            .unwrap_err(),
        client
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
            .limit(1_001)
            .send()
            .await
            .unwrap_err(),
        client
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
            .into_paginator()
            .page_size(0)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err(),
    ];
    for (error, parameter) in cases.iter().zip([
        "limit",
        "vul_id",
        "offset",
        "remark",
        "project_id",
        "limit",
        "limit",
    ]) {
        match error {
            Error::InvalidInput { parameter: p, .. } => assert_eq!(p, parameter, "{error}"),
            other => panic!("expected invalid input for {parameter}, got {other}"),
        }
        assert!(error.is_usage());
    }
    assert_eq!(
        cases[0].to_string(),
        r#"invalid limit "5": an integer from 10 to 200"#
    );
    assert_eq!(
        sim.requests(Api::Hss) + sim.requests(Api::CodeArtsCheck),
        0,
        "nothing was sent"
    );
}

#[tokio::test]
async fn transient_faults_are_retried_until_success() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let client = client_for(&sim, aksk())
        .retry(fast_retries())
        .attempt_timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let recoverable = [
        Fault::Throttle { retry_after: None },
        Fault::Throttle {
            retry_after: Some(1),
        },
        Fault::ServerError(500),
        Fault::ServerError(502),
        Fault::ServerError(503),
        Fault::ServerError(504),
        Fault::TransientBusy,
        Fault::Slow(Duration::from_secs(2)),
        Fault::DropConnection,
        Fault::TruncatedBody,
        Fault::HtmlErrorPage,
        Fault::ClockSkew,
    ];
    for fault in recoverable {
        let before = sim.requests(Api::CodeArtsCheck);
        sim.script(Api::CodeArtsCheck, [fault.clone()]);
        let page = client
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{fault}: {e}"));
        assert_eq!(page.items.len(), 10, "{fault}");
        assert_eq!(
            sim.requests(Api::CodeArtsCheck) - before,
            2,
            "{fault}: one failure, one success"
        );
    }
}

#[tokio::test]
async fn faults_that_are_not_transient_become_typed_errors() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let client = client_for(&sim, aksk())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let hss = || {
        client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
    };

    sim.script(Api::Hss, [Fault::MalformedJson]);
    match hss().send().await.unwrap_err() {
        Error::Decode {
            status,
            request_id,
            path,
            excerpt,
            ..
        } => {
            assert_eq!(status, 200);
            assert_eq!(request_id.map(|id| id.len()), Some(32));
            assert!(!path.is_empty() && !excerpt.is_empty());
        }
        other => panic!("{other}"),
    }

    sim.script(Api::Hss, [Fault::ServerError(503)]);
    let error = hss().send().await.unwrap_err();
    assert_eq!(
        (error.status(), error.code()),
        (Some(503), Some("APIGW.0103")),
        "{error}"
    );
    assert!(error.request_id().is_some());

    sim.script(Api::Hss, [Fault::Redirect]);
    let error = hss().send().await.unwrap_err();
    assert_eq!(error.status(), Some(307));
    assert!(error.to_string().contains("not followed"), "{error}");

    sim.script(Api::Hss, [Fault::HtmlErrorPage]);
    let error = hss().send().await.unwrap_err();
    assert_eq!(
        (error.status(), error.code()),
        (Some(502), Some("502")),
        "{error}"
    );

    sim.script(Api::Hss, [Fault::DropConnection]);
    assert!(matches!(
        hss().send().await.unwrap_err(),
        Error::Transport { .. }
    ));

    let wrong = client_for(
        &sim,
        Credentials::access_key(hwc_sim::DEMO_AK, "wrong").unwrap(),
    )
    .build()
    .unwrap();
    let error = wrong
        .hss()
        .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (error.status(), error.code()),
        (Some(401), Some("APIGW.0301")),
        "{error}"
    );
}

#[tokio::test]
async fn a_skewed_server_clock_is_learned_once_and_used_afterwards() {
    let sim = Simulator::builder()
        .records(500)
        .clock_offset(jiff::SignedDuration::from_mins(45))
        .start()
        .await
        .unwrap();
    let client = client_for(&sim, aksk()).build().unwrap();
    let scans = client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK);
    scans.send().await.unwrap();
    assert_eq!(
        sim.requests(Api::CodeArtsCheck),
        2,
        "rejected once, then signed with the corrected clock"
    );
    let offset = client.clock_offset().as_secs();
    assert!((45 * 60 - 5..=45 * 60 + 5).contains(&offset), "{offset}");
    scans.send().await.unwrap();
    client
        .hss()
        .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sim.requests(Api::CodeArtsCheck),
        3,
        "later requests use the offset"
    );
    assert_eq!(sim.requests(Api::Hss), 1, "shared by both services");
}

#[tokio::test]
async fn the_retry_budget_and_the_operation_deadline_are_kept() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let client = client_for(&sim, aksk())
        .retry(fast_retries().with_max_attempts(3))
        .build()
        .unwrap();
    sim.script(
        Api::Hss,
        [
            Fault::ServerError(503),
            Fault::ServerError(503),
            Fault::ServerError(503),
        ],
    );
    let error = client
        .hss()
        .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(sim.requests(Api::Hss), 3);

    let hurried = client_for(&sim, aksk())
        .operation_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    sim.script(Api::Hss, [Fault::Slow(Duration::from_secs(2))]);
    let error = hurried
        .hss()
        .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                what: "the operation, retries included",
                ..
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn configuration_errors_are_clear() {
    let no_project = Client::builder()
        .ignore_environment()
        .region("cn-north-4")
        // IAM cannot be reached: the project cannot be looked up either.
        .iam_endpoint("http://127.0.0.1:1")
        .credentials(aksk())
        .build()
        .unwrap();
    let error = no_project
        .hss()
        .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
        .send()
        .await
        .unwrap_err();
    // A network failure (exit 1 in the CLI), which still says the project can be given.
    assert!(
        matches!(error, hwc::Error::Unreachable { service: "IAM", .. })
            && error.to_string().contains("HUAWEICLOUD_SDK_PROJECT_ID"),
        "{error}"
    );
    let no_region = Client::builder()
        .ignore_environment()
        .credentials(aksk())
        .project_id("p")
        .build()
        .unwrap_err();
    assert!(
        no_region
            .to_string()
            .contains("set a region or an endpoint"),
        "{no_region}"
    );
    let error = Client::builder()
        .ignore_environment()
        .region("mars-north-1")
        .credentials(aksk())
        .build()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("unknown region \"mars-north-1\""),
        "{error}"
    );
    let error = Client::builder()
        .ignore_environment()
        .region("cn-north-4")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("no credentials"), "{error}");
    let error = Client::builder()
        .ignore_environment()
        .endpoint_for_all("http://hss.example.com")
        .credentials(aksk())
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("plain http"), "{error}");
    let codearts_only = Client::builder()
        .ignore_environment()
        .region("cn-north-9")
        .credentials(aksk())
        .build()
        .unwrap();
    assert_eq!(
        codearts_only.endpoint(hwc::Service::Hss).unwrap(),
        "https://hss.cn-north-9.myhuaweicloud.com"
    );
    assert!(codearts_only.endpoint(hwc::Service::CodeArtsCheck).is_err());
    let shown = format!("{:?}", client_for_debug());
    assert!(!shown.contains(hwc_sim::DEMO_SK), "{shown}");
}

fn client_for_debug() -> hwc::ClientBuilder {
    Client::builder().ignore_environment().credentials(aksk())
}

#[tokio::test]
async fn credentials_never_follow_a_redirect_to_another_host() {
    // The redirect target counts every connection it gets.
    let target = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target_url = format!("http://{}", target.local_addr().unwrap());
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&connections);
    tokio::spawn(async move {
        while target.accept().await.is_ok() {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let sim = Simulator::builder()
        .records(500)
        .redirect_target(&target_url)
        .token("tok")
        .start()
        .await
        .unwrap();
    for credentials in [aksk(), Credentials::token("tok").unwrap()] {
        let client = client_for(&sim, credentials).build().unwrap();
        sim.script(Api::Hss, [Fault::Redirect]);
        let error = client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(307));
        assert!(error.to_string().contains(&target_url), "{error}");
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        connections.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "nothing reached the other host"
    );
}
