//! Every algorithm of the official signer, against the official signer (`huaweicloudsdkcore`
//! 3.1.219): `data/official-algorithms.json`, made by `data/official_algorithms.py vectors`,
//! holds the exact `Authorization` of SDK-HMAC-SM3 and V11-HMAC-SHA256 for the requests of
//! `official-signatures.json`, and for SDK-ECDSA-P256-SHA256 and SDK-SM2-SM3 (random signatures)
//! the public key the official code derives from the AK/SK and signatures it made. hwc must make
//! the same HMACs, derive the same public keys, verify the official signatures, and make
//! signatures the official code verifies (`official_algorithms.py verify`, run in a virtual
//! environment the test makes).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hwc_signing::algorithms::v11_scope;
use hwc_signing::{
    SigningAlgorithm, SigningKey, canonical, canonical_request, signed_header_names,
};
use serde_json::{Value, json};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn load() -> Value {
    let text = std::fs::read_to_string(data_dir().join("official-algorithms.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The canonical request of `vector` with `algorithm`'s payload hash, from hwc's functions.
fn canonical_of(vector: &Value, algorithm: SigningAlgorithm) -> (String, Vec<String>, String) {
    let headers: Vec<(String, String)> = vector["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| {
            (
                name.to_ascii_lowercase(),
                value.as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let pairs: Vec<(String, String)> = vector["query"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let signed = signed_header_names(&headers);
    let body = vector["body"].as_str().unwrap().as_bytes();
    let canonical = canonical_request(
        vector["method"].as_str().unwrap(),
        vector["path"].as_str().unwrap(),
        &canonical::canonical_query(&pairs),
        &headers,
        &signed,
        &algorithm.payload_hash(body),
    );
    let date = headers
        .iter()
        .find(|(name, _)| name == "x-sdk-date")
        .map(|(_, value)| value.clone())
        .unwrap();
    (canonical, signed, date)
}

#[test]
fn hmac_sm3_and_v11_authorizations_match_the_official_signer_byte_for_byte() {
    let data = load();
    let (ak, sk) = (
        data["access_key"].as_str().unwrap(),
        data["secret_key"].as_str().unwrap(),
    );
    let (region, service) = (
        data["region"].as_str().unwrap(),
        data["service"].as_str().unwrap(),
    );
    let vectors = data["hmac"].as_array().unwrap();
    assert!(vectors.len() >= 10);
    for vector in vectors {
        let algorithm: SigningAlgorithm = vector["algorithm"].as_str().unwrap().parse().unwrap();
        let key = SigningKey::derive(algorithm, ak, sk.as_bytes()).unwrap();
        let (canonical, signed, date) = canonical_of(vector, algorithm);
        assert_eq!(
            canonical,
            vector["canonical_request"].as_str().unwrap(),
            "{algorithm}"
        );
        let scope = v11_scope(&date, region, service);
        let to_sign = algorithm.string_to_sign(&date, &scope, &canonical);
        assert_eq!(
            to_sign,
            vector["string_to_sign"].as_str().unwrap(),
            "{algorithm}"
        );
        let signature = key.sign(&to_sign, &scope).unwrap();
        let authorization = algorithm.authorization(ak, &scope, &signed, &signature);
        assert_eq!(
            authorization,
            vector["authorization"].as_str().unwrap(),
            "{algorithm}"
        );
        assert!(key.verify(&to_sign, &scope, &signature));
    }
}

#[test]
fn ecdsa_and_sm2_keys_are_derived_as_the_official_signer_derives_them_and_its_signatures_verify() {
    let data = load();
    let (ak, sk) = (
        data["access_key"].as_str().unwrap(),
        data["secret_key"].as_str().unwrap(),
    );
    for (name, official) in data["asymmetric"].as_object().unwrap() {
        let algorithm: SigningAlgorithm = name.parse().unwrap();
        let key = SigningKey::derive(algorithm, ak, sk.as_bytes()).unwrap();
        assert_eq!(
            key.public_key().unwrap(),
            official["public_key"].as_str().unwrap(),
            "{name}"
        );
        for signed in official["signed"].as_array().unwrap() {
            let to_sign = signed["string_to_sign"].as_str().unwrap();
            assert!(to_sign.starts_with(&format!("{name}\n")));
            let signature = signed["signature"].as_str().unwrap();
            assert!(
                key.verify(to_sign, "", signature),
                "{name}: the official signature of\n{to_sign}"
            );
            assert!(!key.verify(&format!("{to_sign} "), "", signature), "{name}");
        }
    }
}

/// A virtual environment with the official core SDK, made once per target directory.
fn official_python() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("official-signer");
    let python = venv.join("bin/python");
    let marker = venv.join("installed-3.1.219");
    if !marker.exists() {
        let status = Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(&venv)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "python3 -m venv (is python3-venv installed?)"
        );
        let status = Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "huaweicloudsdkcore==3.1.219",
            ])
            .status()
            .unwrap();
        assert!(status.success(), "pip install huaweicloudsdkcore");
        std::fs::write(&marker, "").unwrap();
    }
    python
}

#[test]
fn the_official_signer_verifies_ecdsa_and_sm2_signatures_hwc_makes() {
    let data = load();
    let (ak, sk) = (
        data["access_key"].as_str().unwrap(),
        data["secret_key"].as_str().unwrap(),
    );
    let mut items = Vec::new();
    let mut expected = Vec::new();
    for (name, official) in data["asymmetric"].as_object().unwrap() {
        let algorithm: SigningAlgorithm = name.parse().unwrap();
        let key = SigningKey::derive(algorithm, ak, sk.as_bytes()).unwrap();
        for signed in official["signed"].as_array().unwrap() {
            let to_sign = signed["string_to_sign"].as_str().unwrap();
            let signature = key.sign(to_sign, "").unwrap();
            items.push(
                json!({"algorithm": name, "string_to_sign": to_sign, "signature": signature}),
            );
            expected.push(true);
            // And a signature of something else, which it must refuse.
            items.push(json!({"algorithm": name, "string_to_sign": format!("{to_sign}x"), "signature": signature}));
            expected.push(false);
        }
    }
    let mut child = Command::new(official_python())
        .arg(data_dir().join("official_algorithms.py"))
        .arg("verify")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    serde_json::to_writer(child.stdin.take().unwrap(), &items).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let verdicts: Vec<bool> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(verdicts, expected);
}
