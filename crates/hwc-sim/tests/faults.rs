//! Every fault kind the simulator injects, as a client meets it on the wire; scripted faults
//! hit only the next requests of their API, and a random rate applies to the rest.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use std::time::{Duration, Instant};

use hwc_sim::{Api, Fault, Simulator};
use support::{DEMO_CHECK_PATH, HSS_PATH, get, token, try_get};

const HSS_QUERY: &str = "?vul_id=CVE-2021-44228&image_type=registry";

async fn sim() -> Simulator {
    Simulator::builder().records(500).start().await.unwrap()
}

#[tokio::test]
async fn error_answers_have_their_status_code_and_body() {
    let sim = sim().await;
    let base = sim.base_url();
    let cases = [
        (
            Fault::Throttle { retry_after: None },
            429,
            "APIGW.0308",
            None,
        ),
        (
            Fault::Throttle {
                retry_after: Some(2),
            },
            429,
            "APIGW.0308",
            Some("2"),
        ),
        (Fault::ServerError(500), 500, "APIGW.0103", None),
        (Fault::ServerError(502), 502, "APIGW.0103", None),
        (Fault::ServerError(503), 503, "APIGW.0103", None),
        (Fault::ServerError(504), 504, "APIGW.0103", None),
        (Fault::TransientBusy, 400, "CC.00000000", None),
        (Fault::ClockSkew, 401, "APIGW.0301", None),
    ];
    for (fault, status, code, retry_after) in cases {
        sim.script(Api::CodeArtsCheck, [fault.clone()]);
        let reply = get(
            &base,
            DEMO_CHECK_PATH,
            support::Auth::AkSk(&support::demo_signer()),
        )
        .await;
        assert_eq!(
            (reply.status, reply.error_code().as_str()),
            (status, code),
            "{fault}"
        );
        assert_eq!(reply.json()["request_id"], reply.request_id(), "{fault}");
        assert_eq!(
            reply
                .headers
                .get("retry-after")
                .map(|v| v.to_str().unwrap()),
            retry_after,
            "{fault}"
        );
        if fault == Fault::ClockSkew {
            assert!(
                reply.text.contains("signature expired, signature time:"),
                "{}",
                reply.text
            );
            assert!(reply.text.contains("server time:"));
        }
        // Only the next request was hit.
        assert_eq!(
            get(&base, DEMO_CHECK_PATH, token()).await.status,
            200,
            "{fault}"
        );
    }
}

#[tokio::test]
async fn broken_bodies_and_pages_that_are_not_json() {
    let sim = sim().await;
    let base = sim.base_url();
    let path = format!("{HSS_PATH}{HSS_QUERY}");

    sim.script(Api::Hss, [Fault::MalformedJson]);
    let malformed = get(&base, &path, token()).await;
    assert_eq!(malformed.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&malformed.text).is_err());

    sim.script(Api::Hss, [Fault::HtmlErrorPage]);
    let html = get(&base, &path, token()).await;
    assert_eq!(html.status, 502);
    assert_eq!(html.headers["content-type"], "text/html");
    assert!(html.text.contains("<title>502 Bad Gateway</title>"));

    sim.script(Api::Hss, [Fault::TruncatedBody]);
    let truncated = try_get(&base, &path, token()).await;
    let error = truncated.err().expect("reading a truncated body fails");
    assert!(
        error.is_body() || error.is_decode() || error.is_request(),
        "{error:?}"
    );

    assert_eq!(get(&base, &path, token()).await.status, 200);
}

#[tokio::test]
async fn dropped_connections_answer_nothing() {
    let sim = sim().await;
    let base = sim.base_url();
    sim.script(Api::Hss, [Fault::DropConnection]);
    let error = try_get(&base, &format!("{HSS_PATH}{HSS_QUERY}"), token())
        .await
        .err()
        .expect("no response");
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    assert_eq!(
        get(&base, &format!("{HSS_PATH}{HSS_QUERY}"), token())
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn slow_answers_arrive_late_but_whole() {
    let sim = sim().await;
    let base = sim.base_url();
    sim.script(
        Api::CodeArtsCheck,
        [Fault::Slow(Duration::from_millis(600))],
    );
    let started = Instant::now();
    let reply = get(&base, DEMO_CHECK_PATH, token()).await;
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["total"], 2_000);
}

#[tokio::test]
async fn redirects_point_at_another_host_with_the_same_path() {
    let sim = Simulator::builder()
        .records(500)
        .redirect_target("http://elsewhere.invalid:9999")
        .start()
        .await
        .unwrap();
    sim.script(Api::Hss, [Fault::Redirect]);
    let reply = get(&sim.base_url(), &format!("{HSS_PATH}{HSS_QUERY}"), token()).await;
    assert_eq!(reply.status, 307);
    assert_eq!(
        reply.headers["location"],
        format!("http://elsewhere.invalid:9999{HSS_PATH}{HSS_QUERY}").as_str()
    );
    let default = sim_default_redirect().await;
    assert!(default.starts_with("http://127.0.0.2:"), "{default}");
}

async fn sim_default_redirect() -> String {
    let sim = sim().await;
    sim.script(Api::CodeArtsCheck, [Fault::Redirect]);
    let reply = get(&sim.base_url(), DEMO_CHECK_PATH, token()).await;
    reply.headers["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn scripts_are_per_api_and_in_order_and_every_kind_is_covered() {
    let sim = sim().await;
    let base = sim.base_url();
    sim.script(
        Api::Hss,
        [
            Fault::ServerError(503),
            Fault::Throttle { retry_after: None },
        ],
    );
    assert_eq!(get(&base, DEMO_CHECK_PATH, token()).await.status, 200);
    let hss = format!("{HSS_PATH}{HSS_QUERY}");
    assert_eq!(get(&base, &hss, token()).await.status, 503);
    assert_eq!(get(&base, &hss, token()).await.status, 429);
    assert_eq!(get(&base, &hss, token()).await.status, 200);
    assert_eq!(sim.requests(Api::Hss), 3);
    assert_eq!(sim.requests(Api::CodeArtsCheck), 1);
    // The tests above cover each kind the simulator has.
    assert_eq!(Fault::all_kinds().len(), 15);
}

#[tokio::test]
async fn an_endless_body_keeps_coming() {
    use futures::StreamExt;
    let sim = Simulator::builder().records(100).start().await.unwrap();
    sim.script(Api::CodeArtsCheck, [Fault::EndlessBody]);
    let response = reqwest::Client::new()
        .get(format!("{}{DEMO_CHECK_PATH}", sim.base_url()))
        .header("X-Auth-Token", hwc_sim::DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.content_length().is_none(), "no length announced");
    let mut body = response.bytes_stream();
    let mut read = 0usize;
    while read < 4 << 20 {
        read += body.next().await.unwrap().unwrap().len();
    }
    // Dropping the stream closes the connection; the simulator goes on serving.
    drop(body);
    assert_eq!(
        get(&sim.base_url(), DEMO_CHECK_PATH, token()).await.status,
        200
    );
}

#[tokio::test]
async fn random_faults_hit_about_their_rate() {
    let sim = Simulator::builder()
        .records(500)
        .random_faults(0.25, vec![Fault::ServerError(500)], 3)
        .start()
        .await
        .unwrap();
    let base = sim.base_url();
    let mut failures = 0;
    for _ in 0..200 {
        if get(&base, DEMO_CHECK_PATH, token()).await.status == 500 {
            failures += 1;
        }
    }
    assert!((25..=75).contains(&failures), "{failures} of 200");
}
