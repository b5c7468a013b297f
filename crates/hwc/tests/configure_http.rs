//! `ClientBuilder::configure_http`: the user's settings of the HTTP client take effect, and
//! what hwc must keep is applied over them: a redirect is never followed, whatever the user's
//! redirect policy says, so credentials never reach another host.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use hwc::hss::ImageType;
use hwc::test_util::simulator_client;
use hwc_sim::{Api, DEMO_AK, DEMO_SK, DEMO_VUL_ID, Fault, Simulator};

#[tokio::test(flavor = "multi_thread")]
async fn configure_http_sets_what_it_names_but_cannot_turn_redirects_on() {
    let elsewhere = Simulator::builder().records(100).start().await.unwrap();
    let sim = Simulator::builder()
        .records(100)
        .redirect_target(elsewhere.base_url())
        .start()
        .await
        .unwrap();
    let client = simulator_client(&sim.base_url(), DEMO_AK, DEMO_SK)
        .unwrap()
        .configure_http(|http| {
            http.user_agent("their-service/2.1")
                .redirect(reqwest::redirect::Policy::limited(10))
        })
        .build()
        .unwrap();
    let hss = || async {
        client
            .hss()
            .image_vul_handle_history(DEMO_VUL_ID, ImageType::Registry)
            .send()
            .await
    };

    hss().await.unwrap();
    assert_eq!(
        sim.last_request(Api::Hss).unwrap().header("user-agent"),
        Some("their-service/2.1"),
        "the user's setting took effect"
    );

    sim.script(Api::Hss, [Fault::Redirect]);
    let error = hss().await.unwrap_err();
    assert_eq!(error.status(), Some(307), "{error}");
    assert!(error.to_string().contains("not followed"), "{error}");
    assert!(
        elsewhere.received(Api::Hss).is_empty(),
        "the redirect target was never asked"
    );
}
