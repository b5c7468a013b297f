//! Authentication as the gateway does it: tokens, AK/SK signatures, temporary credentials, the
//! 15-minute window, lockout, and a request id on every answer.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use std::time::Duration;

use hwc_signing::Signer;
use hwc_sim::{Lockout, Simulator};
use jiff::SignedDuration;
use secrecy::SecretString;
use support::{Auth, DEMO_CHECK_PATH, HSS_PATH, demo_signer, get, token};

const QUERY: &str = "?vul_id=CVE-2021-44228&image_type=registry";

#[tokio::test]
async fn tokens_and_signatures_are_accepted_and_wrong_ones_refused() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let base = sim.base_url();
    let path = format!("{HSS_PATH}{QUERY}");
    assert_eq!(get(&base, &path, token()).await.status, 200);
    assert_eq!(
        get(&base, &path, Auth::AkSk(&demo_signer())).await.status,
        200
    );

    let refusals = [
        get(&base, &path, Auth::None).await,
        get(&base, &path, Auth::Token("not-a-token")).await,
        get(
            &base,
            &path,
            Auth::AkSk(&Signer::new(hwc_sim::DEMO_AK, SecretString::from("wrong-sk")).unwrap()),
        )
        .await,
        get(
            &base,
            &path,
            Auth::AkSk(&Signer::new("UNKNOWNAK", SecretString::from(hwc_sim::DEMO_SK)).unwrap()),
        )
        .await,
    ];
    for reply in refusals {
        assert_eq!(reply.status, 401, "{}", reply.text);
        assert_eq!(reply.error_code(), "APIGW.0301");
        assert!(
            reply.json()["error_msg"]
                .as_str()
                .unwrap()
                .starts_with("Incorrect IAM authentication information")
        );
        assert!(!reply.request_id().is_empty());
        assert_eq!(reply.json()["request_id"], reply.request_id());
    }
}

/// Prepares a request in some broken way.
type Tamper = Box<dyn FnOnce(&mut reqwest::Request)>;

/// Sends a request whose headers and signature the test controls.
async fn send(base: &str, build: impl FnOnce(&mut reqwest::Request)) -> support::Reply {
    let client = support::client();
    let mut request = client
        .get(format!("{base}{DEMO_CHECK_PATH}?limit=5"))
        .build()
        .unwrap();
    build(&mut request);
    let response = client.execute(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    support::Reply {
        status,
        headers,
        text: response.text().await.unwrap(),
    }
}

#[tokio::test]
async fn malformed_signatures_are_refused_with_the_reason() {
    let sim = Simulator::builder()
        .records(500)
        .lockout(None)
        .start()
        .await
        .unwrap();
    let base = sim.base_url();
    let now = jiff::Timestamp::now();
    let cases: Vec<(&str, Tamper)> = vec![
        (
            "not a signature of a known algorithm",
            Box::new(|r| {
                r.headers_mut()
                    .insert("authorization", "Basic dXNlcjpwYXNz".parse().unwrap());
            }),
        ),
        (
            "x-sdk-date is not among the signed headers",
            Box::new(move |r| {
                demo_signer().sign(r, now).unwrap();
                let value = r.headers()["authorization"]
                    .to_str()
                    .unwrap()
                    .replace(";x-sdk-date", "");
                r.headers_mut()
                    .insert("authorization", value.parse().unwrap());
            }),
        ),
        (
            "is not YYYYMMDDTHHMMSSZ",
            Box::new(move |r| {
                r.headers_mut()
                    .insert("x-sdk-date", "2026-11-22 08:00:00".parse().unwrap());
                demo_signer().sign(r, now).unwrap();
            }),
        ),
        (
            "verify aksk signature fail",
            Box::new(move |r| {
                demo_signer().sign(r, now).unwrap();
                // Changing the query after signing breaks the signature.
                r.url_mut().set_query(Some("limit=6"));
            }),
        ),
    ];
    for (reason, build) in cases {
        let reply = send(&base, build).await;
        assert_eq!(
            (reply.status, reply.error_code().as_str()),
            (401, "APIGW.0301"),
            "{reason}"
        );
        assert!(reply.text.contains(reason), "{reason}: {}", reply.text);
    }
}

#[tokio::test]
async fn signatures_older_than_15_minutes_are_refused_with_both_times() {
    let sim = Simulator::builder()
        .records(500)
        .clock_offset(SignedDuration::from_mins(20))
        .start()
        .await
        .unwrap();
    let base = sim.base_url();
    let reply = get(&base, DEMO_CHECK_PATH, Auth::AkSk(&demo_signer())).await;
    assert_eq!(
        (reply.status, reply.error_code().as_str()),
        (401, "APIGW.0301")
    );
    let message = reply.json()["error_msg"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with("calc aksk signature fail:signature expired, signature time:"),
        "{message}"
    );
    let server_time = message.rsplit("server time:").next().unwrap();
    let server_time = hwc_signing::parse_sdk_date(server_time).unwrap();
    let skew = server_time.duration_since(jiff::Timestamp::now());
    assert!(
        (skew - SignedDuration::from_mins(20)).abs() < SignedDuration::from_secs(5),
        "{skew:?}"
    );

    // Within the window a skewed client is still accepted.
    let client_time = jiff::Timestamp::now()
        .checked_add(SignedDuration::from_mins(10))
        .unwrap();
    let reply = send(&base, |r| demo_signer().sign(r, client_time).unwrap()).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn temporary_credentials_need_their_signed_security_token() {
    let sim = Simulator::builder()
        .records(500)
        .temporary_access_key("TMPAK", "TMPSK", "the-security-token")
        .lockout(None)
        .start()
        .await
        .unwrap();
    let base = sim.base_url();
    let with_token = Signer::new("TMPAK", SecretString::from("TMPSK"))
        .unwrap()
        .with_security_token(SecretString::from("the-security-token"))
        .unwrap();
    assert_eq!(
        get(&base, DEMO_CHECK_PATH, Auth::AkSk(&with_token))
            .await
            .status,
        200
    );
    let without = Signer::new("TMPAK", SecretString::from("TMPSK")).unwrap();
    let reply = get(&base, DEMO_CHECK_PATH, Auth::AkSk(&without)).await;
    assert_eq!(reply.status, 401);
    assert!(reply.text.contains("security token"));
    let wrong = Signer::new("TMPAK", SecretString::from("TMPSK"))
        .unwrap()
        .with_security_token(SecretString::from("another-token"))
        .unwrap();
    assert_eq!(
        get(&base, DEMO_CHECK_PATH, Auth::AkSk(&wrong)).await.status,
        401
    );
}

#[tokio::test]
async fn five_failures_in_a_row_lock_the_access_key() {
    let sim = Simulator::builder()
        .records(500)
        .lockout(Some(Lockout {
            failures: 5,
            duration: Duration::from_millis(800),
        }))
        .start()
        .await
        .unwrap();
    let base = sim.base_url();
    let wrong = Signer::new(hwc_sim::DEMO_AK, SecretString::from("wrong")).unwrap();
    for _ in 0..5 {
        assert!(
            get(&base, DEMO_CHECK_PATH, Auth::AkSk(&wrong))
                .await
                .text
                .contains("signature fail")
        );
    }
    let locked = get(&base, DEMO_CHECK_PATH, Auth::AkSk(&demo_signer())).await;
    assert_eq!(locked.status, 401);
    assert!(locked.text.contains("locked"), "{}", locked.text);
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(
        get(&base, DEMO_CHECK_PATH, Auth::AkSk(&demo_signer()))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn every_answer_carries_a_distinct_request_id() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let base = sim.base_url();
    let a = get(&base, DEMO_CHECK_PATH, token()).await;
    let b = get(&base, "/nowhere", token()).await;
    let c = get(&base, DEMO_CHECK_PATH, Auth::None).await;
    assert_eq!((b.status, b.error_code().as_str()), (404, "APIGW.0101"));
    let ids = [a.request_id(), b.request_id(), c.request_id()];
    assert!(ids.iter().all(|id| id.len() == 32));
    assert_eq!(
        ids.iter().collect::<std::collections::HashSet<_>>().len(),
        3,
        "{ids:?}"
    );
    assert_eq!(b.json()["request_id"], ids[1]);
}
