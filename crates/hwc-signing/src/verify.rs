//! Checking a received signature, as the gateway does: the same canonical request rebuilt from
//! what arrived, the expected signature compared in constant time.

use crate::algorithm::{Authorization, canonical_request, payload_hash, signature, string_to_sign};
use crate::algorithms::keys::constant_time_eq;
use crate::algorithms::{SigningAlgorithm, SigningKey};
use crate::canonical;

/// What arrived, as the gateway sees it. `Debug` shows header names only: a signed header may
/// be `X-Security-Token`.
#[derive(Clone, Copy)]
pub struct Received<'a, N, V> {
    /// The method, such as `GET`.
    pub method: &'a str,
    /// The path as on the wire (percent-encoded).
    pub raw_path: &'a str,
    /// The query string as on the wire, without `?`.
    pub raw_query: &'a str,
    /// Every value of every signed header, repeated names as repeated pairs (they are trimmed
    /// and joined exactly as the signer does).
    pub signed_headers: &'a [(N, V)],
    /// The `X-Sdk-Date` value.
    pub sdk_date: &'a str,
    /// The body (empty for a GET).
    pub body: &'a [u8],
}

impl<N: AsRef<str>, V> std::fmt::Debug for Received<'_, N, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self
            .signed_headers
            .iter()
            .map(|(n, _)| n.as_ref())
            .collect();
        f.debug_struct("Received")
            .field("method", &self.method)
            .field("raw_path", &self.raw_path)
            .field("raw_query", &self.raw_query)
            .field("signed_headers", &names)
            .field("sdk_date", &self.sdk_date)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Whether `authorization` is the signature of `received` with `secret_key`, in the algorithm
/// it names: the HMACs compared without stopping at the first difference (so the timing tells
/// nothing), an ECDSA or SM2 signature checked under the public key derived from the AK/SK,
/// V11 keyed for the scope its `Credential` names, whose day must be that of `X-Sdk-Date`.
pub fn verify<N, V>(
    secret_key: &[u8],
    received: &Received<'_, N, V>,
    authorization: &Authorization,
) -> bool
where
    N: AsRef<str>,
    V: AsRef<str>,
{
    let algorithm = authorization.algorithm;
    let pairs = canonical::parse_query(received.raw_query);
    let payload = match algorithm {
        SigningAlgorithm::HmacSha256 => payload_hash(received.body),
        other => other.payload_hash(received.body),
    };
    let canonical_request = canonical_request(
        received.method,
        received.raw_path,
        &canonical::canonical_query(&pairs),
        received.signed_headers,
        &authorization.signed_headers,
        &payload,
    );
    if algorithm == SigningAlgorithm::HmacSha256 {
        return signature(
            secret_key,
            &string_to_sign(received.sdk_date, &canonical_request),
        )
        .is_ok_and(|expected| {
            constant_time_eq(expected.as_bytes(), authorization.signature.as_bytes())
        });
    }
    let scope = authorization.scope.as_deref().unwrap_or_default();
    if algorithm == SigningAlgorithm::V11HmacSha256 && scope.get(..8) != received.sdk_date.get(..8)
    {
        return false;
    }
    let to_sign = algorithm.string_to_sign(received.sdk_date, scope, &canonical_request);
    SigningKey::derive(algorithm, &authorization.access_key, secret_key)
        .is_ok_and(|key| key.verify(&to_sign, scope, &authorization.signature))
}
