//! The `[basic]` section of the official SDKs' credentials file
//! (`HUAWEICLOUD_SDK_CREDENTIALS_FILE` or `~/.huaweicloud/credentials`).

use std::fmt;
use std::path::{Path, PathBuf};

use hwc_runtime::signing::Signer;
use hwc_runtime::{ConfigError, Credentials, Error, SecretString};
use zeroize::Zeroizing;

use crate::providers::environment::{ENV_AK, ENV_CREDENTIALS_FILE, ENV_SK, credentials_from};
use crate::sources::Sources;

/// Credentials from the environment, else from the profile at `path` (read once, and only
/// then), with the profile when it was read (for its project id).
pub fn from_environment_or_profile(
    sources: &Sources,
    path: Option<&Path>,
) -> Result<(Credentials, Option<Profile>), Error> {
    if let Some(found) = credentials_from(sources)? {
        // The profile may still give the project, as it did with the official SDKs.
        let profile = match path {
            Some(path) if sources.exists(path) => Some(Profile::read(sources, path)?),
            _ => None,
        };
        return Ok((found, profile));
    }
    from_profile(sources, path)
}

/// Credentials from the profile at `path` alone (read once).
pub fn from_profile(
    sources: &Sources,
    path: Option<&Path>,
) -> Result<(Credentials, Option<Profile>), Error> {
    match path {
        Some(path) if sources.exists(path) => {
            let profile = Profile::read(sources, path)?;
            Ok((profile.credentials()?, Some(profile)))
        }
        Some(path) => Err(ConfigError::NoCredentials {
            looked_at: format!(
                "{ENV_AK} and {ENV_SK} are not set, and {} does not exist",
                path.display()
            ),
        }
        .into()),
        None => Err(ConfigError::NoCredentials {
            looked_at: format!("{ENV_AK} and {ENV_SK} are not set, and there is no home directory"),
        }
        .into()),
    }
}

/// `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, or `~/.huaweicloud/credentials`.
pub fn default_profile_path(sources: &Sources) -> Option<PathBuf> {
    if let Some(path) = sources.var(ENV_CREDENTIALS_FILE).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    sources
        .home()
        .map(|home| home.join(".huaweicloud").join("credentials"))
}

/// The fixed keys of the process's environment, else of its credentials file
/// (`HUAWEICLOUD_SDK_CREDENTIALS_FILE` or `~/.huaweicloud/credentials`). The chain's
/// refreshable places (federated identity, the ECS metadata service) need a provider:
/// [`default_chain`](crate::default_chain) gives the whole chain.
pub fn credentials_from_default_chain() -> Result<Credentials, Error> {
    let sources = Sources::real();
    from_environment_or_profile(&sources, default_profile_path(&sources).as_deref())
        .map(|(found, _)| found)
}

/// The `[basic]` section of an official-SDK credentials file.
#[derive(Clone, Default)]
pub struct Profile {
    ak: Option<String>,
    sk: Option<SecretString>,
    security_token: Option<SecretString>,
    /// `project_id`, the IAM project HSS calls default to.
    pub project_id: Option<String>,
    /// `iam_endpoint`: where to look up the project and sign in with federated identity.
    pub iam_endpoint: Option<String>,
    /// `idp_id`: the identity provider of federated sign-in (with `id_token_file`).
    pub idp_id: Option<String>,
    /// `id_token_file`: the file holding the federated id token.
    pub id_token_file: Option<String>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("ak", &self.ak)
            .field("sk", &self.sk.as_ref().map(|_| "[redacted]"))
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "[redacted]"),
            )
            .field("project_id", &self.project_id)
            .field("iam_endpoint", &self.iam_endpoint)
            .field("idp_id", &self.idp_id)
            .field("id_token_file", &self.id_token_file)
            .finish()
    }
}

impl Profile {
    /// Reads the file; a syntax error names the file and the line.
    pub fn load(path: &Path) -> Result<Self, Error> {
        Self::read(&Sources::real(), path)
    }

    /// Reads the file from `sources`.
    pub fn read(sources: &Sources, path: &Path) -> Result<Self, Error> {
        // The file holds the SK: its text is wiped from memory when dropped.
        let text =
            sources
                .read(path)
                .map(Zeroizing::new)
                .map_err(|source| ConfigError::ReadFile {
                    path: path.to_owned(),
                    source,
                })?;
        Self::parse(&text).map_err(|problem| {
            ConfigError::FileSyntax {
                path: path.to_owned(),
                what: "credentials file",
                problem,
            }
            .into()
        })
    }

    /// Parses INI text (as Python's configparser writes it); errors give line and column.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut ini = ini::Ini::load_from_str(text).map_err(|e| e.to_string())?;
        let Some(basic) = ini.section_mut(Some("basic")) else {
            return Ok(Profile::default());
        };
        // Secrets are taken out of the parsed file, and both the parser's copy and the trimmed
        // one are wiped when dropped: they live only in secret types.
        let mut secret = |key: &str| {
            basic.remove(key).map(Zeroizing::new).and_then(|raw| {
                let trimmed = raw.trim();
                (!trimmed.is_empty()).then(|| SecretString::from(trimmed.to_owned()))
            })
        };
        let sk = secret("sk");
        let security_token = secret("security_token");
        let value = |key: &str| {
            basic
                .get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Ok(Profile {
            ak: value("ak"),
            sk,
            security_token,
            project_id: value("project_id"),
            iam_endpoint: value("iam_endpoint"),
            idp_id: value("idp_id"),
            id_token_file: value("id_token_file"),
        })
    }

    /// Whether the profile gives an AK or an SK (a profile with neither leaves the credentials
    /// to the next place of the chain).
    pub fn has_keys(&self) -> bool {
        self.ak.is_some() || self.sk.is_some()
    }

    /// The AK/SK credentials of the profile.
    pub fn credentials(&self) -> Result<Credentials, Error> {
        let (Some(ak), Some(sk)) = (&self.ak, &self.sk) else {
            return Err(ConfigError::Credentials {
                problem: "the [basic] section needs both ak and sk".into(),
            }
            .into());
        };
        let signer = Signer::new(ak.clone(), sk.clone())?;
        let signer = match &self.security_token {
            Some(token) => signer.with_security_token(token.clone())?,
            None => signer,
        };
        Ok(Credentials::AccessKey(signer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_read_the_basic_section() {
        let profile = Profile::parse(
            "# comment\n[other]\nak = NO\n[basic]\nak = MYAK\nsk = MYSK\nproject_id = p1\n; x\n",
        )
        .unwrap();
        assert_eq!(profile.project_id.as_deref(), Some("p1"));
        let shown = format!("{profile:?}");
        assert!(shown.contains("MYAK") && !shown.contains("MYSK"), "{shown}");
        assert!(
            matches!(profile.credentials().unwrap(), Credentials::AccessKey(s) if s.access_key() == "MYAK")
        );
        let broken = Profile::parse("[basic\nak=1").unwrap_err();
        assert!(
            broken.contains("expecting"),
            "line and column of the problem: {broken}"
        );
        assert!(
            Profile::parse("[basic]\nak = A\n")
                .unwrap()
                .credentials()
                .is_err()
        );
    }
}
