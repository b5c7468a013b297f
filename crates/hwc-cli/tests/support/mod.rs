//! What the command-line tests share: `hwc` with a clean environment and the simulator's demo
//! keys, run off the async runtime, and the arguments of the demo task's records.

#![allow(dead_code, clippy::unwrap_used)] // Each test file uses part of it; tests panic to fail.

use assert_cmd::Command;

/// `records` of the simulator's demo CodeArts task.
pub const DEMO_RECORDS: [&str; 6] = [
    "codearts-check",
    "records",
    "--codearts-project",
    hwc_sim::DEMO_PROJECT,
    "--task-id",
    hwc_sim::DEMO_TASK,
];

/// `vul-history` of the simulator's demo vulnerability on registry images, all projects.
pub const DEMO_HSS: [&str; 8] = [
    "hss",
    "vul-history",
    "--vul-id",
    hwc_sim::DEMO_VUL_ID,
    "--image-type",
    "registry",
    "--enterprise-project-id",
    "all_granted_eps",
];

/// `hwc` with nothing of the developer's environment but the simulator's demo AK/SK.
pub fn hwc_with_demo_keys() -> Command {
    let mut command = Command::cargo_bin("hwc").unwrap();
    command
        .env_clear()
        .env("HOME", "/nonexistent-home")
        .env("HUAWEICLOUD_SDK_AK", hwc_sim::DEMO_AK)
        .env("HUAWEICLOUD_SDK_SK", hwc_sim::DEMO_SK);
    command
}

/// `hwc args` as a plain process, with the simulator's demo keys and project `p` and nothing
/// else of the environment: for tests that handle the process themselves (signals, pipes,
/// resource limits).
pub fn hwc_process(
    args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>,
) -> std::process::Command {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("hwc"));
    command
        .env_clear()
        .env("HOME", "/nonexistent-home")
        .env("HUAWEICLOUD_SDK_AK", hwc_sim::DEMO_AK)
        .env("HUAWEICLOUD_SDK_SK", hwc_sim::DEMO_SK)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(args);
    command
}

/// `codearts-check gate` of the demo task against `url` with `rules`: exit code and stdout.
pub async fn gate(url: &str, rules: &[&str]) -> (Option<i32>, String) {
    let mut command = hwc_with_demo_keys();
    command
        .args(["--endpoint", url, "codearts-check", "gate"])
        .args(&DEMO_RECORDS[2..])
        .args(rules);
    let output = run(command).await;
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

/// Runs `command` to the end without blocking the test's runtime (the simulator runs on it).
pub async fn run(mut command: Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// A plain web server on loopback: each request gets what `answer` gives for its target (path
/// and query): a status and a body (sent as JSON, or as HTML when it starts with `<`). Its URL.
pub async fn serve(answer: impl Fn(&str) -> (u16, String) + Send + Sync + 'static) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let answer = std::sync::Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = std::sync::Arc::clone(&answer);
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&request);
                let target = text.split(' ').nth(1).unwrap_or("/").to_owned();
                let (status, body) = answer(&target);
                let kind = if body.starts_with('<') {
                    "text/html"
                } else {
                    "application/json"
                };
                let head = format!(
                    "HTTP/1.1 {status} Whatever\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
            });
        }
    });
    url
}

/// The value of query parameter `name` in a request target.
pub fn query_value<'a>(target: &'a str, name: &str) -> Option<&'a str> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then_some(value)
    })
}
