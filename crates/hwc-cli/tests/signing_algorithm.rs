//! `hwc --signing-algorithm` and `HUAWEICLOUD_SDK_SIGNING_ALGORITHM` against a simulator that
//! accepts one algorithm alone: both APIs page with it, the default is refused there.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc::SigningAlgorithm;
use hwc_sim::Simulator;

#[tokio::test(flavor = "multi_thread")]
async fn both_apis_page_with_the_chosen_algorithm() {
    for (flag, algorithm) in [
        ("sm2-sm3", SigningAlgorithm::Sm2Sm3),
        ("hmac-sm3", SigningAlgorithm::HmacSm3),
        ("v11-hmac-sha256", SigningAlgorithm::V11HmacSha256),
    ] {
        let sim = Simulator::builder()
            .records(400)
            .signing_algorithms(vec![algorithm])
            .lockout(None)
            .start()
            .await
            .unwrap();
        for command in [&support::DEMO_HSS[..], &support::DEMO_RECORDS[..]] {
            let mut hwc = support::hwc_with_demo_keys();
            hwc.env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
                .args(["--region", "cn-north-4", "--endpoint", &sim.base_url()])
                .args(["--signing-algorithm", flag, "-o", "jsonl"])
                .args(command)
                .arg("--all");
            let output = support::run(hwc).await;
            assert!(
                output.status.success(),
                "{flag} {command:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(!output.stdout.is_empty());
        }
        // The variable chooses the same way; the default is refused by this gateway.
        let mut hwc = support::hwc_with_demo_keys();
        hwc.env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
            .env("HUAWEICLOUD_SDK_SIGNING_ALGORITHM", algorithm.name())
            .args(["--region", "cn-north-4", "--endpoint", &sim.base_url()])
            .args(support::DEMO_RECORDS);
        assert!(support::run(hwc).await.status.success(), "{flag}");
        let mut hwc = support::hwc_with_demo_keys();
        hwc.env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
            .args(["--endpoint", &sim.base_url()])
            .args(support::DEMO_RECORDS);
        let refused = support::run(hwc).await;
        assert_eq!(refused.status.code(), Some(1), "{flag}");
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("not accepted"),
            "{flag}"
        );
    }
}
