//! Hostile configuration gives clear errors, never a panic: empty or blank keys, non-ASCII in
//! what becomes a header, unknown regions, endpoints with paths or queries, broken files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use hwc::{Client, Credentials, Error, Profile, Service};

fn config_error(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(error @ Error::Config(_)) => error.to_string(),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn keys_and_tokens() {
    for (ak, sk) in [
        ("", "sk"),
        ("ak", ""),
        (" ", "sk"),
        ("ak", " \t"),
        ("a k", "sk"),
        ("ák", "sk"),
        ("ak", "s\u{0}k"),
        ("ak\n", "sk"),
    ] {
        let message = config_error(Credentials::access_key(ak, sk));
        assert!(
            message.contains("access key") || message.contains("secret key"),
            "{message}"
        );
        assert!(
            sk.trim().is_empty() || !message.contains(sk),
            "the SK is never shown: {message}"
        );
    }
    assert!(config_error(Credentials::temporary("ak", "sk", "tök")).contains("security token"));
    for token in ["", "  ", "tök", "a\r\nX-Injected: 1"] {
        config_error(Credentials::token(token));
    }
}

#[test]
fn regions_and_endpoints() {
    let builder = || Client::builder().ignore_environment();
    assert!(config_error(builder().region("")).contains("unknown region"));
    assert!(config_error(builder().region("cn-north-4; rm -rf /")).contains("unknown region"));
    for endpoint in [
        "https://h.example/v5",
        "https://h.example/?x=1",
        "https://h.example/#f",
        "ftp://h.example",
        "",
        "h.example",
        "https://",
        "https://u:p@h.example",
    ] {
        let message = config_error(builder().endpoint(Service::Hss, endpoint));
        assert!(message.contains("endpoint"), "{endpoint:?}: {message}");
    }
    let insecure = builder()
        .endpoint(Service::Hss, "http://10.0.0.1")
        .unwrap()
        .credentials(Credentials::access_key("ak", "sk").unwrap())
        .build()
        .unwrap();
    assert!(
        insecure
            .endpoint(Service::Hss)
            .unwrap_err()
            .to_string()
            .contains("plain http")
    );
}

#[test]
fn credentials_files() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[basic\nak = a\n", "expecting"),
        ("[basic]\nak = only-the-ak\n", "both ak and sk"),
        ("[basic]\nak = a k\nsk = s\n", "access key"),
        ("\u{0}\u{1}binary", ""),
    ];
    for (index, (text, expected)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("credentials-{index}"));
        std::fs::write(&path, text).unwrap();
        let result = Profile::load(&path).and_then(|profile| profile.credentials());
        let message = config_error(result);
        assert!(message.contains(expected), "{text:?}: {message}");
    }
    let missing = config_error(Profile::load(&dir.path().join("absent")));
    assert!(missing.contains("cannot read"), "{missing}");
}
