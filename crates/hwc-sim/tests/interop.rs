//! Interop with Huawei's own code, the proof that both sides are right:
//!
//! - the official Python signer signs the test vectors exactly as `hwc::Signer` does;
//! - the official Python SDK (`huaweicloudsdkhss`, `huaweicloudsdkcodecheck`) calls both
//!   operations against the simulator with AK/SK, pages through multi-page results, and is
//!   refused with 401 `APIGW.0301` when its SK is wrong;
//! - the current official CodeArts Check package (`huaweicloudsdkcodeartscheck`, which replaced
//!   `huaweicloudsdkcodecheck`) pages the demo task's whole history in each of the simulator's
//!   [`hwc_sim::CodeArtsPaging`] modes, reading `offset` as that mode does;
//! - schemathesis finds the simulator conforming to `spec/`.
//!
//! The packages are pinned in `tests/interop/requirements.txt` and installed from PyPI into a
//! virtual environment under the target directory, once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use hwc_signing::SigningAlgorithm;
use hwc_sim::Simulator;
use serde_json::Value;

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The virtual environment with the pinned packages, created on first use.
fn venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-interop");
        let requirements = std::fs::read_to_string(interop_dir().join("requirements.txt")).unwrap();
        // The venv's scripts name their interpreter by absolute path: a moved venv is rebuilt.
        let stamp = format!("{}\n{requirements}", venv.display());
        let marker = venv.join("installed-requirements.txt");
        if std::fs::read_to_string(&marker).ok().as_deref() == Some(stamp.as_str()) {
            return venv;
        }
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        run(
            std::process::Command::new(&python)
                .args(["-m", "venv", "--clear"])
                .arg(&venv),
            "create the venv",
        );
        run(
            std::process::Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
                .arg(interop_dir().join("requirements.txt")),
            "install the official SDK and schemathesis from PyPI",
        );
        std::fs::write(&marker, stamp).unwrap();
        venv
    })
}

fn run(command: &mut std::process::Command, what: &str) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot {what}: {e} (is python3 with venv installed?)"));
    assert!(
        output.status.success(),
        "cannot {what}:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

async fn python(script: &Path, env: &[(&str, String)]) -> Output {
    let venv = venv().to_owned();
    let mut command = tokio::process::Command::new(venv.join("bin/python"));
    command.arg(script);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().await.unwrap()
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn the_official_signer_agrees_with_the_committed_known_answers() {
    let data_dir = repo_root().join("crates/hwc-signing/tests/data");
    let output = python(&data_dir.join("official_signatures.py"), &[]).await;
    let fresh = stdout_json(&output);
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(data_dir.join("official-signatures.json")).unwrap(),
    )
    .unwrap();
    // crates/hwc-signing/tests/vectors.rs checks the Signer against the committed file.
    assert_eq!(
        fresh, committed,
        "the official signer now signs differently"
    );
}

#[tokio::test]
async fn the_official_sdk_pages_both_apis_with_every_signing_algorithm() {
    for (algorithm, sdk_name) in [
        (SigningAlgorithm::HmacSha256, "HMAC_SHA256"),
        (SigningAlgorithm::HmacSm3, "HMAC_SM3"),
        (SigningAlgorithm::EcdsaP256Sha256, "ECDSA_P256_SHA256"),
        (SigningAlgorithm::Sm2Sm3, "SM2_SM3"),
        (SigningAlgorithm::V11HmacSha256, "V11"),
    ] {
        // A gateway that takes this algorithm alone: what passes was signed with it.
        let sim = Simulator::builder()
            .records(4_000)
            .signing_algorithms(vec![algorithm])
            .start()
            .await
            .unwrap();
        let output = python(
            &interop_dir().join("official_sdk.py"),
            &[
                ("HWC_SIM_URL", sim.base_url()),
                ("HWC_SIM_AK", hwc_sim::DEMO_AK.to_owned()),
                ("HWC_SIM_SK", hwc_sim::DEMO_SK.to_owned()),
                ("HWC_SIM_SIGNING_ALGORITHM", sdk_name.to_owned()),
            ],
        )
        .await;
        let signed = &stdout_json(&output)["signed"];
        assert_eq!(
            signed["hss"]["records"], signed["hss"]["total"],
            "{algorithm}: {signed}"
        );
        assert!(signed["hss"]["total"].as_u64().unwrap() > 200, "{signed}");
        assert!(
            signed["codeartscheck"]["records"].as_u64().unwrap() > 0,
            "{signed}"
        );
        assert_eq!(sim.auth_rejections(), 0, "{algorithm}");
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn the_official_sdk_pages_both_operations_and_is_refused_with_a_wrong_sk() {
    // The retired huaweicloudsdkcodecheck package's loop pages by record offsets (0, 1000, ...),
    // as its 2024 documentation said `offset` counts.
    let sim = Simulator::builder()
        .records(4_000)
        .check_records(2_500)
        .codearts_paging(hwc_sim::CodeArtsPaging::Record)
        .start()
        .await
        .unwrap();
    let output = python(
        &interop_dir().join("official_sdk.py"),
        &[
            ("HWC_SIM_URL", sim.base_url()),
            ("HWC_SIM_AK", hwc_sim::DEMO_AK.to_owned()),
            ("HWC_SIM_SK", hwc_sim::DEMO_SK.to_owned()),
        ],
    )
    .await;
    let result = stdout_json(&output);

    let hss = &result["hss"];
    assert!(hss["pages"].as_u64().unwrap() >= 2, "{hss}");
    assert_eq!(hss["records"], hss["total"], "{hss}");
    assert_eq!(hss["distinct"], hss["total"], "no record twice: {hss}");
    assert!(
        hss["numeric_ids_seen"].as_u64().unwrap() > 0,
        "pages with numeric image_id decoded: {hss}"
    );
    assert_eq!(
        hss["statuses"],
        serde_json::json!(["vul_status_fixed", "vul_status_ignored", "vul_status_unfix"])
    );

    let codecheck = &result["codecheck"];
    assert_eq!(codecheck["pages"], 3, "{codecheck}");
    assert_eq!(codecheck["records"], codecheck["total"], "{codecheck}");
    assert!(codecheck["total"].as_u64().unwrap() > 1_000, "{codecheck}");

    let refused = &result["wrong_sk"];
    assert_eq!(refused["status"], 401, "{refused}");
    assert_eq!(refused["code"], "APIGW.0301", "{refused}");
    assert_eq!(
        refused["request_id"].as_str().unwrap().len(),
        32,
        "{refused}"
    );
}

#[tokio::test]
async fn the_current_official_codearts_check_sdk_pages_every_paging_mode() {
    let mut histories = Vec::new();
    for mode in hwc_sim::CodeArtsPaging::ALL {
        let name = mode.name();
        let sim = Simulator::builder()
            .records(2_000)
            .check_records(2_500)
            .codearts_paging(mode)
            .start()
            .await
            .unwrap();
        let output = python(
            &interop_dir().join("official_sdk.py"),
            &[
                ("HWC_SIM_URL", sim.base_url()),
                ("HWC_SIM_AK", hwc_sim::DEMO_AK.to_owned()),
                ("HWC_SIM_SK", hwc_sim::DEMO_SK.to_owned()),
                ("HWC_SIM_CODEARTS_PAGING", name.to_owned()),
                ("HWC_SIM_CODEARTS_LIMIT", "1000".to_owned()),
            ],
        )
        .await;
        let result = stdout_json(&output);

        // The script's `start_time` is the documented default, 2000-01-01T00:00:00Z: every scan.
        let check = &result["codeartscheck"];
        assert_eq!(check["paging"], name, "{check}");
        assert_eq!(check["total"], 2_500, "{name}: {check}");
        assert_eq!(check["records"], check["total"], "{name}: {check}");
        assert_eq!(
            check["distinct"], check["total"],
            "{name}: no scan twice: {check}"
        );
        assert_eq!(check["pages"], 3, "{name}: {check}");
        let (first, last) = (
            check["first"].as_str().unwrap(),
            check["last"].as_str().unwrap(),
        );
        assert!(first > last, "{name}: newest scan first: {check}");
        histories.push((first.to_owned(), last.to_owned()));
    }
    // Same seed, same history: the modes differ only in how `offset` is read.
    assert!(
        histories.windows(2).all(|pair| pair[0] == pair[1]),
        "{histories:?}"
    );
}

#[tokio::test]
async fn schemathesis_finds_the_simulator_conforming_to_the_specs() {
    let sim = Simulator::builder()
        .records(3_000)
        .lockout(None)
        .start()
        .await
        .unwrap();
    let work_dir = tempfile_dir();
    for spec in ["hss-v5.yaml", "codearts-check-v2.yaml"] {
        let output = tokio::process::Command::new(venv().join("bin/schemathesis"))
            .current_dir(&work_dir)
            .arg("run")
            .arg(repo_root().join("spec").join(spec))
            .args(["--url", &sim.base_url()])
            .args([
                "--header",
                &format!("X-Auth-Token: {}", hwc_sim::DEMO_TOKEN),
            ])
            .args(["--checks", "all"])
            // The spec offers AK/SK *or* a token; schemathesis adds a bad Authorization next to
            // our good token and expects a refusal, which contradicts that "or".
            .args(["--exclude-checks", "ignored_auth"])
            .args(["--max-examples", "100", "--seed", "1", "--no-color"])
            .output()
            .await
            .unwrap();
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{spec}:\n{report}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(report.contains("passed"), "{spec}: {report}");
    }
}

fn tempfile_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("schemathesis-work");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
