//! `--state`/`--append` hold under what scheduled jobs meet: overlapping runs, a kill -9 at any
//! step of the commit, a directory that cannot be written, a full disk, links planted at the
//! names the run writes, SIGTERM, a record dated 2099 and a state reused for another query.
//! After each, every record of the simulator reaches the export file exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hwc_sim::{Api, Simulator};
use support::{hwc_with_demo_keys, run};

const QUERY: [&str; 8] = support::DEMO_HSS;

/// A state file and an export file in a directory of their own.
struct Files {
    dir: tempfile::TempDir,
    state: PathBuf,
    out: PathBuf,
}

impl Files {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (state, out) = (dir.path().join("state.json"), dir.path().join("siem.jsonl"));
        Self { dir, state, out }
    }

    fn lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The names in the directory.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// The arguments of the export (`--state` and `--append`, jsonl) of the demo query.
fn export_args(sim: &Simulator, files: &Files, extra: &[&str]) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = ["--endpoint", &sim.base_url(), "-o", "jsonl"]
        .iter()
        .chain(QUERY.iter())
        .map(Into::into)
        .collect();
    args.extend([
        "--state".into(),
        files.state.clone().into_os_string(),
        "--append".into(),
        files.out.clone().into_os_string(),
    ]);
    args.extend(extra.iter().map(Into::into));
    args
}

/// The export command of the demo query against `sim`.
fn export_command(sim: &Simulator, files: &Files, extra: &[&str]) -> assert_cmd::Command {
    assert_cmd::Command::from_std(support::hwc_process(export_args(sim, files, extra)))
}

async fn export(sim: &Simulator, files: &Files, extra: &[&str]) -> std::process::Output {
    run(export_command(sim, files, extra)).await
}

/// Every record of the demo query, paged afresh.
async fn whole(sim: &Simulator) -> HashSet<String> {
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url(), "-o", "jsonl"])
        .args(QUERY)
        .arg("--all");
    let output = run(command).await;
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The export file holds every record of the simulator exactly once.
async fn assert_exactly_once(sim: &Simulator, files: &Files, context: &str) {
    let lines = files.lines();
    let distinct: HashSet<String> = lines.iter().cloned().collect();
    assert_eq!(distinct.len(), lines.len(), "{context}: a record twice");
    assert_eq!(distinct, whole(sim).await, "{context}: not every record");
}

/// The CSV export file holds one header and every record of the simulator exactly once (the
/// same records `-o csv --all` prints).
async fn assert_csv_exactly_once(sim: &Simulator, files: &Files, context: &str) {
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url(), "-o", "csv"])
        .args(QUERY)
        .arg("--all");
    let output = run(command).await;
    let whole = String::from_utf8(output.stdout).unwrap();
    let mut expected: Vec<&str> = whole.lines().collect();
    let lines = files.lines();
    assert_eq!(
        lines.first().map(String::as_str),
        expected.first().copied(),
        "{context}: header"
    );
    let header = expected.remove(0);
    assert_eq!(
        lines.iter().filter(|line| *line == header).count(),
        1,
        "{context}: one header"
    );
    let mut got: Vec<&str> = lines.iter().skip(1).map(String::as_str).collect();
    got.sort_unstable();
    expected.sort_unstable();
    assert_eq!(got, expected, "{context}: every record once");
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn overlapping_runs_never_interleave_and_waiting_runs_lose_nothing() {
    let sim = Simulator::builder()
        .records(8_000)
        .latency(hwc_sim::Latency {
            base: Duration::from_millis(30),
            jitter: Duration::ZERO,
        })
        .start()
        .await
        .unwrap();
    // About 50 pages one after the other: 1.6 s a run.
    let slow = ["--limit", "10", "--concurrency", "1"];
    for offset_ms in [0, 150, 600] {
        let files = Files::new();
        // Without --wait-lock the second run is refused at once, naming the lock and the pid.
        // (Records are added between runs: paging fails when the total moves under it.)
        sim.add_hss_records(3);
        let first = tokio::task::spawn_blocking({
            let mut command = export_command(&sim, &files, &slow);
            move || command.output().unwrap()
        });
        tokio::time::sleep(Duration::from_millis(offset_ms)).await;
        let second = export(&sim, &files, &slow).await;
        let first = first.await.unwrap();
        // Started together, either may be the one that gets the lock; once one holds it, the
        // other is refused naming it, and its pid once it has been written.
        let (done, refused) = match (first.status.code(), second.status.code()) {
            (Some(0), Some(1)) => (first, second),
            (Some(1), Some(0)) if offset_ms == 0 => (second, first),
            _ => panic!("{}\n{}", stderr(&first), stderr(&second)),
        };
        assert!(done.stdout.is_empty());
        let message = stderr(&refused);
        assert!(message.contains("state.json.lock is locked"), "{message}");
        assert!(offset_ms == 0 || message.contains("(pid "), "{message}");
        // The next run exports what the refused one would have.
        assert!(export(&sim, &files, &[]).await.status.success());
        assert_exactly_once(&sim, &files, &format!("refused at {offset_ms} ms")).await;

        // With --wait-lock both complete, one after the other.
        sim.add_hss_records(5);
        let first = tokio::task::spawn_blocking({
            let mut command =
                export_command(&sim, &files, &[&slow[..], &["--wait-lock", "60s"]].concat());
            move || command.output().unwrap()
        });
        tokio::time::sleep(Duration::from_millis(offset_ms)).await;
        let second = export(&sim, &files, &["--wait-lock", "60s"]).await;
        let first = first.await.unwrap();
        assert!(first.status.success(), "{}", stderr(&first));
        assert!(second.status.success(), "{}", stderr(&second));
        assert_exactly_once(&sim, &files, &format!("waited at {offset_ms} ms")).await;
        assert!(
            files.names().iter().all(|name| !name.ends_with(".hwc-tmp")),
            "{:?}",
            files.names()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_at_any_step_of_the_commit_loses_and_repeats_nothing() {
    let sim = Simulator::builder().records(3_000).start().await.unwrap();
    let steps = [
        "output-written",
        "journal-saved",
        "half-appended",
        "appended",
        "state-saved",
    ];
    // CSV too: its header is left out of an append to a file that has lines.
    for (step, format) in steps
        .iter()
        .map(|step| (*step, "jsonl"))
        .chain(steps.iter().map(|step| (*step, "csv")))
    {
        let files = Files::new();
        let step_context = format!("{step} ({format})");
        let step = step_context.as_str();
        let as_format = ["-o", format];
        assert!(export(&sim, &files, &as_format).await.status.success());
        sim.add_hss_records(11);
        let mut killed = export_command(&sim, &files, &as_format);
        killed.env("HWC_TEST_KILL_AT", step_context.split(' ').next().unwrap());
        let killed = run(killed).await;
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&killed.status),
            Some(9),
            "{step}: {}",
            stderr(&killed)
        );
        // More records handled before the next run.
        sim.add_hss_records(2);
        let next = export(&sim, &files, &as_format).await;
        assert!(next.status.success(), "{step}: {}", stderr(&next));
        if format == "csv" {
            assert_csv_exactly_once(&sim, &files, step).await;
        } else {
            assert_exactly_once(&sim, &files, step).await;
        }
        let names = files.names();
        assert_eq!(
            names,
            [
                "siem.jsonl",
                "siem.jsonl.lock",
                "state.json",
                "state.json.lock"
            ],
            "{step}: nothing left behind"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_state_that_cannot_be_written_stops_the_run_before_it_sends_anything() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let files = Files::new();
    let missing = Files {
        state: files.dir.path().join("no-such-dir/state.json"),
        out: files.out.clone(),
        dir: tempfile::tempdir().unwrap(),
    };
    let before = sim.requests(Api::Hss);
    let refused = export(&sim, &missing, &[]).await;
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("no-such-dir"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(sim.requests(Api::Hss), before, "nothing was asked");
    assert!(files.lines().is_empty(), "nothing was appended");

    // A read-only directory, for a user that is not root (root writes anywhere).
    let readonly = Files::new();
    std::fs::set_permissions(readonly.dir.path(), std::fs::Permissions::from_mode(0o500)).unwrap();
    let probe = std::fs::File::create(readonly.dir.path().join("probe"));
    if probe.is_err() {
        let refused = export(&sim, &readonly, &[]).await;
        assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    }
    std::fs::set_permissions(readonly.dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_appends_nothing_and_the_next_run_appends_it_once() {
    let sim = Simulator::builder().records(3_000).start().await.unwrap();
    let files = Files::new();
    assert!(export(&sim, &files, &[]).await.status.success());
    let size = std::fs::metadata(&files.out).unwrap().len();
    let state_before = std::fs::read(&files.state).unwrap();
    sim.add_hss_records(40);
    // No file of this run may grow past the export's size plus 2 KiB: the new records fit in
    // the run's own file, not in the export (EFBIG, as ENOSPC would be on a full disk).
    let blocks = size / 1024 + 2;
    let hwc = assert_cmd::cargo::cargo_bin("hwc");
    let limited = support::hwc_process(export_args(&sim, &files, &[]));
    let args: Vec<std::ffi::OsString> = limited.get_args().map(Into::into).collect();
    let mut limited = std::process::Command::new("bash");
    limited
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""
        ))
        .arg(&hwc)
        .args(args)
        .env_clear()
        .env("HOME", "/nonexistent-home")
        .env("HUAWEICLOUD_SDK_AK", hwc_sim::DEMO_AK)
        .env("HUAWEICLOUD_SDK_SK", hwc_sim::DEMO_SK)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p");
    let full = tokio::task::spawn_blocking(move || limited.output().unwrap())
        .await
        .unwrap();
    assert_eq!(full.status.code(), Some(3), "{}", stderr(&full));
    assert!(stderr(&full).contains("siem.jsonl"), "{}", stderr(&full));
    assert_eq!(
        std::fs::metadata(&files.out).unwrap().len(),
        size,
        "cut back"
    );
    assert_eq!(
        std::fs::read(&files.state).unwrap(),
        state_before,
        "state unmoved"
    );
    assert!(files.names().iter().all(|n| !n.ends_with(".hwc-tmp")));

    assert!(export(&sim, &files, &[]).await.status.success());
    assert_exactly_once(&sim, &files, "after the full disk").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn links_planted_at_the_names_a_run_writes_are_never_followed() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    for planted in [
        // The old fixed names, and every fixed name a run opens now.
        "siem.jsonl.partial",
        "state.json.tmp",
        "siem.jsonl.pending",
        "state.json.lock",
        "siem.jsonl.lock",
        "siem.jsonl",
        "state.json",
    ] {
        let files = Files::new();
        let victim = files.dir.path().join("victim");
        std::fs::write(&victim, "precious\n").unwrap();
        std::os::unix::fs::symlink(&victim, files.dir.path().join(planted)).unwrap();
        let output = export(&sim, &files, &[]).await;
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "precious\n",
            "{planted}: {}",
            stderr(&output)
        );
        if !output.status.success() {
            assert!(
                stderr(&output).contains("symbolic link"),
                "{planted}: {}",
                stderr(&output)
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn permissions_are_kept_and_new_files_are_private() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let files = Files::new();
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert!(export(&sim, &files, &[]).await.status.success());
    assert_eq!(mode(&files.state), 0o600);
    assert_eq!(mode(&files.out), 0o600);
    std::fs::set_permissions(&files.state, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::set_permissions(&files.out, std::fs::Permissions::from_mode(0o644)).unwrap();
    sim.add_hss_records(3);
    assert!(export(&sim, &files, &[]).await.status.success());
    assert_eq!(mode(&files.state), 0o640, "the state keeps its mode");
    assert_eq!(mode(&files.out), 0o644, "the export keeps its mode");
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_a_run_like_ctrl_c_and_leaves_nothing_behind() {
    let sim = Simulator::builder()
        .records(3_000)
        .latency(hwc_sim::Latency {
            base: Duration::from_millis(50),
            jitter: Duration::ZERO,
        })
        .start()
        .await
        .unwrap();
    let files = Files::new();
    for signal in [
        nix::sys::signal::Signal::SIGTERM,
        nix::sys::signal::Signal::SIGHUP,
    ] {
        let mut command = support::hwc_process(export_args(
            &sim,
            &files,
            &["--limit", "10", "--concurrency", "1"],
        ));
        let child = command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(800)).await;
        let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
        nix::sys::signal::kill(pid, signal).unwrap();
        let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(130),
            "{signal}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("interrupted"),
            "{}",
            stderr(&output)
        );
        assert!(files.lines().is_empty(), "{signal}: nothing appended");
        assert_eq!(
            files.names(),
            ["siem.jsonl", "siem.jsonl.lock", "state.json.lock"],
            "{signal}: no temporary file left, no state"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_state_is_refused_for_another_query() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let files = Files::new();
    assert!(export(&sim, &files, &[]).await.status.success());
    let other = export(&sim, &files, &["--status", "vul_status_ignored"]).await;
    assert_eq!(other.status.code(), Some(2), "{}", stderr(&other));
    let message = stderr(&other);
    assert!(
        message.contains("belongs to another query")
            && message.contains("status=vul_status_ignored"),
        "{message}"
    );
}

/// An HSS API on loopback serving `records` (newest first), paged by offset and limit.
async fn hss_serving(records: std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>) -> String {
    support::serve(move |target| {
        let number = |name: &str, default: usize| {
            support::query_value(target, name)
                .and_then(|value| value.parse().ok())
                .unwrap_or(default)
        };
        let (offset, limit) = (number("offset", 0), number("limit", 10));
        let records = records.lock().unwrap();
        let page: Vec<_> = records.iter().skip(offset).take(limit).cloned().collect();
        let body = serde_json::json!({"total_num": records.len(), "data_list": page});
        (200, body.to_string())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_dated_2099_is_exported_once_and_does_not_freeze_the_export() {
    let at = |time: &str| time.parse::<jiff::Timestamp>().unwrap().as_millisecond();
    let record = |time: &str, user: &str| serde_json::json!({"handle_time": at(time), "user_name": user, "image_name": "nginx"});
    let records = std::sync::Arc::new(std::sync::Mutex::new(vec![
        record("2099-01-01T00:00:00Z", "from-the-future"),
        record("2026-11-02T00:00:00Z", "b"),
        record("2026-11-01T00:00:00Z", "a"),
    ]));
    let url = hss_serving(std::sync::Arc::clone(&records)).await;
    let files = Files::new();
    let export_to = |files: &Files| {
        let mut command = hwc_with_demo_keys();
        command
            .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
            .args(["--endpoint", &url, "-o", "jsonl"])
            .args(QUERY)
            .arg("--state")
            .arg(&files.state)
            .arg("--append")
            .arg(&files.out);
        command
    };
    let first = run(export_to(&files)).await;
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("in the future"),
        "{}",
        stderr(&first)
    );
    assert_eq!(files.lines().len(), 3);
    // Handled since: newer than the watermark, older than the 2099 record.
    records
        .lock()
        .unwrap()
        .insert(1, record("2026-11-03T00:00:00Z", "c"));
    let second = run(export_to(&files)).await;
    assert!(second.status.success(), "{}", stderr(&second));
    let users: Vec<String> = files
        .lines()
        .iter()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["user_name"].to_string()
        })
        .collect();
    assert_eq!(
        users,
        ["\"from-the-future\"", "\"b\"", "\"a\"", "\"c\""],
        "the new record comes, the 2099 one only once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_run_is_completed_by_the_next_whatever_its_working_directory() {
    let sim = Simulator::builder().records(3_000).start().await.unwrap();
    let files = Files::new();
    assert!(export(&sim, &files, &[]).await.status.success());
    sim.add_hss_records(5);
    for (step, at) in [("appended", "relative"), ("half-appended", "relative")] {
        // Killed with paths relative to the export's directory...
        let mut args: Vec<std::ffi::OsString> = ["--endpoint", &sim.base_url(), "-o", "jsonl"]
            .iter()
            .chain(QUERY.iter())
            .map(Into::into)
            .collect();
        args.extend(["--state", "state.json", "--append", "siem.jsonl"].map(Into::into));
        let mut killed = support::hwc_process(args);
        killed
            .current_dir(files.dir.path())
            .env("HWC_TEST_KILL_AT", step);
        let killed = tokio::task::spawn_blocking(move || killed.output().unwrap())
            .await
            .unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&killed.status),
            Some(9),
            "{step} {at}"
        );
        // ...and the next run, started elsewhere with absolute paths, completes or cuts back.
        sim.add_hss_records(1);
        let next = export(&sim, &files, &[]).await;
        assert!(next.status.success(), "{step}: {}", stderr(&next));
        assert_exactly_once(&sim, &files, step).await;
    }
}
