//! How requests authenticate: the credentials *type*. Where credentials come from (the
//! environment, a profile, the metadata service) is the configuration crate's business; keeping
//! them fresh is [`crate::CredentialsCache`]'s.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::config_error::ConfigError;
use crate::error::Error;
use crate::signing::Signer;

/// How requests authenticate. `Debug` never shows a secret.
#[derive(Clone)]
pub enum Credentials {
    /// AK/SK (and the security token of temporary credentials): every request is signed.
    AccessKey(Signer),
    /// An IAM token sent as `X-Auth-Token`.
    Token(SecretString),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::AccessKey(signer) => f.debug_tuple("AccessKey").field(signer).finish(),
            Credentials::Token(_) => f.write_str("Token([redacted])"),
        }
    }
}

impl Credentials {
    /// AK/SK credentials; both are checked to be usable in a header.
    pub fn access_key(ak: impl Into<String>, sk: impl Into<String>) -> Result<Self, Error> {
        Ok(Self::AccessKey(Signer::new(
            ak,
            SecretString::from(sk.into()),
        )?))
    }

    /// Temporary AK/SK credentials with their security token.
    pub fn temporary(
        ak: impl Into<String>,
        sk: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Result<Self, Error> {
        let signer = Signer::new(ak, SecretString::from(sk.into()))?
            .with_security_token(SecretString::from(security_token.into()))?;
        Ok(Self::AccessKey(signer))
    }

    /// An IAM token (the `X-Subject-Token` IAM returned).
    pub fn token(token: impl Into<String>) -> Result<Self, Error> {
        let token = token.into();
        if token.trim().is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConfigError::Credentials {
                problem: "the IAM token is empty or has characters outside printable ASCII".into(),
            }
            .into());
        }
        Ok(Self::Token(SecretString::from(token)))
    }

    /// What kind they are, for people: `access key`, `temporary access key` or `IAM token`.
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::AccessKey(signer) if signer.has_security_token() => "temporary access key",
            Credentials::AccessKey(_) => "access key",
            Credentials::Token(_) => "IAM token",
        }
    }

    /// The AK as its first and last four characters (`HWCS…0001`), enough to tell keys apart
    /// without showing one; `None` for a token.
    pub fn access_key_hint(&self) -> Option<String> {
        let Credentials::AccessKey(signer) = self else {
            return None;
        };
        let ak: Vec<char> = signer.access_key().chars().collect();
        Some(if ak.len() <= 8 {
            "*".repeat(ak.len())
        } else {
            let head: String = ak[..4].iter().collect();
            let tail: String = ak[ak.len() - 4..].iter().collect();
            format!("{head}…{tail}")
        })
    }

    /// The token of token credentials (sent as `X-Auth-Token`); never shown.
    pub fn token_value(&self) -> Option<&str> {
        match self {
            Credentials::Token(token) => Some(token.expose_secret()),
            Credentials::AccessKey(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show() {
        let token = Credentials::token("tok-secret").unwrap();
        assert_eq!(format!("{token:?}"), "Token([redacted])");
        let keys = Credentials::access_key("AK", "sk-secret").unwrap();
        assert!(!format!("{keys:?}").contains("sk-secret"));
        assert!(Credentials::token(" ").is_err());
    }
}
