//! The configuration's own HTTP clients (ECS metadata, federated identity) can be made before
//! any [`hwc::Client`]: with `rustls-ring`, which `.ci/run` runs with no aws-lc in the build, they
//! must install ring themselves rather than leave reqwest without a rustls provider (it panics).
//!
//! One test in a binary of its own, so that nothing installed a provider before it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

#[test]
fn credentials_providers_made_before_any_client() {
    let metadata = hwc::EcsMetadata::new("http://127.0.0.1:9");
    assert!(metadata.is_ok(), "{:?}", metadata.err());
    let federated = hwc::FederatedIdentity::new(
        "idp",
        "/nonexistent/id-token",
        "https://iam.myhuaweicloud.com",
    );
    assert!(federated.is_ok(), "{:?}", federated.err());
}
