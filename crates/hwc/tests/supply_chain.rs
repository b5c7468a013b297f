//! The dependency tree stays free of OpenSSL: TLS is rustls everywhere.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

#[test]
fn openssl_is_not_in_the_dependency_tree() {
    let lock =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
    let packages: Vec<&str> = lock
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .map(|name| name.trim_end_matches('"'))
        .collect();
    assert!(packages.len() > 100, "Cargo.lock was read");
    for forbidden in ["openssl", "openssl-sys", "native-tls", "hyper-tls"] {
        assert!(
            !packages.contains(&forbidden),
            "{forbidden} is in Cargo.lock"
        );
    }
    assert!(packages.contains(&"rustls"));
}
