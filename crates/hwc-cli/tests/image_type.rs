//! `--image-type local` and `--image-type local_image` find local images whichever spelling the
//! service takes: one extra request when the first spelling is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::{Api, DEMO_VUL_ID, LocalImageValue, Simulator};
use support::{hwc_with_demo_keys, run};

#[tokio::test(flavor = "multi_thread")]
async fn both_spellings_find_local_images_in_every_mode_of_the_service() {
    for mode in LocalImageValue::ALL {
        let sim = Simulator::builder()
            .records(2_000)
            .local_image_value(mode)
            .start()
            .await
            .unwrap();
        for typed in ["local", "local_image"] {
            let before = sim.requests(Api::Hss);
            let mut command = hwc_with_demo_keys();
            command
                .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
                .args([
                    "--endpoint",
                    &sim.base_url(),
                    "-o",
                    "jsonl",
                    "hss",
                    "vul-history",
                ])
                .args(["--vul-id", DEMO_VUL_ID, "--image-type", typed])
                .args(["--enterprise-project-id", "all_granted_eps"]);
            let output = run(command).await;
            assert!(
                output.status.success(),
                "{mode} {typed}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(!output.stdout.is_empty(), "{mode} {typed}: records");
            let extra = u64::from(mode == LocalImageValue::LocalImage);
            assert_eq!(sim.requests(Api::Hss) - before, 1 + extra, "{mode} {typed}");
        }
    }
}
