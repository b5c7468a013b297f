//! The signer produces the official signer's `Authorization`, byte for byte.
//!
//! `data/official-signatures.json` was made by `data/official_signatures.py` with the official
//! Python signer (huaweicloudsdkcore) from the shared vectors plus harder cases, using a known
//! test SK; the shared vectors themselves do not include the SK they were signed with, so from
//! them only the canonical query, the signed header list and the AK can be compared.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use hwc_signing::Signer;
use jiff::Timestamp;
use secrecy::SecretString;
use serde_json::Value;

fn load(file: &str) -> Value {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("test data")).expect("JSON")
}

/// A request as reqwest (and so the generated clients) would build it: the query in the given
/// order, form-encoded.
fn request(vector: &Value) -> reqwest::Request {
    let mut url = reqwest::Url::parse(&format!(
        "https://{}{}",
        vector["host"].as_str().unwrap(),
        vector["path"].as_str().unwrap()
    ))
    .unwrap();
    let pairs = vector["query"].as_array().unwrap();
    if !pairs.is_empty() {
        let mut query = url.query_pairs_mut();
        for pair in pairs {
            query.append_pair(pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        }
    }
    let method = vector["method"].as_str().unwrap().parse().unwrap();
    let mut request = reqwest::Request::new(method, url);
    for (name, value) in vector["headers"].as_object().unwrap() {
        request.headers_mut().insert(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.as_str().unwrap().parse().unwrap(),
        );
    }
    request
}

/// The signing time does not matter: every vector carries its own `X-Sdk-Date`.
fn any_time() -> Timestamp {
    Timestamp::UNIX_EPOCH
}

#[test]
fn signatures_match_the_official_signer() {
    let data = load("official-signatures.json");
    let signer = Signer::new(
        data["access_key"].as_str().unwrap(),
        SecretString::from(data["secret_key"].as_str().unwrap()),
    )
    .unwrap();
    let vectors = data["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 7);
    for vector in vectors {
        let mut request = request(vector);
        signer.sign(&mut request, any_time()).unwrap();
        let context = format!("{} {:?}", vector["path"], vector["query"]);
        assert_eq!(
            request.headers()["authorization"].to_str().unwrap(),
            vector["authorization"],
            "{context}"
        );
        // The query goes out exactly as signed.
        assert_eq!(
            request.url().query().unwrap_or_default(),
            vector["canonical_query"],
            "{context}"
        );
        // The vector's own date was used, not the clock.
        assert_eq!(
            request.headers()["x-sdk-date"],
            vector["headers"]["X-Sdk-Date"].as_str().unwrap()
        );
    }
}

#[test]
fn shared_vectors_agree_on_everything_but_the_unknown_secret() {
    let shared = load("sign-vectors.json");
    let signer = Signer::new("HPUAEXAMPLEAK0000001", SecretString::from("unknown")).unwrap();
    for vector in shared.as_array().unwrap() {
        let mut request = request(vector);
        signer.sign(&mut request, any_time()).unwrap();
        let ours = request.headers()["authorization"].to_str().unwrap();
        let theirs = vector["authorization"].as_str().unwrap();
        let without_signature =
            |value: &str| value.split(", Signature=").next().unwrap().to_owned();
        assert_eq!(without_signature(ours), without_signature(theirs));
        assert_eq!(
            request.url().query().unwrap_or_default(),
            vector["canonical_query"]
        );
    }
}

#[test]
fn shared_vectors_copy_matches_the_original() {
    let original = format!(
        "{}/../../../shared/testdata/sign-vectors.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let Ok(original) = std::fs::read(&original) else {
        // CI runs with ../shared beside the clone: there, a missing original is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {original} is missing"
        );
        eprintln!("../shared is not beside the repository; nothing to compare");
        return;
    };
    let copy = std::fs::read(format!(
        "{}/tests/data/sign-vectors.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    assert!(
        copy == original,
        "tests/data/sign-vectors.json differs from ../shared/testdata"
    );
}

#[test]
fn the_clock_is_used_when_the_request_has_no_date_and_a_token_is_signed_too() {
    let signer = Signer::new("AK", SecretString::from("SK"))
        .unwrap()
        .with_security_token(SecretString::from("token"))
        .unwrap();
    let mut request = reqwest::Request::new(
        reqwest::Method::GET,
        "https://hss.cn-north-4.myhuaweicloud.com/v5/p/x?b=2&a=1"
            .parse()
            .unwrap(),
    );
    let now: Timestamp = "2026-11-22T08:00:00Z".parse().unwrap();
    signer.sign(&mut request, now).unwrap();
    assert_eq!(request.headers()["x-sdk-date"], "20261122T080000Z");
    assert_eq!(
        request.headers()["host"],
        "hss.cn-north-4.myhuaweicloud.com"
    );
    assert_eq!(request.headers()["x-security-token"], "token");
    assert_eq!(request.url().query(), Some("a=1&b=2"));
    let authorization = request.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(authorization.contains("SignedHeaders=host;x-sdk-date;x-security-token,"));
    assert!(request.headers()["authorization"].is_sensitive());

    // Signing again replaces the old signature rather than signing it.
    signer.sign(&mut request, now).unwrap();
    assert_eq!(request.headers().get_all("authorization").iter().count(), 1);
    assert_eq!(
        request.headers()["authorization"].to_str().unwrap(),
        authorization
    );
}

#[test]
fn bad_keys_are_refused_and_never_shown() {
    let secret = "s3cr3t value";
    let error = Signer::new("AK", SecretString::from(secret))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("secret key (SK)") && !error.contains(secret),
        "{error}"
    );
    assert!(Signer::new("", SecretString::from("x")).is_err());
    assert!(Signer::new("AK ", SecretString::from("x")).is_err());
    assert!(Signer::new("ÄK", SecretString::from("x")).is_err());
    let signer = Signer::new("AK", SecretString::from("the-secret")).unwrap();
    let shown = format!("{signer:?}");
    assert!(
        !shown.contains("the-secret") && shown.contains("AK"),
        "{shown}"
    );
}

#[test]
fn unsignable_requests_are_found_without_signing() {
    let mut request =
        reqwest::Request::new(reqwest::Method::GET, "https://h.example/x".parse().unwrap());
    assert!(hwc_signing::check_signable(&request).is_ok());
    request.headers_mut().insert(
        "x-custom",
        reqwest::header::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
    );
    let checked = hwc_signing::check_signable(&request)
        .unwrap_err()
        .to_string();
    let signer = Signer::new("AK", SecretString::from("SK")).unwrap();
    let signed = signer
        .sign(&mut request, any_time())
        .unwrap_err()
        .to_string();
    assert_eq!(checked, signed, "the check predicts what signing would say");
    assert!(checked.contains("x-custom"));
}
