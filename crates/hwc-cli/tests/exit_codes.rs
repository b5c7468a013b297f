//! Exit codes that say what happened (1 network and service failures, IAM and the metadata
//! service included; 2 only what the command line or the configuration got wrong), messages in
//! the command line's words, and answers of IAM and the metadata service read with a limit.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::Simulator;
use support::{hwc_with_demo_keys, run};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `hwc` with nothing configured: no keys, no profile, no metadata service.
fn bare() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("hwc").unwrap();
    command
        .env_clear()
        .env("HOME", "/nonexistent-home")
        .env("HWC_METADATA_ENDPOINT", "http://127.0.0.1:1");
    command
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A server answering every request with a 200 whose body never ends (no length announced):
/// 400 MiB and more of spaces, for as long as the client reads.
async fn endless() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                for _ in 0..(400 * 16) {
                    if stream.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// The largest resident set of the children waited for so far, in MiB.
fn children_peak_mib() -> i64 {
    let usage =
        nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN).unwrap();
    usage.max_rss() / 1024
}

#[tokio::test(flavor = "multi_thread")]
async fn endless_iam_and_metadata_answers_stop_at_their_limit_and_exit_1() {
    let url = endless().await;
    // The metadata service's session token, then IAM's project list.
    let mut metadata = bare();
    metadata
        .env("HWC_METADATA_ENDPOINT", &url)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", "http://127.0.0.1:1"])
        .args(support::DEMO_HSS);
    let mut iam = hwc_with_demo_keys();
    iam.env("HUAWEICLOUD_SDK_IAM_ENDPOINT", &url)
        .args(["--region", "cn-north-4"])
        .args(support::DEMO_HSS);
    for (name, command) in [("metadata", metadata), ("IAM", iam)] {
        let started = std::time::Instant::now();
        let output = run(command).await;
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {message}");
        assert!(message.contains("over"), "{name}: {message}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{name}"
        );
    }
    let peak = children_peak_mib();
    assert!(peak < 128, "peak RSS {peak} MiB");
}

#[tokio::test(flavor = "multi_thread")]
async fn network_failures_of_iam_and_the_metadata_service_exit_1() {
    // IAM cannot be reached for the project lookup.
    let mut iam = hwc_with_demo_keys();
    iam.env("HUAWEICLOUD_SDK_IAM_ENDPOINT", "http://127.0.0.1:1")
        .args(["--region", "cn-north-4"])
        .args(support::DEMO_HSS);
    let output = run(iam).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("IAM at http://127.0.0.1:1"),
        "{}",
        stderr(&output)
    );

    // The metadata service answers its token, then fails.
    let url = support::serve(|target| {
        if target.contains("api/token") {
            (200, "session-token".to_owned())
        } else {
            (500, r#"{"error":"internal"}"#.to_owned())
        }
    })
    .await;
    let mut metadata = bare();
    metadata
        .env("HWC_METADATA_ENDPOINT", &url)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", "http://127.0.0.1:1"])
        .args(support::DEMO_HSS);
    let output = run(metadata).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("ECS metadata service"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_configuration_is_named_at_once_in_the_command_line_s_words() {
    // Nothing at all: credentials and project in one error, exit 2.
    let mut nothing = bare();
    nothing
        .args(["--endpoint", "http://127.0.0.1:1"])
        .args(support::DEMO_HSS);
    let output = run(nothing).await;
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(
        message.contains("no credentials") && message.contains("--project-id"),
        "{message}"
    );
    assert!(!message.contains(".project_id("), "{message}");

    // Credentials but no project: the flag, not the builder method.
    let mut no_project = hwc_with_demo_keys();
    no_project
        .args(["--endpoint", "http://127.0.0.1:1"])
        .args(support::DEMO_HSS);
    let output = run(no_project).await;
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("--project-id"), "{message}");
    assert!(!message.contains(".project_id("), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_profile_is_not_read_when_the_environment_has_complete_keys() {
    let sim = Simulator::builder().records(200).start().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".huaweicloud")).unwrap();
    std::fs::write(
        home.path().join(".huaweicloud/credentials"),
        "this is [not an ini file\n\0\0",
    )
    .unwrap();
    let mut command = hwc_with_demo_keys();
    command
        .env("HOME", home.path())
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url()])
        .args(support::DEMO_HSS);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // Without keys in the environment the profile is the credentials' place: its error counts.
    let mut command = bare();
    command
        .env("HOME", home.path())
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url()])
        .args(support::DEMO_HSS);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("credentials"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_metadata_endpoint_s_user_information_is_never_shown() {
    let mut command = bare();
    command
        .env(
            "HWC_METADATA_ENDPOINT",
            "http://agent:hunter2-secret@127.0.0.1:1",
        )
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", "http://127.0.0.1:1"])
        .args(support::DEMO_HSS);
    let output = run(command).await;
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("ECS metadata service"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");

    let mut config = bare();
    config
        .env(
            "HWC_METADATA_ENDPOINT",
            "http://agent:hunter2-secret@127.0.0.1:1",
        )
        .args(["--endpoint", "http://127.0.0.1:1", "config", "-o", "json"]);
    let output = run(config).await;
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        stderr(&output)
    );
    assert!(!all.contains("hunter2"), "{all}");
}
