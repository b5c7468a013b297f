//! What a client builder was given, completed from where the official SDKs look: the
//! credentials' source, the project, IAM's endpoint and each service's endpoints. Everything
//! a configuration can get wrong is reported here, before a client exists.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use hwc_runtime::{
    ConfigError, Credentials, Error, ProvideCredentials, Service, StaticCredentials,
};

use crate::iam::iam_endpoint;
use crate::providers::chain::default_chain;
use crate::providers::environment::ENV_PROJECT_ID;
use crate::providers::profile::{Profile, default_profile_path, from_profile};
use crate::regions::{self, Overrides};
use crate::sources::Sources;
use crate::urls::check_endpoint;

/// What the user set; what is `None` is looked for.
#[derive(Debug, Default)]
pub struct Wanted {
    /// The region.
    pub region: Option<String>,
    /// Endpoints given per service (each list as given, checked here).
    pub endpoints: BTreeMap<Service, Vec<String>>,
    /// Credentials given.
    pub credentials: Option<Credentials>,
    /// A provider given.
    pub credentials_provider: Option<Arc<dyn ProvideCredentials>>,
    /// The IAM project given.
    pub project_id: Option<String>,
    /// The credentials file given.
    pub credentials_file: Option<PathBuf>,
    /// IAM's endpoint given.
    pub iam_endpoint: Option<String>,
    /// Plain `http` allowed to hosts other than loopback.
    pub allow_insecure_http: bool,
    /// Only what is set here counts (and a credentials file given here); `sources` should
    /// then have no environment either.
    pub ignore_environment: bool,
    /// The signing algorithm given (else [`ENV_SIGNING_ALGORITHM`], else `SDK-HMAC-SHA256`).
    pub signing_algorithm: Option<hwc_runtime::signing::SigningAlgorithm>,
}

/// The environment variable choosing the signing algorithm, named after the official SDKs'
/// `HttpConfig.signing_algorithm` (which no SDK reads from the environment): `hmac-sha256`,
/// `hmac-sm3`, `ecdsa-p256-sha256`, `sm2-sm3`, `v11-hmac-sha256`, or the SDKs' names
/// (`SDK-SM2-SM3`, `SM2_SM3`).
pub const ENV_SIGNING_ALGORITHM: &str = "HUAWEICLOUD_SDK_SIGNING_ALGORITHM";

/// A service the configuration gives no endpoint for; reported when it is called.
#[derive(Clone, Debug)]
pub struct Unavailable {
    /// The service.
    pub service: Service,
    /// The region, when one was given.
    pub region: Option<String>,
}

impl Unavailable {
    /// The error a call to the service gets.
    pub fn error(&self) -> Error {
        let service = self.service;
        match &self.region {
            Some(region) => ConfigError::ServiceNotInRegion {
                service,
                region: region.clone(),
                variable: regions::override_variable(service.descriptor().sdk_name, region),
            },
            None => ConfigError::ServiceWithoutEndpoint { service },
        }
        .into()
    }
}

/// How to look the project up, when it is neither given nor found.
#[derive(Debug, Clone)]
pub struct LookupPlan {
    /// The region whose project it is.
    pub region: String,
    /// IAM's endpoint (checked when the lookup runs).
    pub iam_endpoint: String,
}

/// The configuration, complete.
#[derive(Debug)]
#[non_exhaustive]
pub struct Resolved {
    /// Where credentials come from.
    pub provider: Arc<dyn ProvideCredentials>,
    /// The IAM project, when given or found in the environment or profile.
    pub project_id: Option<String>,
    /// How to look it up otherwise (a region is known).
    pub project_lookup: Option<LookupPlan>,
    /// Each service's checked endpoints, in the order to try them, or why it has none.
    pub endpoints: BTreeMap<Service, Result<Vec<String>, Unavailable>>,
    /// The algorithm requests are signed with.
    pub signing_algorithm: hwc_runtime::signing::SigningAlgorithm,
}

/// Completes `wanted` from `sources`. The credentials file is read at most once, and not at
/// all when credentials are given.
pub fn resolve(wanted: &Wanted, sources: &Sources) -> Result<Resolved, Error> {
    let overrides = Overrides::from_sources(sources);
    if let Some(region) = &wanted.region {
        let mut known = false;
        for service in Service::ALL {
            // A broken override file is its own error, not an unknown region.
            known |= regions::lookup(service, region, &overrides)?.is_some();
        }
        if !known {
            let mut all: Vec<&'static str> =
                Service::ALL.iter().flat_map(|s| s.regions()).collect();
            all.sort_unstable();
            all.dedup();
            return Err(ConfigError::UnknownRegion {
                region: region.clone(),
                known: all,
            }
            .into());
        }
    } else if wanted.endpoints.is_empty() {
        return Err(ConfigError::NoEndpoint.into());
    }

    let signing_algorithm = match (wanted.signing_algorithm, sources.var(ENV_SIGNING_ALGORITHM)) {
        (Some(given), _) => given,
        (None, Some(text)) if !text.trim().is_empty() => {
            text.parse().map_err(|problem| ConfigError::Setting {
                name: ENV_SIGNING_ALGORITHM,
                value: text.clone(),
                problem,
            })?
        }
        (None, _) => hwc_runtime::signing::SigningAlgorithm::default(),
    };
    let (provider, profile, own_iam_endpoint) = credentials(wanted, sources)?;
    let project_id = wanted
        .project_id
        .clone()
        .or_else(|| sources.var(ENV_PROJECT_ID).filter(|p| !p.is_empty()))
        .or_else(|| profile.as_ref().and_then(|p| p.project_id.clone()));
    let project_lookup = match (&project_id, &wanted.region) {
        (None, Some(region)) => {
            // The credentials' own IAM endpoint (a profile's) only with the profile's
            // credentials, as the official SDKs do.
            let given = wanted.iam_endpoint.clone().or(own_iam_endpoint);
            Some(LookupPlan {
                region: region.clone(),
                iam_endpoint: iam_endpoint(given.as_deref(), Some(region), sources),
            })
        }
        _ => None,
    };

    let mut endpoints = BTreeMap::new();
    for service in Service::ALL {
        let urls = match (wanted.endpoints.get(&service), &wanted.region) {
            (Some(urls), _) => Some(urls.clone()),
            (None, Some(region)) => regions::lookup(service, region, &overrides)?,
            (None, None) => None,
        };
        let set = match urls {
            Some(urls) => Ok(urls
                .iter()
                .map(|url| check_endpoint(url, wanted.allow_insecure_http))
                .collect::<Result<Vec<_>, _>>()?),
            // Not a configuration mistake: the region does not offer the service.
            None => Err(Unavailable {
                service,
                region: wanted.region.clone(),
            }),
        };
        endpoints.insert(service, set);
    }
    Ok(Resolved {
        provider,
        project_id,
        project_lookup,
        endpoints,
        signing_algorithm,
    })
}

/// Where the credentials come from, the profile when it was read, and its IAM endpoint.
type Chosen = (Arc<dyn ProvideCredentials>, Option<Profile>, Option<String>);

fn credentials(wanted: &Wanted, sources: &Sources) -> Result<Chosen, Error> {
    if let Some(credentials) = wanted.credentials.clone() {
        let provider = StaticCredentials::new(credentials, "explicit");
        return Ok((Arc::new(provider), None, None));
    }
    if let Some(provider) = wanted.credentials_provider.clone() {
        return Ok((provider, None, None));
    }
    if wanted.ignore_environment {
        // A file chosen here counts even when the environment is ignored.
        let Some(path) = wanted.credentials_file.as_deref() else {
            return Err(ConfigError::NoCredentials {
                looked_at: "none were given, and the environment is ignored".into(),
            }
            .into());
        };
        let (found, profile) = from_profile(sources, Some(path))?;
        let own = profile.as_ref().and_then(|p| p.iam_endpoint.clone());
        let provider = StaticCredentials::new(found, format!("profile {}", path.display()));
        return Ok((Arc::new(provider), profile, own));
    }
    let path = wanted
        .credentials_file
        .clone()
        .or_else(|| default_profile_path(sources));
    let found = default_chain(sources, path.as_deref(), |own| {
        let given = wanted.iam_endpoint.as_deref().or(own);
        let url = iam_endpoint(given, wanted.region.as_deref(), sources);
        check_endpoint(&url, wanted.allow_insecure_http)
    })?;
    Ok((found.provider, found.profile, found.iam_endpoint))
}
