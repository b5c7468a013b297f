//! [`Signer`]: signs a `reqwest::Request` in place, as the official SDKs' signers do.

use std::fmt;
use std::sync::{Arc, OnceLock};

use jiff::Timestamp;
use reqwest::header::{AUTHORIZATION, HOST, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::algorithm::{
    Authorization, SDK_DATE, SECURITY_TOKEN, canonical_request, format_sdk_date, payload_hash,
    signature, signed_header_names, string_to_sign,
};
use crate::algorithms::{SigningAlgorithm, SigningKey, v11_scope};
use crate::canonical;
use crate::error::SigningError;

/// How to sign: the algorithm, and for `V11-HMAC-SHA256` the region and service its key is
/// scoped to (the official SDK's `region_id` and `derived_auth_service_name`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scheme {
    /// The algorithm.
    pub algorithm: SigningAlgorithm,
    /// The region, which V11 needs.
    pub region: Option<String>,
    /// The service's name in V11's scope.
    pub service: String,
}

/// Signs requests with an access key (AK) and secret key (SK), plus the security token of
/// temporary credentials when there is one. `Debug` shows the AK only.
#[derive(Clone)]
pub struct Signer {
    access_key: String,
    secret_key: SecretString,
    security_token: Option<SecretString>,
    /// Each algorithm's key, derived on first use and shared by clones (an ECDSA or SM2 key
    /// costs a scalar multiplication).
    keys: Arc<[OnceLock<SigningKey>; 5]>,
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
    pub fn new(
        access_key: impl Into<String>,
        secret_key: SecretString,
    ) -> Result<Self, SigningError> {
        let access_key = access_key.into();
        check_key("access key (AK)", &access_key, true)?;
        check_key("secret key (SK)", secret_key.expose_secret(), false)?;
        Ok(Self {
            access_key,
            secret_key,
            security_token: None,
            keys: Arc::default(),
        })
    }

    /// Adds the security token of temporary credentials; it is sent and signed as
    /// `X-Security-Token`.
    pub fn with_security_token(mut self, token: SecretString) -> Result<Self, SigningError> {
        check_key("security token", token.expose_secret(), false)?;
        self.security_token = Some(token);
        Ok(self)
    }

    /// Whether these are temporary credentials (they carry a security token).
    pub fn has_security_token(&self) -> bool {
        self.security_token.is_some()
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
    pub fn sign(&self, request: &mut reqwest::Request, now: Timestamp) -> Result<(), SigningError> {
        self.sign_with(request, now, &Scheme::default())
    }

    /// The key of `algorithm`, derived once.
    fn key(&self, algorithm: SigningAlgorithm) -> Result<&SigningKey, SigningError> {
        let index = SigningAlgorithm::ALL
            .iter()
            .position(|known| *known == algorithm)
            .unwrap_or(0);
        let slot = &self.keys[index];
        if let Some(key) = slot.get() {
            return Ok(key);
        }
        let key = SigningKey::derive(
            algorithm,
            &self.access_key,
            self.secret_key.expose_secret().as_bytes(),
        )?;
        Ok(slot.get_or_init(|| key))
    }

    /// [`sign`](Self::sign) with `scheme`'s algorithm: its payload and canonical-request
    /// digest, string to sign, signature and `Authorization` form (`Credential=AK/scope` for
    /// V11, which needs the scheme's region).
    pub fn sign_with(
        &self,
        request: &mut reqwest::Request,
        now: Timestamp,
        scheme: &Scheme,
    ) -> Result<(), SigningError> {
        let algorithm = scheme.algorithm;
        request.headers_mut().remove(AUTHORIZATION);
        let headers = request.headers_mut();
        let date = match headers.get(SDK_DATE) {
            Some(existing) => existing
                .to_str()
                .map_err(|_| SigningError::Request("X-Sdk-Date is not ASCII".into()))?
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
                SigningError::Request(format!(
                    "header {name} is not visible ASCII and cannot be signed"
                ))
            })?;
            headers.push((name.as_str(), value));
        }
        let signed_headers = signed_header_names(&headers);
        let payload = match request.body() {
            None => &[][..],
            Some(body) => body.as_bytes().ok_or_else(|| {
                SigningError::Request("a streaming body cannot be signed; use a byte body".into())
            })?,
        };
        let payload_hash = match algorithm {
            SigningAlgorithm::HmacSha256 => payload_hash(payload),
            other => other.payload_hash(payload),
        };
        let canonical_request = canonical_request(
            request.method().as_str(),
            request.url().path(),
            &query,
            &headers,
            &signed_headers,
            &payload_hash,
        );
        let authorization = if algorithm == SigningAlgorithm::HmacSha256 {
            // The default, on its own measured path.
            let signature = signature(
                self.secret_key.expose_secret().as_bytes(),
                &string_to_sign(&date, &canonical_request),
            )?;
            Authorization::hmac_sha256(self.access_key.clone(), signed_headers, signature)
                .to_string()
        } else {
            let scope = match (algorithm, &scheme.region) {
                (SigningAlgorithm::V11HmacSha256, Some(region)) => {
                    v11_scope(&date, region, &scheme.service)
                }
                (SigningAlgorithm::V11HmacSha256, None) => {
                    return Err(SigningError::Request(
                        "V11-HMAC-SHA256 needs the region its key is scoped to: give a region"
                            .into(),
                    ));
                }
                _ => String::new(),
            };
            let to_sign = algorithm.string_to_sign(&date, &scope, &canonical_request);
            let signature = self.key(algorithm)?.sign(&to_sign, &scope)?;
            algorithm.authorization(&self.access_key, &scope, &signed_headers, &signature)
        };
        let mut value = header_value(&authorization)?;
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }
}

/// What [`Signer::sign`] needs of a request: visible-ASCII header values and a byte body (or
/// none). Checking this is much cheaper than signing.
pub fn check_signable(request: &reqwest::Request) -> Result<(), SigningError> {
    for (name, value) in request.headers() {
        if value.to_str().is_err() {
            return Err(SigningError::Request(format!(
                "header {name} is not visible ASCII and cannot be signed"
            )));
        }
    }
    if request.body().is_some_and(|body| body.as_bytes().is_none()) {
        return Err(SigningError::Request(
            "a streaming body cannot be signed; use a byte body".into(),
        ));
    }
    Ok(())
}

fn check_key(what: &str, key: &str, show: bool) -> Result<(), SigningError> {
    let shown = || {
        if show {
            format!(" {key:?}")
        } else {
            String::new()
        }
    };
    if key.is_empty() {
        return Err(SigningError::Key(format!("the {what} is empty")));
    }
    if key.trim() != key || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(SigningError::Key(format!(
            "the {what}{} has spaces or characters outside printable ASCII",
            shown()
        )));
    }
    Ok(())
}

fn header_value(text: &str) -> Result<HeaderValue, SigningError> {
    HeaderValue::from_str(text)
        .map_err(|_| SigningError::Request("a header value is not ASCII".into()))
}

/// `host[:port]` as the `Host` header carries it: the port only when it is not the scheme's.
pub fn host_header(url: &reqwest::Url) -> Result<String, SigningError> {
    let host = url
        .host_str()
        .ok_or_else(|| SigningError::Request(format!("{url} has no host")))?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}
