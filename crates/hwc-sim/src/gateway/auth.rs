//! Authentication as Huawei Cloud's API gateway does it: an IAM token in `X-Auth-Token`, or an
//! `SDK-HMAC-SHA256` signature checked against the configured AK/SK pairs within 15 minutes of
//! the server's clock, with `X-Security-Token` for temporary credentials. The canonical forms are
//! `hwc`'s, which match the official signer byte for byte.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::http::request::Parts;
use hwc_signing::{self as signing, Authorization, Received};
use jiff::{SignedDuration, Timestamp};

use super::GatewayError;

/// How far a request's `X-Sdk-Date` may be from the server's clock.
pub const MAX_CLOCK_SKEW: SignedDuration = SignedDuration::from_mins(15);

/// One AK/SK pair the gateway accepts; temporary ones also need their security token.
#[derive(Clone, Debug)]
pub struct AccessKey {
    /// Access key id.
    pub ak: String,
    /// Secret key.
    pub sk: String,
    /// Security token of temporary credentials.
    pub security_token: Option<String>,
}

/// Locks an AK after repeated failures, as the gateway does (5 in a row: 5 minutes). Wrong
/// signatures count; signatures refused only because their time is off do not (an assumption:
/// FACTS.md does not say which failures the gateway counts).
#[derive(Clone, Copy, Debug)]
pub struct Lockout {
    /// Failures in a row that lock the AK.
    pub failures: u32,
    /// How long it stays locked.
    pub duration: Duration,
}

/// The accepted credentials and the failure counts per AK.
pub struct Authenticator {
    keys: Vec<AccessKey>,
    tokens: Vec<String>,
    lockout: Option<Lockout>,
    failures: Mutex<HashMap<String, (u32, Option<Instant>)>>,
    /// Temporary credentials handed out (metadata service, IAM), by AK, with their expiry.
    issued: Mutex<HashMap<String, (AccessKey, Timestamp)>>,
    /// The signing algorithms accepted (every one when empty).
    algorithms: Vec<signing::SigningAlgorithm>,
}

impl Authenticator {
    /// Accepts these AK/SK pairs and tokens.
    pub fn new(keys: Vec<AccessKey>, tokens: Vec<String>, lockout: Option<Lockout>) -> Self {
        Self {
            keys,
            tokens,
            lockout,
            failures: Mutex::new(HashMap::new()),
            issued: Mutex::new(HashMap::new()),
            algorithms: Vec::new(),
        }
    }

    /// Accepts only signatures of these algorithms (every one when empty), as a gateway
    /// configured for one rule set would.
    pub fn accept_only(mut self, algorithms: Vec<signing::SigningAlgorithm>) -> Self {
        self.algorithms = algorithms;
        self
    }

    /// New temporary credentials, valid until `expires_at`, which the gateway accepts from now
    /// on (refusing them with `APIGW.0307` once expired).
    pub fn issue(&self, expires_at: Timestamp) -> AccessKey {
        use rand::Rng;
        let mut rng = rand::rng();
        let hex = |rng: &mut rand::rngs::ThreadRng, length: usize| -> String {
            (0..length)
                .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
                .collect()
        };
        let key = AccessKey {
            ak: format!("TMP{}", hex(&mut rng, 17)).to_uppercase(),
            sk: hex(&mut rng, 40),
            security_token: Some(hex(&mut rng, 96)),
        };
        if let Ok(mut issued) = self.issued.lock() {
            // Long-expired ones are forgotten, so a long run does not grow without bound.
            let horizon = expires_at - SignedDuration::from_hours(24);
            issued.retain(|_, (_, expiry)| *expiry > horizon);
            issued.insert(key.ak.clone(), (key.clone(), expires_at));
        }
        key
    }

    /// A configured key, or an issued one with its expiry.
    fn find(&self, ak: &str) -> Option<(AccessKey, Option<Timestamp>)> {
        if let Some(key) = self.keys.iter().find(|k| k.ak == ak) {
            return Some((key.clone(), None));
        }
        let issued = self.issued.lock().ok()?;
        issued
            .get(ak)
            .map(|(key, expiry)| (key.clone(), Some(*expiry)))
    }

    /// Checks the request; `server_now` is the server's clock (possibly skewed on purpose).
    pub fn check(
        &self,
        parts: &Parts,
        body: &[u8],
        server_now: Timestamp,
    ) -> Result<(), GatewayError> {
        let headers = &parts.headers;
        if let Some(token) = headers.get("x-auth-token") {
            let token = token.to_str().unwrap_or_default();
            return if self.tokens.iter().any(|known| known == token) {
                Ok(())
            } else {
                Err(GatewayError::unauthorized(
                    "the token is invalid or has expired",
                ))
            };
        }
        let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else {
            return Err(GatewayError::unauthorized(
                "neither X-Auth-Token nor Authorization is present",
            ));
        };
        let Some(authorization) = value.to_str().ok().and_then(Authorization::parse) else {
            return Err(GatewayError::unauthorized(
                "the Authorization header is not a signature of a known algorithm",
            ));
        };
        if !self.algorithms.is_empty() && !self.algorithms.contains(&authorization.algorithm) {
            return Err(GatewayError::unauthorized(format!(
                "the signing algorithm {} is not accepted here",
                authorization.algorithm.name()
            )));
        }
        let Some((key, expiry)) = self.find(&authorization.access_key) else {
            return Err(GatewayError::unauthorized(format!(
                "the access key {} does not exist",
                authorization.access_key
            )));
        };
        if expiry.is_some_and(|expiry| server_now >= expiry) {
            return Err(GatewayError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "APIGW.0307",
                "The token must be updated.",
            ));
        }
        let key = &key;
        if self.is_locked(&key.ak) {
            return Err(GatewayError::unauthorized(
                "the access key is locked after repeated failed authentications; try again later",
            ));
        }
        let outcome = verify(key, &authorization, parts, body, server_now);
        // Lockout stops guessing secret keys. A signature refused only for its time says
        // nothing about the key (the time is checked first), so it neither counts as a failure
        // nor as a success: many calls of a client with a skewed clock must not lock its key.
        let expired = matches!(&outcome, Err(error) if error.message.contains("signature expired"));
        if !expired {
            self.record(&key.ak, outcome.is_ok());
        }
        outcome
    }

    fn is_locked(&self, ak: &str) -> bool {
        let Ok(failures) = self.failures.lock() else {
            return false;
        };
        failures
            .get(ak)
            .and_then(|(_, until)| *until)
            .is_some_and(|until| Instant::now() < until)
    }

    fn record(&self, ak: &str, success: bool) {
        let (Some(lockout), Ok(mut failures)) = (self.lockout, self.failures.lock()) else {
            return;
        };
        if success {
            failures.remove(ak);
            return;
        }
        let entry = failures.entry(ak.to_owned()).or_insert((0, None));
        if entry.1.is_some_and(|until| Instant::now() >= until) {
            *entry = (0, None);
        }
        entry.0 += 1;
        if entry.0 >= lockout.failures {
            *entry = (0, Some(Instant::now() + lockout.duration));
        }
    }
}

fn verify(
    key: &AccessKey,
    authorization: &Authorization,
    parts: &Parts,
    body: &[u8],
    server_now: Timestamp,
) -> Result<(), GatewayError> {
    let signed = &authorization.signed_headers;
    for required in ["host", signing::SDK_DATE] {
        if !signed.iter().any(|name| name == required) {
            return Err(GatewayError::unauthorized(format!(
                "{required} is not among the signed headers"
            )));
        }
    }
    let date_text = header_text(&parts.headers, signing::SDK_DATE).unwrap_or_default();
    let Some(date) = signing::parse_sdk_date(&date_text) else {
        return Err(GatewayError::unauthorized(format!(
            "X-Sdk-Date {date_text:?} is not YYYYMMDDTHHMMSSZ"
        )));
    };
    if date.duration_since(server_now).abs() > MAX_CLOCK_SKEW {
        return Err(expired(&date_text, server_now));
    }
    if let Some(expected) = &key.security_token {
        let sent = header_text(&parts.headers, signing::SECURITY_TOKEN);
        if sent.as_deref() != Some(expected.as_str())
            || !signed.iter().any(|n| n == signing::SECURITY_TOKEN)
        {
            return Err(GatewayError::unauthorized(
                "the security token is missing, wrong or not signed",
            ));
        }
    }
    // Every value of every signed header, repeated names as repeated pairs: canonical_request
    // trims and joins them exactly as it does for the signer (fuzzing found a verifier that
    // joined first, then trimmed, refusing correct signatures).
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(signed.len());
    for name in signed {
        let before = headers.len();
        headers.extend(
            parts
                .headers
                .get_all(name.as_str())
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(|value| (name.as_str(), value)),
        );
        if headers.len() == before {
            return Err(GatewayError::unauthorized(format!(
                "the signed header {name} is missing"
            )));
        }
    }
    let received = Received {
        method: parts.method.as_str(),
        raw_path: parts.uri.path(),
        raw_query: parts.uri.query().unwrap_or_default(),
        signed_headers: &headers,
        sdk_date: &date_text,
        body,
    };
    if signing::verify(key.sk.as_bytes(), &received, authorization) {
        Ok(())
    } else {
        Err(GatewayError::unauthorized("verify aksk signature fail"))
    }
}

/// The gateway's expired-signature rejection, with the message clients parse the clock from.
pub(crate) fn expired(signature_time: &str, server_now: Timestamp) -> GatewayError {
    GatewayError::new(
        axum::http::StatusCode::UNAUTHORIZED,
        "APIGW.0301",
        format!(
            "calc aksk signature fail:signature expired, signature time:{signature_time}, server time:{}",
            signing::format_sdk_date(server_now)
        ),
    )
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fuzz finding `verify_signature` crash-b4634e34: a repeated header whose first value
    /// ends in a tab and whose second is empty. The client signs `x-extra:AAA.88,`.
    #[test]
    fn repeated_headers_with_padded_values_verify() {
        let authenticator = Authenticator::new(
            vec![AccessKey {
                ak: "AK".into(),
                sk: "SK".into(),
                security_token: None,
            }],
            Vec::new(),
            None,
        );
        let now = Timestamp::from_second(1_767_225_600).unwrap();
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            "http://127.0.0.1:8080/?".parse().unwrap(),
        );
        request
            .headers_mut()
            .append("x-extra", "AAA.88\t".parse().unwrap());
        request.headers_mut().append("x-extra", "".parse().unwrap());
        let signer = hwc_signing::Signer::new("AK", secrecy::SecretString::from("SK")).unwrap();
        signer.sign(&mut request, now).unwrap();
        let mut builder = axum::http::Request::builder()
            .method(request.method().as_str())
            .uri(request.url().as_str());
        for (name, value) in request.headers() {
            builder = builder.header(name, value);
        }
        let (parts, ()) = builder.body(()).unwrap().into_parts();
        assert_eq!(authenticator.check(&parts, b"", now), Ok(()));
    }
}
