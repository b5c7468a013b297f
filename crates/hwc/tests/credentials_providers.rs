//! Credentials that come from somewhere and expire: the ECS metadata service of the simulator,
//! refreshed under load one task at a time, refreshed again when the gateway says they expired,
//! and a typed error when static ones expire; federated identity; the project looked up in IAM.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::time::{Duration, Instant};

use hwc::{Client, Credentials, EcsMetadata, Error, FederatedIdentity};
use hwc_sim::{Api, DEMO_PROJECT, DEMO_TASK, DEMO_VUL_ID, IamService, MetadataService, Simulator};
use jiff::SignedDuration;

async fn simulator(lifetime: Duration, session_tokens: bool) -> Simulator {
    Simulator::builder()
        .records(2_000)
        .metadata_service(MetadataService {
            session_tokens,
            credential_lifetime: lifetime,
        })
        .start()
        .await
        .unwrap()
}

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .project_id("p1")
        .credentials_provider(EcsMetadata::new(sim.base_url()).unwrap())
        .build()
        .unwrap()
}

async fn one_call(client: &Client) -> Result<(), Error> {
    client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .limit(1)
        .send()
        .await
        .map(|_| ())
}

#[tokio::test]
async fn metadata_credentials_sign_calls_with_and_without_a_session_token() {
    for session_tokens in [true, false] {
        let sim = simulator(Duration::from_secs(6 * 3600), session_tokens).await;
        let client = client(&sim);
        for _ in 0..5 {
            one_call(&client).await.unwrap();
        }
        let page = client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, hwc::hss::ImageType::Registry)
            .send()
            .await
            .unwrap();
        assert!(!page.items.is_empty());
        assert_eq!(
            sim.metadata_credentials_issued(),
            1,
            "fetched once, cached for both services (session tokens: {session_tokens})"
        );
        let sent = sim.last_request(Api::Hss).unwrap();
        assert!(sent.header("x-security-token").is_some());
        assert_eq!(sent.header("x-project-id"), Some("p1"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_calls_at_once_while_credentials_expire_every_two_seconds() {
    let sim = simulator(Duration::from_secs(2), true).await;
    let client = client(&sim);
    let started = Instant::now();
    let run_for = Duration::from_secs(7);
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let (mut ok, mut failed) = (0u32, Vec::new());
                while started.elapsed() < run_for {
                    match one_call(&client).await {
                        Ok(()) => ok += 1,
                        Err(error) => failed.push(error.to_string()),
                    }
                }
                (ok, failed)
            })
        })
        .collect();
    let mut calls = 0;
    for task in tasks {
        let (ok, failed) = task.await.unwrap();
        assert!(failed.is_empty(), "failed calls: {failed:?}");
        calls += ok;
    }
    let issued = sim.metadata_credentials_issued();
    assert_eq!(sim.metadata_most_at_once(), 1, "one refresh at a time");
    // Seven seconds of two-second credentials: at least three sets, and about one a second
    // (refreshed at half their life), never one per call.
    assert!(
        (3..=20).contains(&issued),
        "{issued} credentials for {calls} calls"
    );
    assert!(calls > 500, "{calls} calls");
    assert_eq!(client.credentials_cache().refreshes(), issued);
}

#[tokio::test]
async fn credentials_the_gateway_calls_expired_are_refreshed_once_and_the_call_retried() {
    let sim = simulator(Duration::from_secs(3600), true).await;
    let client = client(&sim);
    one_call(&client).await.unwrap();
    // The gateway's clock jumps past the credentials' expiry: the next call is refused with
    // APIGW.0307, refreshes, and (after correcting its clock for the jump) succeeds.
    sim.set_clock_offset(SignedDuration::from_hours(2));
    one_call(&client).await.unwrap();
    assert_eq!(sim.metadata_credentials_issued(), 2);
    assert_eq!(client.credentials_cache().refreshes(), 2);
}

#[tokio::test]
async fn expired_static_credentials_are_a_typed_error_with_a_hint() {
    let sim = simulator(Duration::from_secs(1), true).await;
    // Temporary credentials taken from the metadata service and given as static ones, as a
    // user with a security token in HUAWEICLOUD_SDK_SECURITY_TOKEN would.
    let http = reqwest::Client::new();
    let token = http
        .put(format!("{}{}", sim.base_url(), hwc_sim::TOKEN_PATH))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let body: serde_json::Value = http
        .get(format!("{}{}", sim.base_url(), hwc_sim::SECURITY_KEY_PATH))
        .header("x-metadata-token", token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let credential = &body["credential"];
    let fixed = Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(
            Credentials::temporary(
                credential["access"].as_str().unwrap(),
                credential["secret"].as_str().unwrap(),
                credential["securitytoken"].as_str().unwrap(),
            )
            .unwrap(),
        )
        .build()
        .unwrap();
    one_call(&fixed).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let error = one_call(&fixed).await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((api.status, api.code.as_str()), (401, "APIGW.0307"));
    assert!(api.request_id.is_some());
    assert!(
        error.to_string().contains("cannot be refreshed"),
        "a hint: {error}"
    );
}

#[tokio::test]
async fn no_credentials_anywhere_is_one_error_listing_every_place_in_under_five_seconds() {
    // A port nothing listens on stands for a host without a metadata service.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = Client::builder()
        .ignore_environment()
        .endpoint_for_all("http://127.0.0.1:9")
        .credentials_provider(EcsMetadata::new(url).unwrap())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = one_call(&client).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        matches!(
            &error,
            Error::Config(hwc::ConfigError::NoCredentials { .. })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("metadata service"), "{error}");
}

#[tokio::test]
async fn federated_identity_turns_an_id_token_file_into_temporary_credentials() {
    let sim = Simulator::builder()
        .records(200)
        .iam(IamService {
            identity_provider: Some(("idp-1".into(), "id-token-abc".into())),
            credential_lifetime: Duration::from_secs(3600),
            ..IamService::default()
        })
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("id_token");
    std::fs::write(&file, "id-token-abc\n").unwrap();
    let client = Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials_provider(FederatedIdentity::new("idp-1", &file, sim.base_url()).unwrap())
        .build()
        .unwrap();
    one_call(&client).await.unwrap();
    one_call(&client).await.unwrap();
    assert_eq!(sim.federated_credentials_issued(), 1);

    std::fs::write(&file, "someone-else").unwrap();
    let refused = Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials_provider(FederatedIdentity::new("idp-1", &file, sim.base_url()).unwrap())
        .build()
        .unwrap();
    let error = one_call(&refused).await.unwrap_err();
    assert!(
        error.to_string().contains("refused the id token"),
        "{error}"
    );
    assert!(
        !error.to_string().contains("someone-else"),
        "the token never shows: {error}"
    );
}

/// A client for `region` whose project is left to IAM, with AK/SK.
fn looking_up(sim: &Simulator, region: &str) -> Client {
    Client::builder()
        .ignore_environment()
        .region(region)
        .endpoint_for_all(sim.base_url())
        .iam_endpoint(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_project_is_looked_up_once_and_none_or_several_is_an_error() {
    let sim = Simulator::builder()
        .records(2_000)
        .iam(IamService {
            projects: vec![
                ("p-north-4".into(), "cn-north-4".into()),
                ("p-east-3-a".into(), "cn-east-3".into()),
                ("p-east-3-b".into(), "cn-east-3".into()),
                ("p-other".into(), "ap-southeast-1_sub".into()),
            ],
            ..IamService::default()
        })
        .start()
        .await
        .unwrap();

    let client = looking_up(&sim, "cn-north-4");
    assert_eq!(client.project_id(), None);
    let calls = (0..16).map(|_| async {
        client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, hwc::hss::ImageType::Registry)
            .limit(10)
            .send()
            .await
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(sim.project_lookups(), 1, "16 calls at once, one lookup");
    assert_eq!(client.project_id(), Some("p-north-4"));
    assert_eq!(client.project_id_source(), Some("looked up in IAM"));
    let sent = sim.last_request(Api::Hss).unwrap();
    assert_eq!(sent.path_parameters["project_id"], "p-north-4");
    assert_eq!(sent.header("x-project-id"), Some("p-north-4"));
    // Another client of the same AK and region uses the process's cache.
    let again = looking_up(&sim, "cn-north-4");
    assert_eq!(again.resolve_project_id().await.unwrap(), "p-north-4");
    assert_eq!(sim.project_lookups(), 1);

    // Calls waiting for a lookup that fails get its error: IAM is asked once, not once each.
    let before = sim.project_lookups();
    let nowhere = looking_up(&sim, "cn-south-1");
    let calls = (0..8).map(|_| async {
        nowhere
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, hwc::hss::ImageType::Registry)
            .send()
            .await
    });
    for result in futures::future::join_all(calls).await {
        assert!(result.unwrap_err().to_string().contains("no project named"));
    }
    assert_eq!(sim.project_lookups(), before + 1);

    for (region, expected) in [
        ("cn-north-1", "no project named \"cn-north-1\""),
        (
            "cn-east-3",
            "2 projects named \"cn-east-3\" (p-east-3-a, p-east-3-b)",
        ),
    ] {
        let error = looking_up(&sim, region)
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, hwc::hss::ImageType::Registry)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Config(hwc::ConfigError::ProjectLookup { .. })
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains(expected), "{error}");
    }
}
