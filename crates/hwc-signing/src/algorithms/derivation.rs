//! Keys made from AK/SK exactly as the official signer makes them (`huaweicloudsdkcore`
//! 3.1.219, `signer.py`): the ECDSA and SM2 private keys (`_derive_key`: HMAC of the SK over a
//! counter-mode KDF input, the first candidate at most `n - 2`, plus one), and V11's HKDF key.

use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sm3::Sm3;

use crate::error::SigningError;

/// The KDF input of counter `counter`: `00000001 || algorithm || 00 || AK || counter ||
/// 00000100` (the official signer's `data`).
fn kdf_input(algorithm: &str, access_key: &str, counter: u8) -> Vec<u8> {
    let mut data = Vec::with_capacity(10 + algorithm.len() + access_key.len());
    data.extend_from_slice(&[0, 0, 0, 1]);
    data.extend_from_slice(algorithm.as_bytes());
    data.push(0);
    data.extend_from_slice(access_key.as_bytes());
    data.push(counter);
    data.extend_from_slice(&[0, 0, 1, 0]);
    data
}

/// `candidate + 1` as 32 big-endian bytes, or `None` when it overflows 256 bits.
fn plus_one(mut candidate: [u8; 32]) -> Option<[u8; 32]> {
    for byte in candidate.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            return Some(candidate);
        }
    }
    None
}

/// The private scalar of `algorithm` (an ECDSA or SM2 signer) for this AK/SK: for counter 0 to
/// 254, the HMAC (`hash`) of the SK over the KDF input, read as a big-endian integer; the first
/// at most `n - 2`, plus one, which `accept` (the curve's secret-key parser, refusing 0 and
/// anything at or above `n`) takes.
fn derive<T>(
    algorithm: &str,
    access_key: &str,
    secret_key: &[u8],
    mac: impl Fn(&[u8], &[u8]) -> Option<[u8; 32]>,
    accept: impl Fn(&[u8; 32]) -> Option<T>,
) -> Result<T, SigningError> {
    for counter in 0..0xff_u8 {
        let Some(candidate) = mac(secret_key, &kdf_input(algorithm, access_key, counter)) else {
            break;
        };
        if let Some(key) = plus_one(candidate).as_ref().and_then(&accept) {
            return Ok(key);
        }
    }
    Err(SigningError::Request(format!(
        "no {algorithm} key can be derived from this AK/SK (counter out of range)"
    )))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Option<[u8; 32]> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(data);
    Some(mac.finalize().into_bytes().into())
}

fn hmac_sm3(key: &[u8], data: &[u8]) -> Option<[u8; 32]> {
    let mut mac = Hmac::<Sm3>::new_from_slice(key).ok()?;
    mac.update(data);
    Some(mac.finalize().into_bytes().into())
}

/// The P-256 private key of `SDK-ECDSA-P256-SHA256` for this AK/SK (HMAC-SHA256).
pub fn ecdsa_p256(access_key: &str, secret_key: &[u8]) -> Result<p256::SecretKey, SigningError> {
    derive(
        "SDK-ECDSA-P256-SHA256",
        access_key,
        secret_key,
        hmac_sha256,
        |bytes| p256::SecretKey::from_bytes(bytes.into()).ok(),
    )
}

/// The SM2 private key of `SDK-SM2-SM3` for this AK/SK (HMAC-SM3: the SM2 signer hashes with
/// SM3 throughout, its key derivation included).
pub fn sm2(access_key: &str, secret_key: &[u8]) -> Result<sm2::SecretKey, SigningError> {
    derive("SDK-SM2-SM3", access_key, secret_key, hmac_sm3, |bytes| {
        sm2::SecretKey::from_bytes(bytes.into()).ok()
    })
}

/// V11's signing key for `scope` (`date/region/service`): HKDF-SHA256 with the AK as salt and
/// the SK as input key material, 32 bytes expanded with the scope as info, as lower-case hex;
/// the official signer keys HMAC with that hex text, not with the bytes.
pub fn v11_key(access_key: &str, secret_key: &[u8], scope: &str) -> Result<String, SigningError> {
    let hkdf = Hkdf::<Sha256>::new(Some(access_key.as_bytes()), secret_key);
    let mut key = [0u8; 32];
    hkdf.expand(scope.as_bytes(), &mut key)
        .map_err(|_| SigningError::Request("HKDF cannot expand 32 bytes".into()))?;
    Ok(super::choice::lower_hex(&key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_one_carries_and_overflows() {
        let mut low = [0u8; 32];
        low[31] = 0xff;
        let mut expected = [0u8; 32];
        expected[30] = 1;
        assert_eq!(plus_one(low), Some(expected));
        assert_eq!(plus_one([0xff; 32]), None);
    }

    #[test]
    fn the_kdf_input_is_laid_out_as_the_official_signer_lays_it_out() {
        let data = kdf_input("SDK-SM2-SM3", "AK", 7);
        assert_eq!(&data[..4], &[0, 0, 0, 1]);
        assert_eq!(&data[4..15], b"SDK-SM2-SM3");
        assert_eq!(&data[15..], &[0, b'A', b'K', 7, 0, 0, 1, 0]);
    }
}
