//! What CI needs of every command, against the simulator: `--dry-run` sends nothing (the
//! simulator counts no request) and needs no credentials, `--debug` shows each attempt and no
//! secret, `HWC_REGION` and `HWC_OUTPUT` are defaults; and the generated commands of the task
//! operations (`issues --all`, `summary`, `tasks`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::{Api, DEMO_PROJECT, DEMO_SK, DEMO_TASK, Simulator};

async fn hwc(args: &[&str], env: &[(&str, &str)], keys: bool) -> (Option<i32>, String, String) {
    let mut command = if keys {
        support::hwc_with_demo_keys()
    } else {
        let mut command = assert_cmd::Command::cargo_bin("hwc").unwrap();
        command.env_clear().env("HOME", "/nonexistent-home");
        command
    };
    command.args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = support::run(command).await;
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_sends_nothing_and_needs_no_credentials() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let url = sim.base_url();
    for keys in [true, false] {
        for command in [
            &[
                "hss",
                "vul-history",
                "--vul-id",
                "CVE-1",
                "--image-type",
                "registry",
                "--all",
            ][..],
            &[
                "codearts-check",
                "issues",
                "--task-id",
                DEMO_TASK,
                "--severity",
                "0,1",
            ],
            &[
                "codearts-check",
                "gate",
                "--codearts-project",
                DEMO_PROJECT,
                "--task-id",
                DEMO_TASK,
                "--service-verdict",
            ],
        ] {
            let mut args = vec!["--endpoint", &url, "--dry-run"];
            args.extend_from_slice(command);
            let (code, out, err) = hwc(&args, &[], keys).await;
            assert_eq!(code, Some(0), "{command:?}: {out}{err}");
            assert!(out.starts_with("GET http://127.0.0.1:"), "{out}");
            assert!(out.contains("authorization: <redacted>"), "{out}");
            assert!(
                !out.contains(DEMO_SK) && !out.contains("Signature="),
                "{out}"
            );
        }
    }
    assert_eq!(sim.requests(Api::Hss) + sim.requests(Api::CodeArtsCheck), 0);
    // A dry run still checks what it would send.
    let (code, _, err) = hwc(
        &[
            "--endpoint",
            &url,
            "--dry-run",
            "codearts-check",
            "issues",
            "--task-id",
            DEMO_TASK,
            "--limit",
            "500",
        ],
        &[],
        true,
    )
    .await;
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("limit"), "{err}");
    // HWC_REGION is the region when --region is not given.
    let (code, out, _) = hwc(
        &[
            "--dry-run",
            "codearts-check",
            "summary",
            "--task-id",
            DEMO_TASK,
        ],
        &[("HWC_REGION", "cn-east-3")],
        false,
    )
    .await;
    assert_eq!(code, Some(0));
    assert!(out.starts_with("GET https://codearts-check.cn-east-3.myhuaweicloud.com/v2/tasks/demo-task/defects-summary"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_shows_each_attempt_and_no_secret() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let url = sim.base_url();
    let (code, out, err) = hwc(
        &[
            "--endpoint",
            &url,
            "--debug",
            "codearts-check",
            "issues",
            "--task-id",
            DEMO_TASK,
            "--all",
            "--limit",
            "100",
        ],
        &[("HUAWEICLOUD_SDK_PROJECT_ID", "p")],
        true,
    )
    .await;
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.is_empty());
    let attempts: Vec<&str> = err
        .lines()
        .filter(|line| line.contains("hwc::attempt"))
        .collect();
    let requests = sim.requests(Api::CodeArtsCheck) as usize;
    assert_eq!(attempts.len(), requests, "{err}");
    for line in &attempts {
        assert!(
            line.contains("method=GET") && line.contains("status=200"),
            "{line}"
        );
        assert!(
            line.contains("request_id=") && line.contains("elapsed_ms="),
            "{line}"
        );
        assert!(
            line.contains(&format!("url={url}/v2/tasks/{DEMO_TASK}/defects-detail")),
            "{line}"
        );
    }
    assert!(
        !err.contains(DEMO_SK) && !err.contains("Signature=") && !err.contains("Access="),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hwc_output_is_the_default_format_and_task_commands_work() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let url = sim.base_url();
    let env = [("HWC_OUTPUT", "jsonl"), ("HUAWEICLOUD_SDK_PROJECT_ID", "p")];
    let (code, out, err) = hwc(
        &[
            "--endpoint",
            &url,
            "codearts-check",
            "issues",
            "--task-id",
            DEMO_TASK,
            "--all",
        ],
        &env,
        true,
    )
    .await;
    assert_eq!(code, Some(0), "{err}");
    let counts = sim.data().codearts.latest_scan(DEMO_TASK).unwrap().counts;
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len() as u32, counts.iter().sum::<u32>());
    // --output beats HWC_OUTPUT.
    let (code, out, _) = hwc(
        &[
            "--endpoint",
            &url,
            "-o",
            "table",
            "codearts-check",
            "summary",
            "--task-id",
            DEMO_TASK,
        ],
        &env,
        true,
    )
    .await;
    assert_eq!(code, Some(0));
    assert!(out.contains("is_access") && out.contains("false"), "{out}");
    let (code, out, _) = hwc(
        &[
            "--endpoint",
            &url,
            "codearts-check",
            "tasks",
            "--codearts-project",
            DEMO_PROJECT,
            "--all",
        ],
        &env,
        true,
    )
    .await;
    assert_eq!(code, Some(0));
    assert_eq!(
        out.lines().count(),
        sim.data().codearts.tasks_of(DEMO_PROJECT).len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn records_and_trend_cover_every_task_with_all_tasks() {
    let sim = Simulator::builder()
        .records(100)
        .check_records(2_000)
        .start()
        .await
        .unwrap();
    let url = sim.base_url();
    let (code, out, err) = hwc(
        &[
            "--endpoint",
            &url,
            "-o",
            "jsonl",
            "codearts-check",
            "records",
            "--codearts-project",
            DEMO_PROJECT,
            "--all-tasks",
        ],
        &[("HUAWEICLOUD_SDK_PROJECT_ID", "p")],
        true,
    )
    .await;
    assert_eq!(code, Some(0), "{err}");
    let mut per_task: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in out.lines() {
        let scan: serde_json::Value = serde_json::from_str(line).unwrap();
        per_task
            .entry(scan["task_id"].as_str().unwrap().to_owned())
            .or_default()
            .push(
                scan["check_time"]["raw"]
                    .as_str()
                    .map_or_else(|| scan["check_time"].to_string(), str::to_owned),
            );
    }
    for task in sim.data().codearts.tasks_of(DEMO_PROJECT) {
        let expected = sim.data().codearts.check_times(DEMO_PROJECT, &task.task_id);
        assert_eq!(
            per_task.get(&task.task_id).map(Vec::len),
            Some(expected.len()),
            "{}",
            task.task_id
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("trend.svg");
    let (code, out, err) = hwc(
        &[
            "--endpoint",
            &url,
            "codearts-check",
            "trend",
            "--codearts-project",
            DEMO_PROJECT,
            "--all-tasks",
            "--svg",
            svg.to_str().unwrap(),
        ],
        &[("HUAWEICLOUD_SDK_PROJECT_ID", "p")],
        true,
    )
    .await;
    assert_eq!(code, Some(0), "{err}");
    for task in sim.data().codearts.tasks_of(DEMO_PROJECT) {
        assert!(
            out.contains(&format!("scans of task {}", task.task_id)),
            "{out}"
        );
        assert!(
            dir.path()
                .join(format!("trend-{}.svg", task.task_id))
                .exists()
        );
    }
}
