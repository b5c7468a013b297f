//! [`SigningAlgorithm`]: how a request is signed, and what each algorithm does with the
//! canonical request: its digest, its string to sign, its `Authorization` form.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};
use sm3::Sm3;

/// How a request is signed, as the official SDKs' `SigningAlgorithm` (and the derived-key
/// signer) name it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SigningAlgorithm {
    /// `SDK-HMAC-SHA256`, the default everywhere.
    #[default]
    HmacSha256,
    /// `SDK-HMAC-SM3`: HMAC over the Chinese national hash SM3 (GM/T 0004).
    HmacSm3,
    /// `SDK-ECDSA-P256-SHA256`: ECDSA over P-256 with a private key derived from AK/SK.
    EcdsaP256Sha256,
    /// `SDK-SM2-SM3`: SM2 signatures (GM/T 0003) with a private key derived from AK/SK.
    Sm2Sm3,
    /// `V11-HMAC-SHA256`: HMAC-SHA256 keyed with an HKDF key of AK/SK scoped to the date,
    /// region and service.
    V11HmacSha256,
}

/// The digest an algorithm hashes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    /// SHA-256.
    Sha256,
    /// SM3.
    Sm3,
}

impl Hash {
    /// The lower-case hex digest of `data`.
    pub fn hex(self, data: &[u8]) -> String {
        match self {
            Hash::Sha256 => lower_hex(&Sha256::digest(data)),
            Hash::Sm3 => lower_hex(&Sm3::digest(data)),
        }
    }
}

impl SigningAlgorithm {
    /// Every algorithm, the default first.
    pub const ALL: [SigningAlgorithm; 5] = [
        SigningAlgorithm::HmacSha256,
        SigningAlgorithm::HmacSm3,
        SigningAlgorithm::EcdsaP256Sha256,
        SigningAlgorithm::Sm2Sm3,
        SigningAlgorithm::V11HmacSha256,
    ];

    /// The name in `Authorization` and the string to sign.
    pub fn name(self) -> &'static str {
        match self {
            SigningAlgorithm::HmacSha256 => "SDK-HMAC-SHA256",
            SigningAlgorithm::HmacSm3 => "SDK-HMAC-SM3",
            SigningAlgorithm::EcdsaP256Sha256 => "SDK-ECDSA-P256-SHA256",
            SigningAlgorithm::Sm2Sm3 => "SDK-SM2-SM3",
            SigningAlgorithm::V11HmacSha256 => "V11-HMAC-SHA256",
        }
    }

    /// The short name people type (`sm2-sm3`).
    pub fn short_name(self) -> &'static str {
        match self {
            SigningAlgorithm::HmacSha256 => "hmac-sha256",
            SigningAlgorithm::HmacSm3 => "hmac-sm3",
            SigningAlgorithm::EcdsaP256Sha256 => "ecdsa-p256-sha256",
            SigningAlgorithm::Sm2Sm3 => "sm2-sm3",
            SigningAlgorithm::V11HmacSha256 => "v11-hmac-sha256",
        }
    }

    /// The digest of the payload and of the canonical request: SM3 for the SM algorithms.
    pub fn hash(self) -> Hash {
        match self {
            SigningAlgorithm::HmacSm3 | SigningAlgorithm::Sm2Sm3 => Hash::Sm3,
            _ => Hash::Sha256,
        }
    }

    /// The header an unsigned payload is declared in (`X-Sdk-Content-Sha256` or `-Sm3`).
    pub fn content_header(self) -> &'static str {
        match self.hash() {
            Hash::Sha256 => "x-sdk-content-sha256",
            Hash::Sm3 => "x-sdk-content-sm3",
        }
    }

    /// The hex digest of the body (of nothing, for a GET).
    pub fn payload_hash(self, body: &[u8]) -> String {
        self.hash().hex(body)
    }

    /// `<name>\n<date>\n[<scope>\n]<hex digest of the canonical request>`; the scope
    /// (`date/region/service`) is V11's alone.
    pub fn string_to_sign(self, sdk_date: &str, scope: &str, canonical_request: &str) -> String {
        let digest = self.hash().hex(canonical_request.as_bytes());
        match self {
            SigningAlgorithm::V11HmacSha256 => {
                format!("{}\n{sdk_date}\n{scope}\n{digest}", self.name())
            }
            _ => format!("{}\n{sdk_date}\n{digest}", self.name()),
        }
    }

    /// The `Authorization` value: `Access=<AK>` for the SDK algorithms, `Credential=<AK>/<scope>`
    /// for V11.
    pub fn authorization(
        self,
        access_key: &str,
        scope: &str,
        signed_headers: &[String],
        signature: &str,
    ) -> String {
        let headers = signed_headers.join(";");
        match self {
            SigningAlgorithm::V11HmacSha256 => format!(
                "{} Credential={access_key}/{scope}, SignedHeaders={headers}, Signature={signature}",
                self.name()
            ),
            _ => format!(
                "{} Access={access_key}, SignedHeaders={headers}, Signature={signature}",
                self.name()
            ),
        }
    }
}

/// V11's scope: the signing day (`YYYYMMDD` of `X-Sdk-Date`), the region and the service.
pub fn v11_scope(sdk_date: &str, region: &str, service: &str) -> String {
    let day = sdk_date.get(..8).unwrap_or(sdk_date);
    format!("{day}/{region}/{service}")
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short_name())
    }
}

impl FromStr for SigningAlgorithm {
    type Err = String;

    /// The short name or the SDKs' name, any case, `_` for `-` (`SM2_SM3`, as the SDKs' enum
    /// spells it, is `sm2-sm3`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
        let wanted = wanted.strip_prefix("sdk-").unwrap_or(&wanted);
        Self::ALL
            .into_iter()
            .find(|algorithm| {
                algorithm.short_name() == wanted || algorithm.name().to_ascii_lowercase() == wanted
            })
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|a| a.short_name()).collect();
                format!(
                    "{text:?} is not a signing algorithm: one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Lower-case hex of bytes, into one pre-sized string (`hex::encode` collects char by char,
/// which was a tenth of the signing time).
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_digests_are_the_standard_ones() {
        for algorithm in SigningAlgorithm::ALL {
            assert_eq!(algorithm.short_name().parse(), Ok(algorithm));
            assert_eq!(algorithm.name().parse(), Ok(algorithm));
        }
        assert_eq!("SM2_SM3".parse(), Ok(SigningAlgorithm::Sm2Sm3));
        assert!("rsa".parse::<SigningAlgorithm>().is_err());
        // The empty-body hashes the official signer hard-codes.
        assert_eq!(
            SigningAlgorithm::HmacSha256.payload_hash(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            SigningAlgorithm::Sm2Sm3.payload_hash(b""),
            "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
        );
        assert_eq!(
            v11_scope("20240101T000000Z", "cn-north-4", "hss"),
            "20240101/cn-north-4/hss"
        );
    }
}
