//! Temporary credentials from the ECS/BMS metadata service, as an instance with an agency gets
//! them: a session token by `PUT`, then `GET /openstack/latest/securitykey`. Never through a
//! proxy, 3 seconds at most per request.

use std::time::Duration;

use jiff::Timestamp;
use serde::Deserialize;

use hwc_runtime::plumbing::{BodyError, read_limited};
use hwc_runtime::{
    ConfigError, Credentials, Error, ProvideCredentials, ProvideFuture, ProvidedCredentials,
};

use crate::sources::Sources;
use crate::urls::redact_userinfo;

/// Overrides the metadata service's address (tests, unusual networks).
pub const ENV_METADATA_ENDPOINT: &str = "HWC_METADATA_ENDPOINT";
/// Where the metadata service answers on ECS and BMS instances.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://169.254.169.254";
/// The official SDKs' limit for each metadata request.
pub const METADATA_TIMEOUT: Duration = Duration::from_secs(3);

const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
const TOKEN_TTL_HEADER: &str = "X-Metadata-Token-Ttl-Seconds";
const TOKEN_HEADER: &str = "X-Metadata-Token";

/// The metadata service's temporary AK/SK and security token.
#[derive(Debug)]
pub struct EcsMetadata {
    endpoint: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct SecurityKey {
    credential: SecurityKeyCredential,
}

/// The temporary credentials of the metadata service and of IAM's `securitytokens`.
#[derive(Deserialize)]
pub(crate) struct SecurityKeyCredential {
    pub access: String,
    pub secret: String,
    pub securitytoken: String,
    pub expires_at: String,
}

impl SecurityKeyCredential {
    /// The credentials and their expiry, from `source`.
    pub(crate) fn into_provided(self, source: &str) -> Result<ProvidedCredentials, Error> {
        let expires_at =
            parse_expiry(&self.expires_at).ok_or_else(|| ConfigError::Credentials {
                problem: format!(
                    "{source} gave an expiry that is not a time: {:?}",
                    self.expires_at
                ),
            })?;
        Ok(ProvidedCredentials::new(
            Credentials::temporary(self.access, self.secret, self.securitytoken)?,
            source,
        )
        .expiring_at(expires_at))
    }
}

/// `2026-11-23T10:00:00.000000Z`, with or without fractions or zone letter.
fn parse_expiry(text: &str) -> Option<Timestamp> {
    text.parse::<Timestamp>().ok().or_else(|| {
        jiff::civil::DateTime::strptime("%Y-%m-%dT%H:%M:%S%.f", text.trim_end_matches('Z'))
            .ok()
            .and_then(|civil| civil.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|zoned| zoned.timestamp())
    })
}

impl EcsMetadata {
    /// The service at `HWC_METADATA_ENDPOINT`, else at `http://169.254.169.254`.
    pub fn from_environment() -> Result<Self, Error> {
        Self::from_sources(&Sources::real())
    }

    /// The endpoint `HWC_METADATA_ENDPOINT` of `sources` names, else the default.
    pub fn from_sources(sources: &Sources) -> Result<Self, Error> {
        let endpoint = sources
            .non_blank(ENV_METADATA_ENDPOINT)
            .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.to_owned());
        Self::new(endpoint)
    }

    /// The service at `endpoint` (a simulator, a test server).
    pub fn new(endpoint: impl Into<String>) -> Result<Self, Error> {
        let endpoint = endpoint.into().trim_end_matches('/').to_owned();
        crate::tls::install_provider();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(METADATA_TIMEOUT)
            .connect_timeout(METADATA_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|source| ConfigError::HttpClient {
                source: Box::new(source),
            })?;
        Ok(Self { endpoint, http })
    }

    /// The session token, or `None` where the service issues none (404, 405, 503).
    async fn session_token(&self) -> Result<Option<String>, Failed> {
        let answer = self
            .http
            .put(format!("{}{TOKEN_PATH}", self.endpoint))
            .header(TOKEN_TTL_HEADER, "21600")
            .send()
            .await
            .map_err(|error| Failed::NotThere(describe(&error)))?;
        match answer.status().as_u16() {
            200..=299 => {
                let token = read_limited(answer, MAX_CREDENTIALS_BODY)
                    .await
                    .map_err(|error| Failed::Broke(body_problem(&error)))?;
                let token = String::from_utf8(token).map_err(|_| {
                    Failed::Broke(format!("{TOKEN_PATH} answered a token that is not text"))
                })?;
                Ok(Some(token.trim().to_owned()))
            }
            404 | 405 | 503 => Ok(None),
            status => Err(Failed::NotThere(format!("{TOKEN_PATH} answered {status}"))),
        }
    }

    async fn fetch(&self) -> Result<ProvidedCredentials, Failed> {
        // No answer to the first request: there is no metadata service here (not an ECS).
        let token = self.session_token().await?;
        let broke = Failed::Broke;
        let mut request = self
            .http
            .get(format!("{}{SECURITY_KEY_PATH}", self.endpoint));
        if let Some(token) = &token {
            request = request.header(TOKEN_HEADER, token);
        }
        let answer = request
            .send()
            .await
            .map_err(|error| broke(describe(&error)))?;
        let status = answer.status();
        if status.is_server_error() {
            return Err(broke(format!(
                "{SECURITY_KEY_PATH} answered {}",
                status.as_u16()
            )));
        }
        if !status.is_success() {
            return Err(Failed::NotThere(format!(
                "{SECURITY_KEY_PATH} answered {} (is an agency attached to the instance?)",
                status.as_u16()
            )));
        }
        let body = read_limited(answer, MAX_CREDENTIALS_BODY)
            .await
            .map_err(|error| broke(body_problem(&error)))?;
        let key: SecurityKey = serde_json::from_slice(&body).map_err(|error| {
            broke(format!(
                "{SECURITY_KEY_PATH} answered something else than credentials ({})",
                json_problem(&error)
            ))
        })?;
        key.credential
            .into_provided(&self.describe())
            .map_err(|error| Failed::NotThere(error.to_string()))
    }
}

/// Why the metadata service gave no credentials.
enum Failed {
    /// Nothing answered, or it has none for this instance: the chain found no credentials.
    NotThere(String),
    /// It answered, then failed (5xx, an answer broken off, over its limit or not credentials):
    /// a network or service failure, not a configuration one.
    Broke(String),
}

/// The most a credentials or session-token answer may hold; real ones are under a kilobyte.
pub(crate) const MAX_CREDENTIALS_BODY: usize = 64 * 1024;

/// Where and how a credentials answer failed to decode, without quoting it: the values it
/// holds are secrets.
pub(crate) fn json_problem(error: &serde_json::Error) -> String {
    let kind = match error.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "unexpected fields or types",
        serde_json::error::Category::Eof => "cut short",
    };
    format!("{kind} at line {} column {}", error.line(), error.column())
}

/// A transport failure in a few words (never a URL with secrets: there are none here).
/// What went wrong reading a body, for messages.
pub(crate) fn body_problem(error: &BodyError) -> String {
    match error {
        BodyError::Read(error) => describe(error),
        too_large => too_large.to_string(),
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        format!("no answer within {} s", METADATA_TIMEOUT.as_secs())
    } else if error.is_connect() {
        "cannot connect".to_owned()
    } else {
        error.to_string()
    }
}

impl ProvideCredentials for EcsMetadata {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            self.fetch().await.map_err(|failed| match failed {
                Failed::NotThere(why) => ConfigError::NoCredentials {
                    looked_at: format!("{}: {why}", self.describe()),
                }
                .into(),
                Failed::Broke(problem) => Error::Unreachable {
                    service: "ECS metadata service",
                    endpoint: redact_userinfo(&self.endpoint),
                    problem,
                },
            })
        })
    }

    fn describe(&self) -> String {
        // HWC_METADATA_ENDPOINT may carry user information: it is never shown.
        format!(
            "ECS metadata service at {}",
            redact_userinfo(&self.endpoint)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_reads_the_forms_the_services_send() {
        let expected: Timestamp = "2026-11-23T10:00:00Z".parse().unwrap();
        for text in [
            "2026-11-23T10:00:00.000000Z",
            "2026-11-23T10:00:00Z",
            "2026-11-23T10:00:00.000000",
        ] {
            assert_eq!(parse_expiry(text), Some(expected), "{text}");
        }
        assert_eq!(parse_expiry("tomorrow"), None);
    }
}
