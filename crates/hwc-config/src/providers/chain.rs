//! The default credentials chain, in the official SDKs' order: the environment (a federated
//! identity pair first, then AK/SK), then the profile file (likewise), then the ECS/BMS metadata
//! service. What was looked at, and why each place gave nothing, goes into the one error
//! reported when the last place gives nothing too.

use std::path::Path;
use std::sync::Arc;

use hwc_runtime::{ConfigError, Error, ProvideCredentials, ProvideFuture, StaticCredentials};

use crate::providers::environment::{
    ENV_AK, ENV_ID_TOKEN_FILE, ENV_IDP_ID, ENV_SK, credentials_from,
};
use crate::providers::federation::FederatedIdentity;
use crate::providers::metadata::EcsMetadata;
use crate::providers::profile::Profile;
use crate::sources::Sources;

/// What the chain found: where credentials come from, and the profile when it was read (for
/// its project id and IAM endpoint).
pub struct Found {
    /// Where credentials come from.
    pub provider: Arc<dyn ProvideCredentials>,
    /// The profile, when it was read.
    pub profile: Option<Profile>,
    /// The IAM endpoint of the credentials' own place (a profile's `iam_endpoint`).
    pub iam_endpoint: Option<String>,
}

/// Walks the chain: the environment and the profile at `path` are read now (the profile once);
/// the metadata service, the last resort, is asked on the first call. `iam_endpoint` chooses
/// and checks IAM's endpoint given the credentials' own (for federated identity).
pub fn default_chain(
    sources: &Sources,
    path: Option<&Path>,
    iam_endpoint: impl Fn(Option<&str>) -> Result<String, Error>,
) -> Result<Found, Error> {
    let mut looked_at = Vec::new();
    // Read now, but its errors count only where the profile is the credentials' place: with
    // complete credentials in the environment a broken file is not an error, as in the
    // official SDKs (its project id is still used when it can be read).
    let read = match path {
        Some(path) if sources.exists(path) => Some(Profile::read(sources, path)),
        _ => None,
    };
    let readable = || read.as_ref().and_then(|r| r.as_ref().ok()).cloned();
    let found = |provider: Arc<dyn ProvideCredentials>,
                 profile: Option<Profile>,
                 iam_endpoint: Option<String>| {
        Ok(Found {
            provider,
            profile,
            iam_endpoint,
        })
    };

    let env = |name: &str| sources.non_blank(name);
    match (env(ENV_IDP_ID), env(ENV_ID_TOKEN_FILE)) {
        (Some(idp), Some(file)) => {
            let federated = FederatedIdentity::new(idp, file, iam_endpoint(None)?)?
                .with_sources(sources.clone());
            return found(Arc::new(federated), readable(), None);
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(ConfigError::Credentials {
                problem: format!(
                    "{ENV_IDP_ID} and {ENV_ID_TOKEN_FILE} go together; only one is set"
                ),
            }
            .into());
        }
        (None, None) => {}
    }
    if let Some(keys) = credentials_from(sources)? {
        let provider = StaticCredentials::new(keys, format!("environment ({ENV_AK})"));
        return found(Arc::new(provider), readable(), None);
    }
    let profile = read.transpose()?;
    let profile_iam = profile.as_ref().and_then(|p| p.iam_endpoint.clone());
    looked_at.push(format!(
        "environment: neither {ENV_IDP_ID} with {ENV_ID_TOKEN_FILE} nor {ENV_AK} with {ENV_SK} is set"
    ));

    match (path, &profile) {
        (Some(path), Some(read)) => {
            if let (Some(idp), Some(file)) = (&read.idp_id, &read.id_token_file) {
                let federated =
                    FederatedIdentity::new(idp, file, iam_endpoint(profile_iam.as_deref())?)?
                        .with_sources(sources.clone());
                return found(Arc::new(federated), profile, profile_iam);
            }
            if read.has_keys() {
                let provider = StaticCredentials::new(
                    read.credentials()?,
                    format!("profile {}", path.display()),
                );
                return found(Arc::new(provider), profile, profile_iam);
            }
            looked_at.push(format!(
                "profile {}: its [basic] section has neither ak and sk nor idp_id and id_token_file",
                path.display()
            ));
        }
        (Some(path), None) => looked_at.push(format!("profile {}: does not exist", path.display())),
        (None, _) => looked_at.push("profile: there is no home directory".to_owned()),
    }

    let metadata = EcsMetadata::from_sources(sources)?;
    found(
        Arc::new(LastResort {
            looked_at,
            provider: metadata,
        }),
        profile,
        None,
    )
}

/// The chain's last place: its error also says what the places before it gave.
#[derive(Debug)]
struct LastResort<P> {
    looked_at: Vec<String>,
    provider: P,
}

impl<P: ProvideCredentials> ProvideCredentials for LastResort<P> {
    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            self.provider.provide().await.map_err(|error| {
                let last = match error {
                    Error::Config(ConfigError::NoCredentials { looked_at }) => looked_at,
                    // The service is there and failed: a network failure, not a missing place.
                    unreachable @ Error::Unreachable { .. } => return unreachable,
                    other => format!("{}: {other}", self.provider.describe()),
                };
                let mut places = self.looked_at.clone();
                places.push(last);
                ConfigError::NoCredentials {
                    looked_at: places.join("; "),
                }
                .into()
            })
        })
    }

    fn describe(&self) -> String {
        self.provider.describe()
    }
}
