//! Every signing algorithm of the official SDKs, chosen on the client, against the simulator
//! over real HTTP: both APIs page with each; a simulator that accepts only one algorithm
//! refuses the others; the environment variable chooses as the builder does.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use futures::TryStreamExt;
use hwc::hss::ImageType;
use hwc::{Client, Credentials, Error, SigningAlgorithm, Sources};
use hwc_sim::{Api, DEMO_AK, DEMO_PROJECT, DEMO_SK, DEMO_TASK, DEMO_VUL_ID, Simulator};

fn client(sim: &Simulator, algorithm: SigningAlgorithm) -> Client {
    Client::builder()
        .ignore_environment()
        .region("cn-north-4")
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(DEMO_AK, DEMO_SK).unwrap())
        .project_id("p")
        .signing_algorithm(algorithm)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn both_apis_page_with_every_algorithm() {
    let sim = Simulator::builder().records(2_000).start().await.unwrap();
    for algorithm in SigningAlgorithm::ALL {
        let client = client(&sim, algorithm);
        let records: Vec<_> = client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
            .enterprise_project_id("all_granted_eps")
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap_or_else(|error| panic!("{algorithm}: {error}"));
        assert!(!records.is_empty());
        let scans: Vec<_> = client
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
            .limit(1000)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap_or_else(|error| panic!("{algorithm}: {error}"));
        assert!(!scans.is_empty());
        let sent = sim.last_request(Api::CodeArtsCheck).unwrap();
        let authorization = sent.header("authorization").unwrap();
        assert!(
            authorization.starts_with(&format!("{} ", algorithm.name())),
            "{authorization}"
        );
    }
    assert_eq!(sim.auth_rejections(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_that_accepts_one_algorithm_refuses_the_others() {
    let sim = Simulator::builder()
        .records(100)
        .signing_algorithms(vec![SigningAlgorithm::Sm2Sm3])
        .lockout(None)
        .start()
        .await
        .unwrap();
    let accepted = client(&sim, SigningAlgorithm::Sm2Sm3)
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await;
    assert!(accepted.is_ok(), "{accepted:?}");
    for algorithm in SigningAlgorithm::ALL
        .into_iter()
        .filter(|a| *a != SigningAlgorithm::Sm2Sm3)
    {
        let refused = client(&sim, algorithm)
            .codearts_check()
            .check_records(DEMO_PROJECT, DEMO_TASK)
            .send()
            .await
            .unwrap_err();
        match &refused {
            Error::Api(api) => {
                assert_eq!(api.status, 401, "{algorithm}");
                assert!(refused.to_string().contains("not accepted"), "{refused}");
            }
            other => panic!("{algorithm}: {other}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_environment_chooses_the_algorithm_and_a_wrong_name_is_named() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let no_files: [(&str, &str); 0] = [];
    let sources = Sources::from_data(
        [
            ("HUAWEICLOUD_SDK_AK", DEMO_AK),
            ("HUAWEICLOUD_SDK_SK", DEMO_SK),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "p"),
            (hwc::ENV_SIGNING_ALGORITHM, "SM2_SM3"),
        ],
        no_files,
    );
    let client = Client::builder()
        .endpoint_for_all(sim.base_url())
        .build_from(&sources)
        .unwrap();
    client
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await
        .unwrap();
    let sent = sim.last_request(Api::CodeArtsCheck).unwrap();
    assert!(
        sent.header("authorization")
            .unwrap()
            .starts_with("SDK-SM2-SM3 ")
    );

    let sources = Sources::from_data(
        [
            ("HUAWEICLOUD_SDK_AK", DEMO_AK),
            ("HUAWEICLOUD_SDK_SK", DEMO_SK),
            (hwc::ENV_SIGNING_ALGORITHM, "rsa"),
        ],
        no_files,
    );
    let error = Client::builder()
        .endpoint_for_all(sim.base_url())
        .build_from(&sources)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("HUAWEICLOUD_SDK_SIGNING_ALGORITHM")
            && error.contains("rsa")
            && error.contains("sm2-sm3"),
        "{error}"
    );
    // V11 scopes its key to the region: without one, a clear error before sending.
    let no_region = Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(DEMO_AK, DEMO_SK).unwrap())
        .project_id("p")
        .signing_algorithm(SigningAlgorithm::V11HmacSha256)
        .build()
        .unwrap();
    let before = sim.requests(Api::CodeArtsCheck);
    let error = no_region
        .codearts_check()
        .check_records(DEMO_PROJECT, DEMO_TASK)
        .send()
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("region"), "{error}");
    assert_eq!(sim.requests(Api::CodeArtsCheck), before);
}
