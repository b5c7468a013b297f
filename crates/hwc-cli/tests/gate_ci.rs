//! `codearts-check gate` where CI lives, against the simulator: the service's own verdict in
//! both spellings, every task of a project, waiting for a running scan to succeed or fail, and
//! the reports: JUnit read by a real JUnit reader (`junitparser` from PyPI), SARIF valid against
//! the SARIF 2.1.0 schema, and a GitHub job summary with annotations.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hwc_sim::{CLEAN_TASK, DEMO_PROJECT, DEMO_TASK, ScanOutcome, Simulator, VerdictSpelling};

/// `codearts-check gate` against `sim` with `args`: exit code, stdout, stderr.
async fn gate(
    sim: &Simulator,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Option<i32>, String, String) {
    let mut command = support::hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "iam-project")
        .args(["--endpoint", &sim.base_url(), "codearts-check", "gate"])
        .args(["--codearts-project", DEMO_PROJECT])
        .args(args);
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

async fn simulator(spelling: VerdictSpelling) -> Simulator {
    Simulator::builder()
        .records(100)
        .verdict_spelling(spelling)
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_service_verdict_passes_and_fails_as_the_service_says_in_both_spellings() {
    for spelling in [VerdictSpelling::TrueFalse, VerdictSpelling::OneZero] {
        let sim = simulator(spelling).await;
        let (code, out, err) =
            gate(&sim, &["--task-id", CLEAN_TASK, "--service-verdict"], &[]).await;
        assert_eq!(code, Some(0), "{spelling:?}: {out}{err}");
        assert!(out.starts_with("PASS: the scan of clean-task"), "{out}");
        let (code, out, err) =
            gate(&sim, &["--task-id", DEMO_TASK, "--service-verdict"], &[]).await;
        assert_eq!(code, Some(4), "{spelling:?}: {out}{err}");
        assert!(out.contains("FAIL") && out.contains("service"), "{out}");
        // With thresholds the clean task meets, the service's verdict still decides.
        let (code, out, _) = gate(
            &sim,
            &[
                "--task-id",
                CLEAN_TASK,
                "--service-verdict",
                "--max-critical",
                "0",
            ],
            &[],
        )
        .await;
        assert_eq!(code, Some(0), "{out}");
        assert!(out.contains("meets all 2 checks"), "{out}");
        sim.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn all_tasks_judges_every_task_and_fails_when_one_fails() {
    let sim = simulator(VerdictSpelling::TrueFalse).await;
    let (code, out, err) = gate(
        &sim,
        &["--all-tasks", "--service-verdict", "-o", "jsonl"],
        &[],
    )
    .await;
    assert_eq!(code, Some(4), "{out}{err}");
    let expected: Vec<String> = sim
        .data()
        .codearts
        .tasks_of(DEMO_PROJECT)
        .into_iter()
        .map(|task| task.task_id)
        .collect();
    let verdicts: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&out)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let judged: Vec<&str> = verdicts
        .iter()
        .map(|verdict| verdict["task_id"].as_str().unwrap())
        .collect();
    assert_eq!(judged, expected);
    let passed: Vec<bool> = verdicts
        .iter()
        .map(|verdict| verdict["passed"].as_bool().unwrap())
        .collect();
    assert!(passed.contains(&true) && passed.contains(&false), "{out}");
    // With -o json: one document of every verdict; -o jsonl: one line each.
    let (code, out, _) = gate(
        &sim,
        &["--all-tasks", "--service-verdict", "-o", "json"],
        &[],
    )
    .await;
    assert_eq!(code, Some(4));
    let document: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(document["passed"], false);
    assert_eq!(
        document["verdicts"].as_array().unwrap().len(),
        expected.len()
    );
    let (_, out, _) = gate(
        &sim,
        &["--all-tasks", "--service-verdict", "-o", "jsonl"],
        &[],
    )
    .await;
    assert_eq!(out.lines().count(), expected.len(), "{out}");
    // Without --task-id nor --all-tasks: a usage error, nothing sent.
    let (code, _, err) = gate(&sim, &["--service-verdict"], &[]).await;
    assert_eq!(code, Some(2), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_follows_a_scan_to_its_end_and_a_failed_scan_fails_the_gate() {
    let sim = simulator(VerdictSpelling::TrueFalse).await;
    sim.start_scan(CLEAN_TASK, 3, ScanOutcome::Succeeded);
    let (code, out, err) = gate(
        &sim,
        &["--task-id", CLEAN_TASK, "--service-verdict", "--wait", "1m"],
        &[],
    )
    .await;
    assert_eq!(code, Some(0), "{out}{err}");
    let progress = hwc::codearts_check::SHOW_PROGRESS_DETAIL;
    assert_eq!(
        sim.operation_requests(progress).0,
        4,
        "three running, one done"
    );

    for (outcome, words) in [
        (ScanOutcome::Failed, "failed"),
        (ScanOutcome::Stopped, "was stopped"),
    ] {
        sim.start_scan(CLEAN_TASK, 1, outcome);
        let (code, out, err) = gate(
            &sim,
            &["--task-id", CLEAN_TASK, "--service-verdict", "--wait", "1m"],
            &[],
        )
        .await;
        assert_eq!(code, Some(4), "{out}{err}");
        assert!(out.contains(words), "{out}");
    }
    // Still running when the wait is over: fails closed.
    sim.start_scan(CLEAN_TASK, 1_000, ScanOutcome::Succeeded);
    let (code, out, _) = gate(
        &sim,
        &["--task-id", CLEAN_TASK, "--service-verdict", "--wait", "1s"],
        &[],
    )
    .await;
    assert_eq!(code, Some(4), "{out}");
    assert!(out.contains("still running"), "{out}");
}

/// A virtual environment with `junitparser`, made once.
fn python() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("junit-reader");
        let python = venv.join("bin/python");
        if !venv.join("installed").exists() {
            let status = std::process::Command::new("python3")
                .args(["-m", "venv", "--clear"])
                .arg(&venv)
                .status()
                .unwrap();
            assert!(status.success(), "python3 -m venv");
            let status = std::process::Command::new(venv.join("bin/pip"))
                .args([
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "junitparser==3.2.0",
                ])
                .status()
                .unwrap();
            assert!(status.success(), "pip install junitparser");
            std::fs::write(venv.join("installed"), "").unwrap();
        }
        python
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn reports_are_what_junit_readers_sarif_and_github_expect() {
    let sim = simulator(VerdictSpelling::TrueFalse).await;
    let dir = tempfile::tempdir().unwrap();
    let (junit, sarif, summary) = (
        dir.path().join("gate.xml"),
        dir.path().join("issues.sarif"),
        dir.path().join("summary.md"),
    );
    let (code, out, err) = gate(
        &sim,
        &[
            "--all-tasks",
            "--service-verdict",
            "--max-critical",
            "0",
            "--junit",
            junit.to_str().unwrap(),
            "--sarif",
            sarif.to_str().unwrap(),
            "--github",
        ],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(code, Some(4), "{out}{err}");

    // JUnit, read by junitparser: a suite per task, a case per check, failures where they fail.
    let script = r#"
import json, sys
from junitparser import JUnitXml, Failure
xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    cases = [(case.name, any(isinstance(r, Failure) for r in case.result)) for case in suite]
    suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "cases": cases})
print(json.dumps(suites))
"#;
    let output = std::process::Command::new(python())
        .args(["-c", script])
        .arg(&junit)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let suites: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let tasks = sim.data().codearts.tasks_of(DEMO_PROJECT);
    assert_eq!(suites.as_array().unwrap().len(), tasks.len());
    for (suite, task) in suites.as_array().unwrap().iter().zip(&tasks) {
        assert_eq!(
            suite["name"],
            format!("codearts-check gate {}", task.task_id)
        );
        assert_eq!(suite["tests"], 2, "{suite}");
        let counts = sim
            .data()
            .codearts
            .latest_scan(&task.task_id)
            .unwrap()
            .counts;
        let expected_failures =
            u64::from(counts[0] > 0) + u64::from(counts[0] > 0 || counts[1] > 0);
        assert_eq!(suite["failures"], expected_failures, "{suite}");
    }

    // SARIF: valid against the 2.1.0 schema, every pending issue of every task once.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::new(&schema).unwrap();
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let runs = document["runs"].as_array().unwrap();
    assert_eq!(runs.len(), tasks.len());
    for (run, task) in runs.iter().zip(&tasks) {
        let counts = sim
            .data()
            .codearts
            .latest_scan(&task.task_id)
            .unwrap()
            .counts;
        let results = run["results"].as_array().unwrap();
        assert_eq!(
            results.len() as u32,
            counts.iter().sum::<u32>(),
            "{}",
            task.task_id
        );
        for result in results {
            let location = &result["locations"][0]["physicalLocation"];
            assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
            assert!(result["partialFingerprints"]["issueKey/v1"].is_string());
            let rule = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(run["tool"]["driver"]["rules"][rule]["id"], result["ruleId"]);
        }
        let errors = results.iter().filter(|r| r["level"] == "error").count() as u32;
        assert_eq!(errors, counts[0] + counts[1]);
    }

    // GitHub: the summary appended, an annotation per failed check on stderr.
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(markdown.contains("### CodeArts Check gate") && markdown.contains("❌ fail"));
    assert!(
        err.lines()
            .any(|line| line.starts_with("::error title=CodeArts Check gate%3A demo-task::")),
        "{err}"
    );
}
