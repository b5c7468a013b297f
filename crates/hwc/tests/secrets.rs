//! Secrets stay secret where they travel through the client's own types: the security token is
//! a sensitive header like `Authorization`, and a proxy's password is never printed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use hwc::{Client, Credentials, Signer};

#[test]
fn the_security_token_is_a_sensitive_header() {
    let signer = Signer::new("AK", hwc::SecretString::from("SK"))
        .unwrap()
        .with_security_token(hwc::SecretString::from("security-token-never-shown"))
        .unwrap();
    let mut request = reqwest::Request::new(
        reqwest::Method::GET,
        "https://hss.cn-north-4.myhuaweicloud.com/v5/p/x"
            .parse()
            .unwrap(),
    );
    signer.sign(&mut request, jiff::Timestamp::now()).unwrap();
    for name in ["x-security-token", "authorization"] {
        assert!(request.headers()[name].is_sensitive(), "{name}");
    }
    let shown = format!("{request:?} {:?}", request.headers());
    assert!(!shown.contains("security-token-never-shown"), "{shown}");
}

#[test]
fn a_proxy_password_is_never_printed() {
    for proxy in [
        "http://user:hunter2-never-shown@bad host:8080",
        "socks5://user:hunter2-never-shown@[::1",
    ] {
        let builder = Client::builder()
            .ignore_environment()
            .region("cn-north-4")
            .credentials(Credentials::access_key("AK", "SK").unwrap())
            .proxy(proxy);
        let shown = format!("{builder:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        let error = builder.build().unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("proxy"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

#[test]
fn an_endpoint_password_is_never_printed() {
    let error = Client::builder()
        .ignore_environment()
        .endpoint_for_all("https://user:hunter2-never-shown@hss.example.com")
        .credentials(Credentials::access_key("AK", "SK").unwrap())
        .build()
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("user information"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn a_credentials_file_chosen_explicitly_counts_when_the_environment_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("credentials");
    std::fs::write(
        &file,
        "[basic]\nak = FILEAK\nsk = file-sk\nproject_id = from-file\n",
    )
    .unwrap();
    let client = Client::builder()
        .ignore_environment()
        .region("cn-north-4")
        .credentials_file(&file)
        .build()
        .unwrap();
    assert_eq!(client.project_id(), Some("from-file"));
}
