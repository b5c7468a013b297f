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

/// Runs `command` to the end without blocking the test's runtime (the simulator runs on it).
pub async fn run(mut command: Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}
