//! Federated identity: an id token from an identity provider (a file, rewritten by whoever
//! rotates it) becomes an IAM token, which becomes temporary AK/SK and a security token.

use std::path::PathBuf;
use std::time::Duration;

use hwc_runtime::plumbing::read_limited;
use hwc_runtime::{
    ApiError, ConfigError, Error, ProvideCredentials, ProvideFuture, ProvidedCredentials,
};

use crate::providers::metadata::{
    MAX_CREDENTIALS_BODY, SecurityKeyCredential, body_problem, json_problem,
};
use crate::sources::Sources;
use crate::urls::redact_userinfo;

/// How long the temporary credentials are asked to live: the official SDKs' 6 hours.
const DURATION_SECONDS: u64 = 21_600;

/// Temporary credentials for an id token, through IAM.
#[derive(Debug)]
pub struct FederatedIdentity {
    idp_id: String,
    id_token_file: PathBuf,
    iam_endpoint: String,
    http: reqwest::Client,
    sources: Sources,
}

#[derive(serde::Deserialize)]
struct SecurityTokens {
    credential: SecurityKeyCredential,
}

impl FederatedIdentity {
    /// Signs in through identity provider `idp_id` with the id token in `id_token_file`, at
    /// the IAM endpoint `iam_endpoint`.
    pub fn new(
        idp_id: impl Into<String>,
        id_token_file: impl Into<PathBuf>,
        iam_endpoint: impl Into<String>,
    ) -> Result<Self, Error> {
        crate::tls::install_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|source| ConfigError::HttpClient {
                source: Box::new(source),
            })?;
        Ok(Self {
            idp_id: idp_id.into(),
            id_token_file: id_token_file.into(),
            iam_endpoint: iam_endpoint.into().trim_end_matches('/').to_owned(),
            http,
            sources: Sources::real(),
        })
    }

    /// Reads the id token file from `sources` instead of the file system.
    pub fn with_sources(self, sources: Sources) -> Self {
        Self { sources, ..self }
    }

    async fn fetch(&self) -> Result<ProvidedCredentials, Fetch> {
        // Read on every refresh: the file is rotated by whoever issues the id tokens.
        let id_token = self.sources.read(&self.id_token_file).map_err(|error| {
            Fetch::Refused(format!(
                "cannot read {}: {error}",
                self.id_token_file.display()
            ))
        })?;
        let id_token = id_token.trim();
        if id_token.is_empty() {
            return Err(Fetch::Refused(format!(
                "{} is empty",
                self.id_token_file.display()
            )));
        }
        let signed_in = self
            .http
            .post(format!(
                "{}/v3.0/OS-AUTH/id-token/tokens",
                self.iam_endpoint
            ))
            .header("X-Idp-Id", &self.idp_id)
            .json(&serde_json::json!({"auth": {"id_token": {"id": id_token}}}))
            .send()
            .await
            .map_err(|error| Fetch::Unreachable(format!("cannot be reached: {error}")))?;
        if !signed_in.status().is_success() {
            return Err(refusal("IAM refused the id token", signed_in).await);
        }
        let token = signed_in
            .headers()
            .get("x-subject-token")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| Fetch::Refused("IAM's answer has no X-Subject-Token".to_owned()))?;
        let answer = self
            .http
            .post(format!(
                "{}/v3.0/OS-CREDENTIAL/securitytokens",
                self.iam_endpoint
            ))
            .json(&serde_json::json!({"auth": {"identity": {
                "methods": ["token"],
                "token": {"id": token, "duration_seconds": DURATION_SECONDS}
            }}}))
            .send()
            .await
            .map_err(|error| Fetch::Unreachable(format!("cannot be reached: {error}")))?;
        if !answer.status().is_success() {
            return Err(refusal("IAM refused to issue temporary credentials", answer).await);
        }
        let body = read_limited(answer, MAX_CREDENTIALS_BODY)
            .await
            .map_err(|error| Fetch::Unreachable(body_problem(&error)))?;
        let tokens: SecurityTokens = serde_json::from_slice(&body).map_err(|error| {
            Fetch::Refused(format!(
                "IAM answered something else than credentials ({})",
                json_problem(&error)
            ))
        })?;
        tokens
            .credential
            .into_provided(&self.describe())
            .map_err(|error| Fetch::Refused(error.to_string()))
    }
}

/// Why federated identity gave no credentials.
enum Fetch {
    /// The id token file, or IAM's refusal (with IAM's status, code and request id).
    Refused(String),
    /// IAM could not be reached, or its answer broke off.
    Unreachable(String),
}

/// IAM's refusal as `what` with IAM's status, error code, message and request id (the body is
/// read up to the credentials limit; the id token is never in it).
async fn refusal(what: &str, answer: reqwest::Response) -> Fetch {
    let status = answer.status().as_u16();
    let request_id = answer
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = read_limited(answer, MAX_CREDENTIALS_BODY)
        .await
        .unwrap_or_default();
    let error = ApiError::from_body("IAM", status, &body, request_id, None);
    let request_id = error
        .request_id
        .as_deref()
        .map_or_else(String::new, |id| format!(", request id {id}"));
    Fetch::Refused(format!(
        "{what}: HTTP {status} {}: {}{request_id}",
        error.code, error.message
    ))
}

impl ProvideCredentials for FederatedIdentity {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            self.fetch().await.map_err(|failed| match failed {
                Fetch::Refused(why) => ConfigError::Credentials {
                    problem: format!("{}: {why}", self.describe()),
                }
                .into(),
                Fetch::Unreachable(problem) => Error::Unreachable {
                    service: "IAM",
                    endpoint: redact_userinfo(&self.iam_endpoint),
                    problem,
                },
            })
        })
    }

    fn describe(&self) -> String {
        format!(
            "federated identity (identity provider {}, id token {})",
            self.idp_id,
            self.id_token_file.display()
        )
    }
}
