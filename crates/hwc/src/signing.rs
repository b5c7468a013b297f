//! Huawei Cloud's AK/SK request signature, `SDK-HMAC-SHA256`.
//!
//! [`Signer`] signs any `reqwest::Request`, so it also serves Huawei APIs this crate does not
//! wrap. The free functions are the steps of the algorithm; the simulator uses them to verify
//! what clients send, so both sides share one definition.

use std::fmt;

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use reqwest::header::{AUTHORIZATION, HOST, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::canonical;
use crate::error::Error;

/// The algorithm name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Header carrying the signing time, `YYYYMMDDTHHMMSSZ` in UTC.
pub const SDK_DATE: &str = "x-sdk-date";
/// Header carrying the security token of temporary credentials.
pub const SECURITY_TOKEN: &str = "x-security-token";
/// `strftime` format of [`SDK_DATE`].
const SDK_DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// Signs requests with an access key (AK) and secret key (SK), plus the security token of
/// temporary credentials when there is one. `Debug` shows the AK only.
#[derive(Clone)]
pub struct Signer {
    access_key: String,
    secret_key: SecretString,
    security_token: Option<SecretString>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("access_key", &self.access_key)
            .field("secret_key", &"[redacted]")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl Signer {
    /// A signer for this AK/SK pair. Both must be non-empty printable ASCII without spaces, as
    /// Huawei Cloud issues them; anything else could not go into a header.
    pub fn new(access_key: impl Into<String>, secret_key: SecretString) -> Result<Self, Error> {
        let access_key = access_key.into();
        check_key("access key (AK)", &access_key, true)?;
        check_key("secret key (SK)", secret_key.expose_secret(), false)?;
        Ok(Self {
            access_key,
            secret_key,
            security_token: None,
        })
    }

    /// Adds the security token of temporary credentials; it is sent and signed as
    /// `X-Security-Token`.
    pub fn with_security_token(mut self, token: SecretString) -> Result<Self, Error> {
        check_key("security token", token.expose_secret(), false)?;
        self.security_token = Some(token);
        Ok(self)
    }

    /// The access key, which is not secret and appears in every `Authorization` header.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// Signs `request` in place at time `now`, as the official signer does: sets `X-Sdk-Date`
    /// unless the request already has one (then signs with that date), sets `Host` unless
    /// present, adds `X-Security-Token`, rewrites the query string to its canonical form (so it
    /// goes out exactly as signed), signs every header present, and sets `Authorization`.
    ///
    /// Headers a `reqwest::Client` adds when sending (its default headers, `User-Agent`) are not
    /// in the request yet and so are not signed; the gateway accepts any list that includes
    /// `host` and `x-sdk-date`.
    pub fn sign(&self, request: &mut reqwest::Request, now: Timestamp) -> Result<(), Error> {
        request.headers_mut().remove(AUTHORIZATION);
        let headers = request.headers_mut();
        let date = match headers.get(SDK_DATE) {
            Some(existing) => existing
                .to_str()
                .map_err(|_| Error::Signing("X-Sdk-Date is not ASCII".into()))?
                .to_owned(),
            None => {
                let date = format_sdk_date(now);
                headers.insert(SDK_DATE, header_value(&date)?);
                date
            }
        };
        if let Some(token) = &self.security_token {
            let mut value = header_value(token.expose_secret())?;
            // Kept out of `Debug` of the request and its headers, like `Authorization`.
            value.set_sensitive(true);
            request
                .headers_mut()
                .insert(HeaderName::from_static(SECURITY_TOKEN), value);
        }
        if !request.headers().contains_key(HOST) {
            let host = host_header(request.url())?;
            request.headers_mut().insert(HOST, header_value(&host)?);
        }

        let raw_query = request.url().query().unwrap_or_default();
        let query = canonical::canonical_query(&canonical::parse_query(raw_query));
        if query != raw_query {
            // Rewriting the URL re-parses it, so only when the query is not canonical yet.
            request
                .url_mut()
                .set_query(if query.is_empty() { None } else { Some(&query) });
        }

        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(request.headers().len());
        for (name, value) in request.headers() {
            let value = value.to_str().map_err(|_| {
                Error::Signing(format!(
                    "header {name} is not visible ASCII and cannot be signed"
                ))
            })?;
            headers.push((name.as_str(), value));
        }
        let signed_headers = signed_header_names(&headers);
        let payload = match request.body() {
            None => &[][..],
            Some(body) => body.as_bytes().ok_or_else(|| {
                Error::Signing("a streaming body cannot be signed; use a byte body".into())
            })?,
        };
        let canonical_request = canonical_request(
            request.method().as_str(),
            request.url().path(),
            &query,
            &headers,
            &signed_headers,
            &payload_hash(payload),
        );
        let signature = signature(
            self.secret_key.expose_secret().as_bytes(),
            &string_to_sign(&date, &canonical_request),
        )?;
        let authorization = Authorization {
            access_key: self.access_key.clone(),
            signed_headers,
            signature,
        };
        let mut value = header_value(&authorization.to_string())?;
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }
}

/// What [`Signer::sign`] needs of a request: visible-ASCII header values and a byte body (or
/// none). Checking this is much cheaper than signing.
pub fn check_signable(request: &reqwest::Request) -> Result<(), Error> {
    for (name, value) in request.headers() {
        if value.to_str().is_err() {
            return Err(Error::Signing(format!(
                "header {name} is not visible ASCII and cannot be signed"
            )));
        }
    }
    if request.body().is_some_and(|body| body.as_bytes().is_none()) {
        return Err(Error::Signing(
            "a streaming body cannot be signed; use a byte body".into(),
        ));
    }
    Ok(())
}

fn check_key(what: &str, key: &str, show: bool) -> Result<(), Error> {
    let shown = || {
        if show {
            format!(" {key:?}")
        } else {
            String::new()
        }
    };
    if key.is_empty() {
        return Err(crate::ConfigError::Credentials {
            problem: format!("the {what} is empty"),
        }
        .into());
    }
    if key.trim() != key || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(crate::ConfigError::Credentials {
            problem: format!(
                "the {what}{} has spaces or characters outside printable ASCII",
                shown()
            ),
        }
        .into());
    }
    Ok(())
}

fn header_value(text: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(text).map_err(|_| Error::Signing("a header value is not ASCII".into()))
}

/// `host[:port]` as the `Host` header carries it: the port only when it is not the scheme's.
pub fn host_header(url: &reqwest::Url) -> Result<String, Error> {
    let host = url
        .host_str()
        .ok_or_else(|| Error::Signing(format!("{url} has no host")))?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

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

/// Lower-case hex of a digest into one pre-sized string (`hex::encode` collects char by char,
/// which was a tenth of the signing time).
fn lower_hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(digest.len() * 2);
    for byte in digest {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
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
pub fn signature(secret_key: &[u8], string_to_sign: &str) -> Result<String, Error> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key)
        .map_err(|_| Error::Signing("the secret key cannot key HMAC-SHA256".into()))?;
    mac.update(string_to_sign.as_bytes());
    Ok(lower_hex(&mac.finalize().into_bytes()))
}

/// The parts of an `Authorization: SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..`.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The AK.
    pub access_key: String,
    /// Lower-case names, in the order signed.
    pub signed_headers: Vec<String>,
    /// Hex signature.
    pub signature: String,
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("access_key", &self.access_key)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"[redacted]")
            .finish()
    }
}

impl fmt::Display for Authorization {
    /// The header value, signature included: for the wire, never for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{ALGORITHM} Access={}, SignedHeaders={}, Signature={}",
            self.access_key,
            self.signed_headers.join(";"),
            self.signature
        )
    }
}

impl Authorization {
    /// Reads a header value; `None` if it is not an `SDK-HMAC-SHA256` authorization.
    pub fn parse(value: &str) -> Option<Self> {
        let rest = value.trim().strip_prefix(ALGORITHM)?.trim_start();
        let (mut access_key, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (key, value) = part.trim().split_once('=')?;
            match key.trim() {
                "Access" => access_key = Some(value.trim().to_owned()),
                "SignedHeaders" => {
                    signed_headers = Some(
                        value
                            .trim()
                            .split(';')
                            .map(str::to_owned)
                            .collect::<Vec<_>>(),
                    )
                }
                "Signature" => signature = Some(value.trim().to_owned()),
                _ => return None,
            }
        }
        Some(Self {
            access_key: access_key.filter(|a| !a.is_empty())?,
            signed_headers: signed_headers.filter(|h| h.iter().all(|n| !n.is_empty()))?,
            signature: signature.filter(|s| !s.is_empty())?,
        })
    }
}
