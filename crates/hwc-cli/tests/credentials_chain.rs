//! The credentials chain and the project lookup as a user meets them: `hwc` on a host with only
//! the ECS metadata service, and `hwc config` naming where the credentials came from for each
//! place of the chain, in the official order.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use assert_cmd::Command;
use hwc_sim::{Api, IamService, MetadataService, Simulator};
use std::time::Duration;

const OTHER_AK: &str = "HWCSIMPROFILEAK00002";
const OTHER_SK: &str = "profile-secret-key-not-for-real-use";

async fn simulator() -> Simulator {
    Simulator::builder()
        .records(2_000)
        .access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK)
        .access_key(OTHER_AK, OTHER_SK)
        .metadata_service(MetadataService {
            session_tokens: true,
            credential_lifetime: Duration::from_secs(3_600),
        })
        .iam(IamService {
            projects: vec![("p-cn-north-4".into(), "cn-north-4".into())],
            identity_provider: Some(("idp-1".into(), "id-token-abc".into())),
            credential_lifetime: Duration::from_secs(3_600),
        })
        .start()
        .await
        .unwrap()
}

/// `hwc` with nothing of the developer's environment: no keys, no profile; the simulator as
/// metadata service and IAM.
fn hwc(sim: &Simulator) -> Command {
    let mut command = Command::cargo_bin("hwc").unwrap();
    command
        .env_clear()
        .env("HOME", "/nonexistent-home")
        .env("HWC_METADATA_ENDPOINT", sim.base_url())
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", sim.base_url());
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_only_the_metadata_service_and_a_region_vul_history_works() {
    let sim = simulator().await;
    let mut command = hwc(&sim);
    command
        .args([
            "--region",
            "cn-north-4",
            "--endpoint",
            &sim.base_url(),
            "-o",
            "jsonl",
        ])
        .args(support::DEMO_HSS)
        .args(["--limit", "50", "--all"]);
    let output = support::run(command).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let lines = String::from_utf8_lossy(&output.stdout).lines().count();
    assert!(lines > 50, "{lines} records over several pages");
    assert_eq!(sim.metadata_credentials_issued(), 1, "fetched once");
    assert_eq!(sim.project_lookups(), 1, "looked up once for every page");
    let sent = sim.last_request(Api::Hss).unwrap();
    assert_eq!(sent.path_parameters["project_id"], "p-cn-north-4");
    assert!(sent.header("x-security-token").is_some());
}

/// `hwc config -o json` with `setup` applied; its report and exit code.
async fn config(sim: &Simulator, setup: impl FnOnce(&mut Command)) -> (serde_json::Value, i32) {
    let mut command = hwc(sim);
    command.args([
        "config",
        "-o",
        "json",
        "--endpoint",
        &sim.base_url(),
        "--project-id",
        "p1",
    ]);
    setup(&mut command);
    let output = support::run(command).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
    (report, output.status.code().unwrap())
}

fn source(report: &serde_json::Value) -> &str {
    report["credentials"]["source"]
        .as_str()
        .unwrap_or_else(|| panic!("{report}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_names_the_source_of_each_place_of_the_chain_in_the_official_order() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("id_token");
    std::fs::write(&token_file, "id-token-abc").unwrap();
    let profile = dir.path().join("credentials");
    std::fs::write(
        &profile,
        format!("[basic]\nak = {OTHER_AK}\nsk = {OTHER_SK}\n"),
    )
    .unwrap();
    let federated_profile = dir.path().join("federated");
    std::fs::write(
        &federated_profile,
        format!(
            "[basic]\nidp_id = idp-1\nid_token_file = {}\niam_endpoint = {}\n",
            token_file.display(),
            sim.base_url()
        ),
    )
    .unwrap();
    let env_keys = |c: &mut Command| {
        c.env("HUAWEICLOUD_SDK_AK", hwc_sim::DEMO_AK)
            .env("HUAWEICLOUD_SDK_SK", hwc_sim::DEMO_SK);
    };

    // Nothing but the metadata service.
    let (report, code) = config(&sim, |_| {}).await;
    assert_eq!(code, 0, "{report}");
    assert!(
        source(&report).starts_with("ECS metadata service"),
        "{report}"
    );
    assert_eq!(report["credentials"]["kind"], "temporary access key");
    assert!(report["credentials"]["expires_at"].is_string());
    for service in report["services"].as_array().unwrap() {
        assert_eq!(service["ok"], true, "{service}");
    }

    // The profile wins over the metadata service.
    let (report, code) = config(&sim, |c| {
        c.env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &profile);
    })
    .await;
    assert_eq!(code, 0, "{report}");
    assert!(source(&report).starts_with("profile "), "{report}");
    assert_eq!(report["credentials"]["access_key"], "HWCS…0002");

    // The environment wins over the profile.
    let (report, _) = config(&sim, |c| {
        c.env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &profile);
        env_keys(c);
    })
    .await;
    assert!(source(&report).starts_with("environment"), "{report}");
    assert_eq!(report["credentials"]["kind"], "access key");

    // The federated identity pair wins over AK/SK in the environment.
    let (report, code) = config(&sim, |c| {
        env_keys(c);
        c.env("HUAWEICLOUD_SDK_IDP_ID", "idp-1")
            .env("HUAWEICLOUD_SDK_ID_TOKEN_FILE", &token_file);
    })
    .await;
    assert_eq!(code, 0, "{report}");
    assert!(
        source(&report).starts_with("federated identity"),
        "{report}"
    );

    // A profile's federated identity, with its own IAM endpoint.
    let (report, code) = config(&sim, |c| {
        c.env_remove("HUAWEICLOUD_SDK_IAM_ENDPOINT")
            .env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &federated_profile);
    })
    .await;
    assert_eq!(code, 0, "{report}");
    assert!(
        source(&report).starts_with("federated identity"),
        "{report}"
    );
    assert_eq!(sim.federated_credentials_issued(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_fails_with_exit_1_when_the_gateway_refuses_the_keys_and_never_shows_a_secret() {
    let sim = simulator().await;
    let mut command = hwc(&sim);
    command
        .env("HUAWEICLOUD_SDK_AK", hwc_sim::DEMO_AK)
        .env("HUAWEICLOUD_SDK_SK", "wrong-secret-key-value")
        .args([
            "config",
            "--endpoint",
            &sim.base_url(),
            "--project-id",
            "p1",
        ]);
    let output = support::run(command).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("access key      HWCS…0001"), "{stdout}");
    assert!(
        stdout.contains("FAILED") && stdout.contains("APIGW.0301"),
        "{stdout}"
    );
    assert!(
        !stdout.contains(hwc_sim::DEMO_AK),
        "the whole AK never shows: {stdout}"
    );
    assert!(!stdout.contains("wrong-secret-key-value"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metadata_service_is_never_asked_through_a_proxy() {
    let sim = simulator().await;
    // A proxy nothing listens on: the calls to the services go through it and fail, the
    // metadata service is still reached directly.
    let (report, code) = config(&sim, |c| {
        c.env("HTTP_PROXY", "http://127.0.0.1:1")
            .env("http_proxy", "http://127.0.0.1:1");
    })
    .await;
    assert_eq!(code, 1, "{report}");
    assert!(
        source(&report).starts_with("ECS metadata service"),
        "{report}"
    );
    for service in report["services"].as_array().unwrap() {
        assert!(
            service["ok"] == false && service["check"].as_str().unwrap().starts_with("FAILED"),
            "through the proxy: {service}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_token_iam_refuses_is_reported_with_iam_s_code_and_request_id() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("id_token");
    std::fs::write(&token_file, "an-id-token-iam-does-not-know").unwrap();
    let (report, code) = config(&sim, |c| {
        c.env("HUAWEICLOUD_SDK_IDP_ID", "idp-1")
            .env("HUAWEICLOUD_SDK_ID_TOKEN_FILE", &token_file);
    })
    .await;
    assert_eq!(code, 1, "{report}");
    let error = report["credentials"]["error"].as_str().unwrap();
    assert!(
        error.contains("HTTP 401 APIGW.0301") && error.contains("request id "),
        "{error}"
    );
    assert!(!error.contains("an-id-token-iam-does-not-know"), "{error}");
}
