//! `image_type` as the service takes it: `local` is sent (what the official SDKs send), and when
//! the service answers 400 naming `image_type` the request goes once more with `local_image`,
//! which the client then keeps using. Proven against the simulator taking each spelling, and a
//! 400 about anything else is not sent again.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use hwc::hss::ImageType;
use hwc_sim::{Api, DEMO_VUL_ID, LocalImageValue, Simulator};

fn client(url: &str) -> hwc::Client {
    hwc::Client::builder()
        .ignore_environment()
        .endpoint_for_all(url)
        .credentials(hwc::Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .project_id("p")
        .build()
        .unwrap()
}

#[tokio::test]
async fn local_images_are_found_whichever_spelling_the_service_takes() {
    for mode in LocalImageValue::ALL {
        let sim = Simulator::builder()
            .records(2_000)
            .local_image_value(mode)
            .start()
            .await
            .unwrap();
        let client = client(&sim.base_url());
        let mut costs = Vec::new();
        for _ in 0..3 {
            let before = sim.requests(Api::Hss);
            let page = client
                .hss()
                .image_vul_handle_history(DEMO_VUL_ID, ImageType::Local)
                .enterprise_project_id("all_granted_eps")
                .send()
                .await
                .unwrap_or_else(|error| panic!("{mode}: {error}"));
            assert!(!page.items.is_empty(), "{mode}: records of local images");
            costs.push(sim.requests(Api::Hss) - before);
        }
        let expected = match mode {
            // Refused once, then sent with the spelling that worked.
            LocalImageValue::LocalImage => [2, 1, 1],
            _ => [1, 1, 1],
        };
        assert_eq!(costs, expected, "{mode}: requests per call");
        let last = sim.last_request(Api::Hss).unwrap();
        let sent = last.query.iter().find(|(name, _)| name == "image_type");
        let expected = if mode == LocalImageValue::LocalImage {
            "local_image"
        } else {
            "local"
        };
        assert_eq!(
            sent.map(|(_, value)| value.as_str()),
            Some(expected),
            "{mode}"
        );
    }
}

#[tokio::test]
async fn a_400_about_anything_else_is_sent_once() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                let _ = stream.read(&mut buf).await;
                let body = r#"{"error_code":"HSS.0004","error_msg":"invalid vul_id"}"#;
                let answer = format!(
                    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    let error = client(&url)
        .hss()
        .image_vul_handle_history(DEMO_VUL_ID, ImageType::Local)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, hwc::Error::Api(ref api) if api.status == 400),
        "{error}"
    );
    assert_eq!(requests.load(Ordering::Relaxed), 1);
}
