//! TLS settings in every build of hwc: with a TLS feature an extra CA certificate is taken;
//! without one (`--no-default-features`, plain HTTP for a simulator on loopback, which
//! `.ci/run` runs) it is refused when the client is built, naming the setting, rather than
//! dropped.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use hwc::{Client, Credentials, Error, Service};

const CA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/tls/ca-cert.pem");

fn with_extra_ca() -> Result<Client, Error> {
    Client::builder()
        .ignore_environment()
        .endpoint(Service::CodeArtsCheck, "http://127.0.0.1:9")
        .allow_insecure_http(true)
        .credentials(Credentials::access_key("AK", "SK").unwrap())
        .add_root_certificate_pem(&std::fs::read(CA).unwrap())
        .build()
}

#[test]
#[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
fn an_extra_ca_certificate_is_taken_with_tls() {
    with_extra_ca().unwrap();
}

#[test]
#[cfg(not(any(feature = "rustls-aws-lc", feature = "rustls-ring")))]
fn an_extra_ca_certificate_is_refused_without_tls() {
    let error = with_extra_ca().expect_err("a build without TLS took a CA certificate");
    assert!(
        matches!(
            error,
            Error::Config(hwc::ConfigError::NoTls {
                setting: "add_root_certificate_pem"
            })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("rustls-ring"), "{error}");
}
