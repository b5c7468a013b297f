//! Reliability against the simulator: every fault kind ends in recovery or the right typed
//! error (printed as a matrix), and paging through 20,000 records per API with 10% of requests
//! failing at random returns every item exactly once, in order — or, with too small a retry
//! budget, a typed error instead of a partial result.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::time::Duration;

use futures::TryStreamExt;
use hwc::hss::ImageType;
use hwc::{Client, Credentials, Error, RetryPolicy};
use hwc_sim::{Api, DEMO_PROJECT, DEMO_TASK, DEMO_VUL_ID, Fault, Simulator};

fn client(sim: &Simulator, retry: RetryPolicy) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .project_id("p")
        .retry(retry)
        .attempt_timeout(Duration::from_millis(800))
        .build()
        .unwrap()
}

fn quick() -> RetryPolicy {
    RetryPolicy::default()
        .with_base_delay(Duration::from_millis(2))
        .with_max_delay(Duration::from_millis(20))
        .with_max_attempts(6)
}

fn kind(error: &Error) -> String {
    match error {
        Error::Api(api) => format!("Api {} {}", api.status, api.code),
        Error::Decode { path, .. } => format!("Decode at {path}"),
        Error::Transport { .. } => "Transport".into(),
        Error::Timeout { what, .. } => format!("Timeout ({what})"),
        Error::ResponseTooLarge { limit, .. } => format!("ResponseTooLarge ({} MiB)", limit >> 20),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn fault_matrix() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let retrying = client(&sim, quick());
    let single = client(&sim, RetryPolicy::disabled());
    let mut rows = vec![format!(
        "{:<22} | {:<28} | {}",
        "fault", "retries on (default)", "retries off"
    )];
    for fault in Fault::all_kinds() {
        let fault = match fault {
            Fault::Slow(_) => Fault::Slow(Duration::from_secs(2)),
            other => other,
        };
        let mut cells = Vec::new();
        for client in [&retrying, &single] {
            let before = sim.requests(Api::Hss);
            sim.script(Api::Hss, [fault.clone()]);
            let result = client
                .hss()
                .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
                .send()
                .await;
            let requests = sim.requests(Api::Hss) - before;
            cells.push(match &result {
                Ok(_) => format!("recovered ({requests} requests)"),
                Err(error) => kind(error),
            });
            // Whatever happened, the next call is clean.
            client
                .hss()
                .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
                .send()
                .await
                .unwrap();
        }
        let expected_with_retries = match fault {
            Fault::MalformedJson => "Decode",
            Fault::EndlessBody => "ResponseTooLarge",
            Fault::Redirect => "Api 307",
            _ => "recovered (2 requests)",
        };
        assert!(
            cells[0].starts_with(expected_with_retries),
            "{fault}: {}",
            cells[0]
        );
        let expected_without = match fault {
            Fault::Throttle { .. } => "Api 429 APIGW.0308",
            Fault::ServerError(status) => &format!("Api {status} "),
            Fault::TransientBusy => "Api 400 CC.00000000",
            Fault::Slow(_) => "Timeout (one attempt)",
            Fault::DropConnection | Fault::TruncatedBody => "Transport",
            Fault::MalformedJson => "Decode",
            Fault::EndlessBody => "ResponseTooLarge",
            Fault::HtmlErrorPage => "Api 502 502",
            Fault::Redirect => "Api 307",
            // Clock correction is not a retry: it happens even with retries off.
            Fault::ClockSkew => "recovered (2 requests)",
        };
        assert!(
            cells[1].starts_with(expected_without),
            "{fault} without retries: {}",
            cells[1]
        );
        rows.push(format!(
            "{:<22} | {:<28} | {}",
            fault.to_string(),
            cells[0],
            cells[1]
        ));
    }
    println!("{}", rows.join("\n"));
}

#[tokio::test]
async fn chaos_paging_returns_every_item_once_in_order() {
    let faults = vec![
        Fault::Throttle { retry_after: None },
        Fault::ServerError(500),
        Fault::ServerError(502),
        Fault::ServerError(503),
        Fault::ServerError(504),
        Fault::TransientBusy,
        Fault::DropConnection,
        Fault::TruncatedBody,
    ];
    // 320,000 records: 20,000 of them are the demo vulnerability on registry images.
    let calm = Simulator::builder()
        .records(320_000)
        .check_records(20_000)
        .seed(5)
        .start()
        .await
        .unwrap();
    let chaos = Simulator::builder()
        .records(320_000)
        .check_records(20_000)
        .seed(5)
        .random_faults(0.1, faults, 42)
        .start()
        .await
        .unwrap();
    let hss = |client: &Client| {
        client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
            .enterprise_project_id("all_granted_eps")
            .into_paginator()
            .items()
            .try_collect::<Vec<_>>()
    };
    let scans = |client: &Client| {
        client
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
            .into_paginator()
            .items()
            .try_collect::<Vec<_>>()
    };
    let expected_hss = hss(&client(&calm, quick())).await.unwrap();
    let expected_scans = scans(&client(&calm, quick())).await.unwrap();
    assert_eq!((expected_hss.len(), expected_scans.len()), (20_000, 20_000));

    let resilient = client(&chaos, quick().with_max_attempts(10));
    let got_hss = hss(&resilient).await.unwrap();
    let got_scans = scans(&resilient).await.unwrap();
    assert!(
        got_hss == expected_hss,
        "HSS items differ from the fault-free run"
    );
    assert!(
        got_scans == expected_scans,
        "CodeArts items differ from the fault-free run"
    );
    let failed = chaos.requests(Api::Hss) + chaos.requests(Api::CodeArtsCheck) - (100 + 20);
    println!(
        "chaos paging: 40,000 items over 120 pages, {failed} extra requests for injected faults"
    );
    assert!(failed > 0, "faults were injected");

    // Too small a budget: a typed error, never a shorter list that looks complete.
    let fragile = client(&chaos, RetryPolicy::disabled());
    let error = hss(&fragile).await.unwrap_err();
    assert!(
        matches!(error, Error::Api(_) | Error::Transport { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn a_result_that_changes_while_paging_is_reported_not_mis_paged() {
    use futures::StreamExt;
    let sim = Simulator::builder().records(40_000).start().await.unwrap();
    let client = Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .project_id("p")
        .page_concurrency(1)
        .build()
        .unwrap();
    let mut pages = client
        .hss()
        .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
        .into_paginator()
        .pages();
    let first = pages.next().await.unwrap().unwrap();
    let total = first.total.unwrap();
    assert!(total > 400);
    // Someone handles five more records while we page.
    sim.add_hss_records(5);
    let mut outcome = None;
    while let Some(page) = pages.next().await {
        if let Err(error) = page {
            outcome = Some(error);
        }
    }
    match outcome {
        Some(Error::Paging {
            problem: hwc::PagingProblem::TotalChanged { first, later },
            ..
        }) => {
            assert_eq!((first, later), (total, total + 5));
        }
        other => panic!("expected the changed total to be reported, got {other:?}"),
    }
}
