//! The steps of `SDK-HMAC-SHA256`: the canonical request, the string to sign, the signature,
//! and the `Authorization` header that carries it.

use std::fmt;

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::algorithms::choice::lower_hex;
use crate::canonical;
use crate::error::SigningError;

/// The algorithm name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Header carrying the signing time, `YYYYMMDDTHHMMSSZ` in UTC.
pub const SDK_DATE: &str = "x-sdk-date";
/// Header carrying the security token of temporary credentials.
pub const SECURITY_TOKEN: &str = "x-security-token";
/// `strftime` format of [`SDK_DATE`].
const SDK_DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// `YYYYMMDDTHHMMSSZ` in UTC, the form of `X-Sdk-Date`.
pub fn format_sdk_date(time: Timestamp) -> String {
    time.strftime(SDK_DATE_FORMAT).to_string()
}

/// Reads an `X-Sdk-Date` value (also the `signature time`/`server time` of gateway messages).
pub fn parse_sdk_date(text: &str) -> Option<Timestamp> {
    jiff::civil::DateTime::strptime(SDK_DATE_FORMAT, text.trim())
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|zoned| zoned.timestamp())
}

/// Lower-cased header names, sorted, without `authorization` and, as the official signer does,
/// without names containing `_`: the names a signature covers.
pub fn signed_header_names<N, V>(headers: &[(N, V)]) -> Vec<String>
where
    N: AsRef<str>,
{
    let mut names: Vec<String> = headers
        .iter()
        .map(|(name, _)| name.as_ref())
        .filter(|name| !name.eq_ignore_ascii_case("authorization") && !name.contains('_'))
        .map(str::to_ascii_lowercase)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Hex SHA-256 of the body (of nothing, for a GET).
pub fn payload_hash(body: &[u8]) -> String {
    lower_hex(&Sha256::digest(body))
}

/// The canonical request: method, canonical URI, canonical query, the signed headers as
/// `name:trimmed value` lines, the signed header names, and the payload hash.
///
/// `raw_path` is the path as on the wire (percent-encoded); `canonical_query` is already
/// canonical; `headers` are `(name, value)` pairs whose names match `signed_headers` case-
/// insensitively (repeated headers are joined with `,`).
pub fn canonical_request<N, V, S>(
    method: &str,
    raw_path: &str,
    canonical_query: &str,
    headers: &[(N, V)],
    signed_headers: &[S],
    payload_hash: &str,
) -> String
where
    N: AsRef<str>,
    V: AsRef<str>,
    S: AsRef<str>,
{
    let mut out = String::with_capacity(
        raw_path.len()
            + canonical_query.len()
            + headers
                .iter()
                .map(|(n, v)| 2 * n.as_ref().len() + v.as_ref().len() + 3)
                .sum::<usize>()
            + payload_hash.len()
            + 32,
    );
    for byte in method.bytes() {
        out.push(char::from(byte.to_ascii_uppercase()));
    }
    out.push('\n');
    out.push_str(&canonical::canonical_uri(raw_path));
    out.push('\n');
    out.push_str(canonical_query);
    out.push('\n');
    for name in signed_headers {
        let name = name.as_ref();
        out.push_str(name);
        out.push(':');
        let mut first = true;
        for (_, value) in headers
            .iter()
            .filter(|(n, _)| n.as_ref().eq_ignore_ascii_case(name))
        {
            if !first {
                out.push(',');
            }
            out.push_str(value.as_ref().trim());
            first = false;
        }
        out.push('\n');
    }
    out.push('\n');
    for (index, name) in signed_headers.iter().enumerate() {
        if index > 0 {
            out.push(';');
        }
        out.push_str(name.as_ref());
    }
    out.push('\n');
    out.push_str(payload_hash);
    out
}

/// `SDK-HMAC-SHA256\n<date>\n<hex sha256 of the canonical request>`.
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    let digest = lower_hex(&Sha256::digest(canonical_request.as_bytes()));
    let mut text = String::with_capacity(ALGORITHM.len() + sdk_date.len() + digest.len() + 2);
    for part in [ALGORITHM, "\n", sdk_date, "\n", &digest] {
        text.push_str(part);
    }
    text
}

/// Hex HMAC-SHA256 of the string to sign, keyed with the secret key.
pub fn signature(secret_key: &[u8], string_to_sign: &str) -> Result<String, SigningError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key)
        .map_err(|_| SigningError::Request("the secret key cannot key HMAC-SHA256".into()))?;
    mac.update(string_to_sign.as_bytes());
    Ok(lower_hex(&mac.finalize().into_bytes()))
}

/// The parts of an `Authorization` header of any algorithm:
/// `<algorithm> Access=<AK>, SignedHeaders=<names>, Signature=<hex>`, or for V11
/// `V11-HMAC-SHA256 Credential=<AK>/<date>/<region>/<service>, SignedHeaders=.., Signature=..`.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The algorithm named first.
    pub algorithm: crate::SigningAlgorithm,
    /// The AK.
    pub access_key: String,
    /// V11's scope (`date/region/service`), from its `Credential`.
    pub scope: Option<String>,
    /// Lower-case names, in the order signed.
    pub signed_headers: Vec<String>,
    /// Hex signature.
    pub signature: String,
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("algorithm", &self.algorithm)
            .field("access_key", &self.access_key)
            .field("scope", &self.scope)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"[redacted]")
            .finish()
    }
}

impl fmt::Display for Authorization {
    /// The header value, signature included: for the wire, never for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.algorithm.authorization(
            &self.access_key,
            self.scope.as_deref().unwrap_or_default(),
            &self.signed_headers,
            &self.signature,
        ))
    }
}

impl Authorization {
    /// An `SDK-HMAC-SHA256` authorization.
    pub fn hmac_sha256(access_key: String, signed_headers: Vec<String>, signature: String) -> Self {
        Self {
            algorithm: crate::SigningAlgorithm::HmacSha256,
            access_key,
            scope: None,
            signed_headers,
            signature,
        }
    }

    /// Reads a header value of any of the algorithms; `None` if it is none of them or a part
    /// is missing or unknown.
    pub fn parse(value: &str) -> Option<Self> {
        let (name, rest) = value.trim().split_once(' ')?;
        let algorithm = crate::SigningAlgorithm::ALL
            .into_iter()
            .find(|algorithm| algorithm.name() == name)?;
        let v11 = algorithm == crate::SigningAlgorithm::V11HmacSha256;
        let (mut access_key, mut scope, mut signed_headers, mut signature) =
            (None, None, None, None);
        for part in rest.trim_start().split(',') {
            let (key, value) = part.trim().split_once('=')?;
            let value = value.trim();
            match key.trim() {
                "Access" if !v11 => access_key = Some(value.to_owned()),
                "Credential" if v11 => {
                    let (ak, rest) = value.split_once('/')?;
                    access_key = Some(ak.to_owned());
                    scope = Some(rest.to_owned()).filter(|s| s.split('/').count() == 3);
                    scope.as_ref()?;
                }
                "SignedHeaders" => {
                    signed_headers = Some(value.split(';').map(str::to_owned).collect::<Vec<_>>())
                }
                "Signature" => signature = Some(value.to_owned()),
                _ => return None,
            }
        }
        Some(Self {
            algorithm,
            access_key: access_key.filter(|a| !a.is_empty())?,
            scope,
            signed_headers: signed_headers.filter(|h| h.iter().all(|n| !n.is_empty()))?,
            signature: signature.filter(|s| !s.is_empty())?,
        })
    }
}
