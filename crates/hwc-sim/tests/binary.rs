//! The `hwc-sim` binary: flags, what it prints, serving, and a clean stop on Ctrl-C (SIGINT).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn help_lists_the_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_hwc-sim"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--listen",
        "--records",
        "--seed",
        "--ak",
        "--sk",
        "--token",
        "--fault-rate",
        "--fault-kinds",
        "--fault-script",
        "--clock-offset-secs",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn bad_flags_are_refused_with_a_reason() {
    let out = Command::new(env!("CARGO_BIN_EXE_hwc-sim"))
        .args(["--listen", "127.0.0.1:0", "--fault-kinds", "teapot"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown fault \"teapot\""));
    let out = Command::new(env!("CARGO_BIN_EXE_hwc-sim"))
        .args(["--listen", "127.0.0.1:0", "--ak", "A"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--sk"));
}

#[tokio::test]
async fn it_serves_what_it_prints_and_stops_cleanly_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hwc-sim"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--records",
            "1000",
            "--ak",
            "MYAK",
            "--sk",
            "MYSK",
            "--token",
            "t1",
            "--token",
            "t2",
            "--fault-script",
            "hss:503",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("it prints its address").unwrap();
        if let Some(url) = line.strip_prefix("hwc-sim listening on ") {
            break url.to_owned();
        }
    };
    let printed: Vec<String> = lines.by_ref().take(9).map(Result::unwrap).collect();
    let printed = printed.join("\n");
    assert!(
        printed.contains("HUAWEICLOUD_SDK_AK=MYAK HUAWEICLOUD_SDK_SK=MYSK"),
        "{printed}"
    );
    assert!(printed.contains("X-Auth-Token: t1") && printed.contains("X-Auth-Token: t2"));
    assert!(printed.contains("curl"));

    let hss = format!(
        "{url}/v5/p/image/vulnerability/handle-history?vul_id=CVE-2021-44228&image_type=registry"
    );
    let client = reqwest::Client::new();
    let first = client
        .get(&hss)
        .header("x-auth-token", "t2")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 503, "the scripted fault");
    let second = client
        .get(&hss)
        .header("x-auth-token", "t2")
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
    let demo = client
        .get(&hss)
        .header("x-auth-token", hwc_sim::DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(
        demo.status(),
        401,
        "the demo token is off once tokens are given"
    );

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut waited = Duration::ZERO;
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(waited < Duration::from_secs(10), "it did not stop");
        std::thread::sleep(Duration::from_millis(50));
        waited += Duration::from_millis(50);
    };
    assert!(exit.success(), "{exit:?}");
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert!(rest.iter().any(|l| l == "stopping..."), "{rest:?}");
    let mut log = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut log).unwrap();
    assert!(
        log.contains("status=503") && log.contains("request_id="),
        "one log line per request: {log}"
    );
}
