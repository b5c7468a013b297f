//! Hostile configuration gives clear errors, never a panic: empty or blank keys, non-ASCII in
//! what becomes a header, unknown regions, endpoints with paths or queries, broken files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use hwc::{Client, Credentials, Error, Profile, Service};

/// The error and its causes on one line, as a person reads them.
fn config_error(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(error @ Error::Config(_)) => {
            let mut line = error.to_string();
            let mut cause = std::error::Error::source(&error);
            while let Some(inner) = cause {
                line = format!("{line}: {inner}");
                cause = inner.source();
            }
            line
        }
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
        ("ak", "sk never-shown"),
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
        assert!(!message.contains("never-shown"), "{message}");
    }
    assert!(config_error(Credentials::temporary("ak", "sk", "tök")).contains("security token"));
    for token in ["", "  ", "tök", "a\r\nX-Injected: 1"] {
        config_error(Credentials::token(token));
    }
}

#[test]
fn regions_and_endpoints_are_checked_by_build() {
    let builder = || {
        Client::builder()
            .ignore_environment()
            .credentials(Credentials::access_key("ak", "sk").unwrap())
    };
    assert!(config_error(builder().region("").build()).contains("unknown region"));
    assert!(
        config_error(builder().region("cn-north-4; rm -rf /").build()).contains("unknown region")
    );
    assert!(config_error(builder().build()).contains("set a region or an endpoint"));
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
        let message = config_error(builder().endpoint(Service::Hss, endpoint).build());
        assert!(message.contains("endpoint"), "{endpoint:?}: {message}");
    }
    // Reported by build(), not by the first call.
    let insecure = builder().endpoint(Service::Hss, "http://10.0.0.1").build();
    assert!(config_error(insecure).contains("plain http"));
    let certificate = builder()
        .region("cn-north-4")
        .add_root_certificate_pem(
            b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        )
        .build();
    let message = config_error(certificate);
    assert!(message.contains("certificate"), "{message}");
    // A service the region does not offer is the call's to report: HSS works in cn-north-9.
    let hss_only = builder().region("cn-north-9").build().unwrap();
    assert!(hss_only.endpoint(Service::Hss).is_ok());
    assert!(matches!(
        hss_only.endpoint(Service::CodeArtsCheck),
        Err(Error::Config(hwc::ConfigError::ServiceNotInRegion { .. }))
    ));
}

#[test]
fn the_credentials_file_is_not_read_when_credentials_are_given() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("credentials");
    std::fs::write(&broken, "[basic\nnot ini").unwrap();
    let given = Client::builder()
        .region("cn-north-4")
        .credentials(Credentials::access_key("ak", "sk").unwrap())
        .credentials_file(&broken)
        .build();
    assert!(given.is_ok(), "{given:?}");
}

#[test]
fn credentials_files() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[basic\nak = a\n", "expecting"),
        ("[basic]\nak = only-the-ak\n", "both ak and sk"),
        ("[basic]\nak = a k\nsk = s\n", "access key"),
        ("\u{0}\u{1}binary", "is not a valid credentials file"),
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
