//! The TLS backend hwc's features chose: rustls with aws-lc-rs (`rustls-aws-lc`, the default,
//! which reqwest sets up itself) or with ring (`rustls-ring`, installed here as the process's
//! rustls provider unless the program installed one).
//!
//! Without either feature hwc speaks plain HTTP only (what a simulator on loopback needs): an
//! `https` endpoint then fails to connect.

/// Makes sure reqwest finds a rustls crypto provider: with `rustls-ring` and none installed,
/// ring's. A provider the program installed first is kept. Called before every HTTP client
/// hwc makes (reqwest without a provider panics), so that a credentials provider made before
/// any `hwc::Client` works too.
pub fn install_provider() {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one between the check and here; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
