//! Huawei Cloud's AK/SK request signature, `SDK-HMAC-SHA256`: the `hwc-signing` crate, which the
//! simulator verifies with too. [`Signer`] signs any `reqwest::Request`, so it also serves
//! Huawei APIs this crate does not wrap.

pub use hwc_signing::{
    ALGORITHM, Authorization, SDK_DATE, SECURITY_TOKEN, Scheme, Signer, SigningAlgorithm,
    SigningError, SigningKey, canonical_request, check_signable, format_sdk_date, host_header,
    parse_sdk_date, payload_hash, signature, signed_header_names, string_to_sign,
};

impl From<SigningError> for crate::Error {
    fn from(error: SigningError) -> Self {
        match error {
            SigningError::Key(problem) => crate::ConfigError::Credentials { problem }.into(),
            SigningError::Request(reason) => crate::Error::Signing(reason),
            // Future kinds: as a signing problem, in their own words.
            other => crate::Error::Signing(other.to_string()),
        }
    }
}
