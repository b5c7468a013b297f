//! [`SigningKey`]: what an AK/SK becomes for one algorithm, derived once (the ECDSA and SM2
//! private keys cost a scalar multiplication), and the signature of a string to sign with it,
//! made and checked. Signatures are lower-case hex: of the HMAC, or of the DER `(r, s)` the
//! official signer writes for ECDSA and SM2.

use std::fmt;

use hmac::{Hmac, Mac};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;
use sm3::Sm3;

use super::choice::{SigningAlgorithm, lower_hex};
use super::derivation;
use crate::error::SigningError;

/// SM2's distinguishing identifier, the official signer's (and GM/T 0009's default) `uid`.
pub const SM2_DISTINGUISHING_ID: &str = "1234567812345678";

/// An AK/SK made ready to sign with one algorithm. `Debug` names the algorithm and the public
/// key, never a secret.
#[derive(Clone)]
pub struct SigningKey {
    algorithm: SigningAlgorithm,
    access_key: String,
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    /// HMAC keyed with the SK (V11 derives its key per scope from both).
    Secret(SecretSlice<u8>),
    Ecdsa(p256::ecdsa::SigningKey),
    Sm2(Box<sm2::dsa::SigningKey>),
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.algorithm)
            .field("access_key", &self.access_key)
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

fn hmac_hex<M: Mac + hmac::digest::KeyInit>(
    key: &[u8],
    data: &[u8],
) -> Result<String, SigningError> {
    let mut mac = <M as Mac>::new_from_slice(key)
        .map_err(|_| SigningError::Request("the secret key cannot key HMAC".into()))?;
    mac.update(data);
    Ok(lower_hex(&mac.finalize().into_bytes()))
}

/// The bytes `text` spells in hex, or `None` if it is not hex.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok())
        .collect()
}

/// Compares without stopping at the first difference, so the timing tells nothing.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl SigningKey {
    /// The key of `algorithm` for this AK/SK: the SK itself for the HMAC algorithms, the
    /// private key derived from both for ECDSA and SM2.
    pub fn derive(
        algorithm: SigningAlgorithm,
        access_key: &str,
        secret_key: &[u8],
    ) -> Result<Self, SigningError> {
        let inner = match algorithm {
            SigningAlgorithm::HmacSha256
            | SigningAlgorithm::HmacSm3
            | SigningAlgorithm::V11HmacSha256 => Inner::Secret(secret_key.to_vec().into()),
            SigningAlgorithm::EcdsaP256Sha256 => {
                let secret = derivation::ecdsa_p256(access_key, secret_key)?;
                Inner::Ecdsa(p256::ecdsa::SigningKey::from(secret))
            }
            SigningAlgorithm::Sm2Sm3 => {
                let secret = derivation::sm2(access_key, secret_key)?;
                let key = sm2::dsa::SigningKey::new(SM2_DISTINGUISHING_ID, &secret)
                    .map_err(|_| SigningError::Request("the derived SM2 key is unusable".into()))?;
                Inner::Sm2(Box::new(key))
            }
        };
        Ok(Self {
            algorithm,
            access_key: access_key.to_owned(),
            inner,
        })
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> SigningAlgorithm {
        self.algorithm
    }

    /// The public key of an ECDSA or SM2 key, SEC1 uncompressed, in hex (`04 || x || y`).
    pub fn public_key(&self) -> Option<String> {
        match &self.inner {
            Inner::Secret(_) => None,
            Inner::Ecdsa(key) => Some(lower_hex(
                key.verifying_key().to_encoded_point(false).as_bytes(),
            )),
            Inner::Sm2(key) => Some(lower_hex(&key.verifying_key().to_sec1_bytes())),
        }
    }

    /// The signature of `string_to_sign` (V11 keys its HMAC for `scope`, which the others
    /// ignore), in hex.
    pub fn sign(&self, string_to_sign: &str, scope: &str) -> Result<String, SigningError> {
        let data = string_to_sign.as_bytes();
        match (&self.inner, self.algorithm) {
            (Inner::Secret(secret), SigningAlgorithm::HmacSm3) => {
                hmac_hex::<Hmac<Sm3>>(secret.expose_secret(), data)
            }
            (Inner::Secret(secret), SigningAlgorithm::V11HmacSha256) => {
                let key = derivation::v11_key(&self.access_key, secret.expose_secret(), scope)?;
                hmac_hex::<Hmac<Sha256>>(key.as_bytes(), data)
            }
            (Inner::Secret(secret), _) => hmac_hex::<Hmac<Sha256>>(secret.expose_secret(), data),
            (Inner::Ecdsa(key), _) => {
                let signature: p256::ecdsa::Signature = key.sign(data);
                Ok(lower_hex(signature.to_der().as_bytes()))
            }
            (Inner::Sm2(key), _) => {
                let signature: sm2::dsa::Signature = key.sign(data);
                // The same (r, s) as an ECDSA-shaped signature over the SM2 curve, for its DER.
                let der = ecdsa::Signature::<sm2::Sm2>::from_scalars(
                    signature.r_bytes(),
                    signature.s_bytes(),
                )
                .map_err(|_| SigningError::Request("an SM2 signature has no DER form".into()))?
                .to_der();
                Ok(lower_hex(der.as_bytes()))
            }
        }
    }

    /// Whether `signature` (hex) is this key's signature of `string_to_sign`: the same HMAC,
    /// compared in constant time, or a valid ECDSA/SM2 signature under its public key.
    pub fn verify(&self, string_to_sign: &str, scope: &str, signature: &str) -> bool {
        let data = string_to_sign.as_bytes();
        match &self.inner {
            Inner::Secret(_) => self
                .sign(string_to_sign, scope)
                .is_ok_and(|expected| constant_time_eq(expected.as_bytes(), signature.as_bytes())),
            Inner::Ecdsa(key) => from_hex(signature)
                .and_then(|der| p256::ecdsa::Signature::from_der(&der).ok())
                .is_some_and(|signature| key.verifying_key().verify(data, &signature).is_ok()),
            Inner::Sm2(key) => from_hex(signature)
                .and_then(|der| ecdsa::Signature::<sm2::Sm2>::from_der(&der).ok())
                .and_then(|rs| {
                    sm2::dsa::Signature::from_scalars(rs.r().to_bytes(), rs.s().to_bytes()).ok()
                })
                .is_some_and(|signature| key.verifying_key().verify(data, &signature).is_ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_algorithm_verifies_its_own_signature_and_no_other() {
        for algorithm in SigningAlgorithm::ALL {
            let key = SigningKey::derive(algorithm, "AK", b"SK").unwrap();
            let signature = key.sign("to sign", "20240101/cn-north-4/hss").unwrap();
            assert!(
                key.verify("to sign", "20240101/cn-north-4/hss", &signature),
                "{algorithm}"
            );
            assert!(
                !key.verify("to sign!", "20240101/cn-north-4/hss", &signature),
                "{algorithm}"
            );
            let other = SigningKey::derive(algorithm, "AK", b"SK2").unwrap();
            assert!(
                !other.verify("to sign", "20240101/cn-north-4/hss", &signature),
                "{algorithm}"
            );
            assert!(!format!("{key:?}").contains("SK"), "{key:?}");
        }
    }
}
