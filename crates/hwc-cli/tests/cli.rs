//! The `hwc` binary against the simulator: every output format, `--all` completeness, the trend
//! chart, error lines and exit codes, `--help`, completions, and the demo with nothing configured.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use assert_cmd::Command;
use hwc_sim::{Api, Fault, Simulator};

const VUL: [&str; 5] = [
    "hss",
    "vul-history",
    "--vul-id",
    "CVE-2021-44228",
    "--image-type",
];

/// `hwc` with nothing of the developer's environment: an empty home, no SDK variables.
fn hwc() -> Command {
    let mut command = Command::cargo_bin("hwc").unwrap();
    command
        .env_clear()
        .env("HOME", "/nonexistent-home")
        // No metadata service: a port nothing listens on (this machine may have one).
        .env("HWC_METADATA_ENDPOINT", "http://127.0.0.1:1")
        .env("COLUMNS", "160")
        .env("NO_COLOR", "1");
    command
}

fn stdout(args: &[&str]) -> String {
    let output = hwc().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_output_format_of_one_page() {
    for format in ["table", "json", "jsonl", "csv"] {
        let mut args = vec!["--sim", "--output", format];
        args.extend(VUL);
        args.extend([
            "registry",
            "--status",
            "vul_status_ignored",
            "--limit",
            "10",
        ]);
        insta::assert_snapshot!(format!("hss_page_{format}"), stdout(&args));
    }
    let checks = stdout(&[
        "--sim",
        "-o",
        "csv",
        "codearts-check",
        "records",
        "--codearts-project",
        "0123456789abcdef0123456789abcdef",
        "--task-id",
        "demo-task",
        "--limit",
        "5",
    ]);
    insta::assert_snapshot!("codearts_page_csv", checks);
}

#[test]
fn csv_reads_back_as_the_same_records_as_jsonl() {
    let query = [
        "--sim",
        "hss",
        "vul-history",
        "--vul-id",
        "CVE-2021-44228",
        "--image-type",
        "registry",
        "--limit",
        "200",
    ];
    let csv = stdout(&[&["-o", "csv"][..], &query[..]].concat());
    let jsonl = stdout(&[&["-o", "jsonl"][..], &query[..]].concat());
    let records: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 200);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[..3], ["handle_time", "handle_type", "status"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), records.len());
    // Every text field survives the round trip through CSV, whatever characters it holds.
    for (row, record) in rows.iter().zip(&records) {
        for (index, column) in header.iter().enumerate().skip(1) {
            let expected = match &record[column] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            assert_eq!(&row[index], expected, "{column}");
        }
    }
}

#[test]
fn all_with_jsonl_returns_exactly_total_records() {
    let mut one = vec!["--sim", "-o", "json"];
    one.extend(VUL);
    one.extend(["local_image", "--enterprise-project-id", "all_granted_eps"]);
    let page: serde_json::Value = serde_json::from_str(&stdout(&one)).unwrap();
    let total = page["total"].as_u64().unwrap();
    assert!(total > 400);

    let mut all = vec!["--sim", "-o", "jsonl", "--concurrency", "3"];
    all.extend(VUL);
    all.extend([
        "local_image",
        "--enterprise-project-id",
        "all_granted_eps",
        "--all",
    ]);
    let lines = stdout(&all);
    assert_eq!(lines.lines().count() as u64, total);
    // Exactly as many records as announced, each once (every simulated record differs).
    let distinct: std::collections::HashSet<&str> = lines.lines().collect();
    assert_eq!(distinct.len() as u64, total, "no record twice");

    let scans = stdout(&[
        "--sim",
        "-o",
        "jsonl",
        "codearts-check",
        "records",
        "--codearts-project",
        "0123456789abcdef0123456789abcdef",
        "--task-id",
        "demo-task",
        "--all",
    ]);
    assert_eq!(scans.lines().count(), 2_000);
}

#[test]
fn the_trend_chart_holds_one_series_per_severity() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("trend.svg");
    let summary = stdout(&[
        "--sim",
        "codearts-check",
        "trend",
        "--codearts-project",
        "0123456789abcdef0123456789abcdef",
        "--task-id",
        "demo-task",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(
        summary.starts_with("2000 scans of task demo-task\nlast scan "),
        "{summary}"
    );
    for severity in ["critical", "serious", "normal", "prompt"] {
        assert!(summary.contains(severity), "{summary}");
    }
    let drawing = std::fs::read_to_string(&svg).unwrap();
    assert!(drawing.starts_with("<svg"));
    // One filled area per severity, each in its own colour, and a legend entry for each.
    for colour in ["#C00000", "#ED7D31", "#FFC000", "#5B9BD5"] {
        let areas = drawing
            .matches(&format!("<polygon opacity=\"0.85\" fill=\"{colour}\""))
            .count();
        assert_eq!(areas, 1, "{colour}");
    }
    for severity in ["critical", "serious", "normal", "prompt"] {
        let label = format!(">\n{severity}\n</text>");
        assert_eq!(
            drawing.matches(&label).count(),
            1,
            "legend entry for {severity}"
        );
    }
}

#[test]
fn usage_and_validation_errors_exit_2_before_any_request() {
    let mut too_small = vec!["--sim"];
    too_small.extend(VUL);
    too_small.extend(["registry", "--limit", "5"]);
    let output = hwc().args(&too_small).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("error_validation", String::from_utf8_lossy(&output.stderr));

    let mut bad_enum = VUL.to_vec();
    bad_enum.push("docker");
    let output = hwc().args(&bad_enum).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("possible values: local, registry"));

    let mut region = vec!["--region", "mars-north-1"];
    region.extend(VUL);
    region.push("registry");
    let output = hwc().args(&region).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("error_region", String::from_utf8_lossy(&output.stderr));

    let mut no_credentials = vec!["--region", "cn-north-4"];
    no_credentials.extend(VUL);
    no_credentials.push("registry");
    let started = std::time::Instant::now();
    let output = hwc().args(&no_credentials).output().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(
        "error_no_credentials",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `hwc` against a simulator the test controls, with the demo AK/SK in the environment.
async fn against(sim: &Simulator, args: &[&str]) -> std::process::Output {
    let mut command = hwc();
    command
        .env("HUAWEICLOUD_SDK_AK", hwc_sim::DEMO_AK)
        .env("HUAWEICLOUD_SDK_SK", hwc_sim::DEMO_SK)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url()])
        .args(args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn api_errors_are_one_line_with_status_code_message_request_id_and_a_hint() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let mut args = vec!["--retries", "0"];
    args.extend(VUL);
    args.push("registry");

    sim.script(Api::Hss, [Fault::Throttle { retry_after: None }]);
    let output = against(&sim, &args).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].starts_with("hwc: error: ListGeneralImageVulOperations: HTTP 429 APIGW.0308: The throttling threshold"), "{stderr}");
    assert!(lines[0].contains("(request id "), "{stderr}");
    assert_eq!(
        lines[1],
        "hint: throttled: lower --concurrency or try again later"
    );

    let wrong = {
        let mut command = hwc();
        command
            .env("HUAWEICLOUD_SDK_AK", hwc_sim::DEMO_AK)
            .env("HUAWEICLOUD_SDK_SK", "wrong-sk-never-shown")
            .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
            .args(["--endpoint", &sim.base_url()])
            .args(&args);
        tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap()
    };
    assert_eq!(wrong.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        stderr.contains("HTTP 401 APIGW.0301") && stderr.contains("hint: check HUAWEICLOUD_SDK_AK"),
        "{stderr}"
    );
    assert!(!stderr.contains("never-shown"), "{stderr}");

    // Transient faults are retried by default.
    sim.script(Api::Hss, [Fault::ServerError(503)]);
    let output = against(
        &sim,
        &VUL.iter().copied().chain(["registry"]).collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn help_and_completions() {
    insta::assert_snapshot!("help", stdout(&["--help"]));
    insta::assert_snapshot!(
        "help_vul_history",
        stdout(&["hss", "vul-history", "--help"])
    );
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&["completions", shell]);
        assert!(
            script.contains("vul-history") && script.contains("codearts-check"),
            "{shell}"
        );
    }
}

#[test]
fn the_demo_works_with_nothing_configured() {
    let dir = tempfile::tempdir().unwrap();
    let output = hwc().current_dir(dir.path()).arg("demo").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    for step in [
        "1. One page",
        "2. Every record",
        "3. The scan history",
        "chart written to hwc-demo-trend.svg",
    ] {
        assert!(text.contains(step), "{step}: {text}");
    }
    assert!(dir.path().join("hwc-demo-trend.svg").exists());
}

#[test]
fn the_trend_chart_can_be_a_png() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("trend.png");
    stdout(&[
        "--sim",
        "codearts-check",
        "trend",
        "--codearts-project",
        "0123456789abcdef0123456789abcdef",
        "--task-id",
        "demo-task",
        "--png",
        png.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1100, 520));
    let both = hwc()
        .args([
            "--sim",
            "codearts-check",
            "trend",
            "--codearts-project",
            "p",
            "--task-id",
            "t",
            "--svg",
            "a.svg",
            "--png",
            "b.png",
        ])
        .output()
        .unwrap();
    assert_eq!(
        both.status.code(),
        Some(2),
        "--svg and --png exclude each other"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_during_all_leaves_only_complete_lines() {
    use std::io::{BufRead, BufReader, Read};
    let sim = Simulator::builder()
        .records(20_000)
        .token("tok")
        .start()
        .await
        .unwrap();
    // The first page comes at once; the next ones hang long enough to be interrupted.
    sim.script(Api::Hss, [Fault::Slow(std::time::Duration::ZERO)]);
    sim.script(
        Api::Hss,
        std::iter::repeat_n(Fault::Slow(std::time::Duration::from_secs(30)), 8),
    );
    let binary = assert_cmd::cargo::cargo_bin("hwc");
    let mut child = std::process::Command::new(binary)
        .env_clear()
        .env("HOME", "/nonexistent-home")
        .env("HWC_IAM_TOKEN", "tok")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args([
            "--endpoint",
            &sim.base_url(),
            "--concurrency",
            "1",
            "-o",
            "jsonl",
        ])
        .args(VUL)
        .args([
            "registry",
            "--enterprise-project-id",
            "all_granted_eps",
            "--all",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read stdout continuously on a thread, so the child never blocks on a full pipe.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (first_line, first_seen) = std::sync::mpsc::channel::<()>();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        let mut line = String::new();
        while out.read_line(&mut line).unwrap() > 0 {
            all.push_str(&line);
            line.clear();
            let _ = first_line.send(());
        }
        all
    });
    tokio::task::block_in_place(|| {
        first_seen
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap()
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = tokio::task::block_in_place(|| child.wait().unwrap());
    assert_eq!(status.code(), Some(130));
    let all = reader.join().unwrap();
    assert!(all.ends_with('\n'));
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 200, "exactly the first page, whole");
    for line in lines {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("interrupted"), "{stderr}");
    // Exactly the first page (200 records) was printed: the command to go on starts after it.
    assert!(
        stderr.contains("hwc: to go on from here: hwc ") && stderr.contains("--offset 200"),
        "{stderr}"
    );
}

#[test]
fn broken_configuration_files_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials");
    std::fs::write(&credentials, "[basic\nak = a\n").unwrap();
    let regions = dir.path().join("regions.yaml");
    std::fs::write(&regions, "HSS: [not: valid").unwrap();
    let mut args = vec!["--region", "cn-north-4"];
    args.extend(VUL);
    args.push("registry");

    let output = hwc()
        .env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &credentials)
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(credentials.to_str().unwrap()), "{stderr}");

    let output = hwc()
        .env("HUAWEICLOUD_SDK_REGIONS_FILE", &regions)
        .env("HUAWEICLOUD_SDK_AK", "ak")
        .env("HUAWEICLOUD_SDK_SK", "sk")
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("regions.yaml"), "{stderr}");

    let output = hwc()
        .env("HUAWEICLOUD_SDK_AK", "a k")
        .env("HUAWEICLOUD_SDK_SK", "secret-value")
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("access key") && !stderr.contains("secret-value"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_broken_credentials_file_is_not_read_when_a_token_is_given() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("credentials");
    std::fs::write(&credentials, "[basic\nak = a\n").unwrap();
    let mut command = hwc();
    command
        .env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", &credentials)
        .env("HWC_IAM_TOKEN", hwc_sim::DEMO_TOKEN)
        .args(["--endpoint", &sim.base_url(), "-o", "json"])
        .args(["codearts-check", "records", "--codearts-project"])
        .args(["0123456789abcdef0123456789abcdef", "--task-id", "demo-task"]);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn narrow_tables_wrap_between_words_and_shorten_image_names() {
    for columns in ["80", "120"] {
        let mut args = vec!["--sim", "-o", "table"];
        args.extend(VUL);
        args.extend([
            "registry",
            "--status",
            "vul_status_ignored",
            "--limit",
            "10",
        ]);
        let output = hwc().env("COLUMNS", columns).args(&args).output().unwrap();
        assert!(output.status.success());
        let table = String::from_utf8(output.stdout).unwrap();
        assert_eq!(
            table.matches("vul_status_ignored").count(),
            10,
            "COLUMNS={columns}: every status whole:\n{table}"
        );
        assert!(table.contains("…"), "long image names are shortened");
        assert!(
            table
                .lines()
                .all(|line| !line.contains("myhuaweicloud.com/team") || line.contains('…')),
            "{table}"
        );
    }
}
