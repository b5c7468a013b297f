//! Path parameters stay in their segment: ids that would change which path is requested (`..`,
//! `.`, `/`, `\`, percent-encodings of them) are refused before sending, naming the parameter;
//! every other id reaches the server exactly as given.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use hwc::hss::ImageType;
use hwc::{Client, Credentials, Error};
use hwc_sim::{Api, DEMO_PROJECT, DEMO_TASK, Simulator};

/// Ids that name another path if sent as they are, or once a server decodes them.
const HOSTILE: [&str; 14] = [
    "..",
    ".",
    "a/b",
    "/",
    "a\\b",
    "a\\..\\..\\v5",
    "..\\",
    "%2e%2e",
    "%2E",
    "%2f",
    "a%5Cb",
    "%252e%252e",
    "../checkrecord",
    "line\nbreak",
];

fn client(sim: &Simulator, project: &str) -> Client {
    Client::builder()
        .ignore_environment()
        .endpoint_for_all(sim.base_url())
        .credentials(Credentials::access_key(hwc_sim::DEMO_AK, hwc_sim::DEMO_SK).unwrap())
        .project_id(project)
        .build()
        .unwrap()
}

fn assert_refused(result: Result<impl std::fmt::Debug, Error>, parameter: &str, id: &str) {
    match result {
        Err(Error::InvalidInput {
            parameter: named,
            value,
            allowed,
        }) => {
            assert_eq!(named, parameter, "{id:?}");
            assert_eq!(value, id);
            assert!(allowed.contains("path segment"), "{allowed}");
        }
        other => panic!("{parameter} {id:?}: expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn hostile_ids_are_refused_before_sending() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    for id in HOSTILE {
        let codearts = client(&sim, "p").codearts_check();
        let by_task = codearts.check_records(DEMO_PROJECT, id).send().await;
        assert_refused(by_task, "task_id", id);
        let by_project = codearts.check_records(id, DEMO_TASK).send().await;
        assert_refused(by_project, "project_id", id);
        let hss = client(&sim, id)
            .hss()
            .image_vul_handle_history("CVE-2021-44228", ImageType::Registry)
            .send()
            .await;
        assert_refused(hss, "project_id", id);
    }
    assert_eq!(
        sim.requests(Api::Hss) + sim.requests(Api::CodeArtsCheck),
        0,
        "nothing was sent"
    );
}

#[tokio::test]
async fn other_ids_reach_the_server_exactly_as_given() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    // Odd but harmless: dots inside, spaces, unicode, characters URLs reserve.
    for id in [
        "a..b",
        "...",
        "task 1",
        "задача",
        "a?b#c",
        "a;b=c",
        "~_-.",
        "a+b",
    ] {
        let page = client(&sim, "p")
            .codearts_check()
            .check_records(DEMO_PROJECT, id)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{id:?}: {e}"));
        assert_eq!(page.total, Some(0), "{id:?}: an unknown task has no scans");
        let seen = sim
            .last_request(Api::CodeArtsCheck)
            .unwrap()
            .path_parameters;
        assert_eq!(seen["task_id"], id, "the server read exactly the id given");
        assert_eq!(seen["project_id"], DEMO_PROJECT);
    }
    assert_eq!(sim.requests(Api::CodeArtsCheck), 8);
}
