//! The default credentials chain, in the official SDKs' order: the environment, then the
//! profile file, then the ECS/BMS metadata service. What was looked at, and why each place gave
//! nothing, goes into the one error reported when the last place gives nothing too.

use std::path::Path;
use std::sync::Arc;

use crate::config_error::ConfigError;
use crate::credentials::{Credentials, ENV_AK, ENV_SK, Profile};
use crate::error::Error;
use crate::metadata::EcsMetadata;
use crate::provider::{ProvideCredentials, ProvideFuture, StaticCredentials};

/// What the chain found: where credentials come from, and the profile when it was read (for
/// its project id).
pub(crate) struct Found {
    pub provider: Arc<dyn ProvideCredentials>,
    pub profile: Option<Profile>,
}

/// Walks the chain: the environment and the profile at `path` are read now (the profile once);
/// the metadata service, the last resort, is asked on the first call.
pub(crate) fn default_chain(path: Option<&Path>) -> Result<Found, Error> {
    let mut looked_at = Vec::new();
    let profile = match path {
        Some(path) if path.exists() => Some(Profile::load(path)?),
        _ => None,
    };
    if let Some(found) = Credentials::from_environment_variables()? {
        let provider = StaticCredentials::new(found, format!("environment ({ENV_AK})"));
        return Ok(Found {
            provider: Arc::new(provider),
            profile,
        });
    }
    looked_at.push(format!("environment: {ENV_AK} and {ENV_SK} are not set"));
    match (path, &profile) {
        (Some(path), Some(read)) if read.has_keys() => {
            let provider =
                StaticCredentials::new(read.credentials()?, format!("profile {}", path.display()));
            return Ok(Found {
                provider: Arc::new(provider),
                profile,
            });
        }
        (Some(path), Some(_)) => looked_at.push(format!(
            "profile {}: no ak and sk in its [basic] section",
            path.display()
        )),
        (Some(path), None) => looked_at.push(format!("profile {}: does not exist", path.display())),
        (None, _) => looked_at.push("profile: there is no home directory".to_owned()),
    }
    let metadata = EcsMetadata::from_environment()?;
    Ok(Found {
        provider: Arc::new(LastResort {
            looked_at,
            provider: metadata,
        }),
        profile,
    })
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
