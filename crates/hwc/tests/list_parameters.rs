//! List parameters (`label_list`, the host history's `status`): the facade takes a list, checks
//! it against the spec before sending, and sends the parameter repeated, as both official SDKs
//! do; the simulator filters by every value.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use futures::TryStreamExt;
use hwc::hss::HostVulStatus;
use hwc::{Client, Credentials, Error};
use hwc_sim::{Api, Simulator};

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .project_id("0123456789abcdef0123456789abcdef")
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_list_goes_as_the_parameter_repeated_and_filters_by_every_value() {
    let sim = Simulator::builder()
        .host_records(400)
        .start()
        .await
        .unwrap();
    let client = client(&sim);
    let wanted = vec![
        HostVulStatus::VulStatusFailed,
        HostVulStatus::VulStatusFixed,
    ];
    let records: Vec<_> = client
        .hss()
        .host_vul_handle_history("0")
        .status(wanted)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    let received = sim.last_request(Api::Hss).unwrap();
    let statuses: Vec<&str> = received
        .query
        .iter()
        .filter(|(name, _)| name == "status")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(statuses, ["vul_status_failed", "vul_status_fixed"]);
    assert!(!records.is_empty() && records.len() < 400);
    for record in &records {
        let status = record.status.as_deref().unwrap();
        assert!(
            status == "vul_status_failed" || status == "vul_status_fixed",
            "{status}"
        );
    }
    // Signed with both values: the simulator checked the signature.
    assert_eq!(sim.auth_rejections(), 0);
}

#[tokio::test]
async fn a_list_beyond_the_spec_is_refused_before_anything_is_sent() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let client = client(&sim);
    let labels: Vec<String> = (0..11).map(|n| format!("label-{n}")).collect();
    let error = client
        .hss()
        .image_vulnerabilities(
            hwc::hss::ImageVulType::AppVul,
            hwc::hss::HandleStatus::Handled,
            hwc::hss::GeneralImageType::Local,
        )
        .label_list(labels)
        .send()
        .await
        .unwrap_err();
    match error {
        Error::InvalidInput {
            parameter, allowed, ..
        } => {
            assert_eq!(parameter, "label_list");
            assert!(allowed.contains("at most 10 values"), "{allowed}");
        }
        other => panic!("{other}"),
    }
    assert_eq!(sim.requests(Api::Hss), 0);
    // Within the spec, the labels filter.
    let critical: Vec<_> = client
        .hss()
        .image_vulnerabilities(
            hwc::hss::ImageVulType::AppVul,
            hwc::hss::HandleStatus::Handled,
            hwc::hss::GeneralImageType::Local,
        )
        .label_list(vec!["remote_code_execution".to_owned()])
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(!critical.is_empty());
    assert!(critical.iter().all(|vulnerability| {
        vulnerability
            .severity_level
            .as_ref()
            .map(|level| level.to_string())
            == Some("Critical".to_owned())
    }));
}
