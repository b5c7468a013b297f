//! Credentials, found where the official SDKs look for them: `HUAWEICLOUD_SDK_*` environment
//! variables and the `[basic]` section of `~/.huaweicloud/credentials`.

use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::config_error::ConfigError;
use crate::error::Error;
use crate::signing::Signer;

/// Environment variable holding the access key.
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// Environment variable holding the secret key.
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// Environment variable holding the security token of temporary credentials.
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Environment variable holding the IAM project id.
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Environment variable holding the IAM endpoint (project lookup, federated identity).
pub const ENV_IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
/// Environment variable holding the identity provider of federated sign-in.
pub const ENV_IDP_ID: &str = "HUAWEICLOUD_SDK_IDP_ID";
/// Environment variable naming the file holding the federated id token.
pub const ENV_ID_TOKEN_FILE: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";
/// Environment variable naming the credentials file.
pub const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

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

    /// `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` (plus `HUAWEICLOUD_SDK_SECURITY_TOKEN`).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok()).and_then(|found| {
            found.ok_or_else(|| {
                ConfigError::NoCredentials {
                    looked_at: format!("{ENV_AK} and {ENV_SK} are not set"),
                }
                .into()
            })
        })
    }

    /// The fixed keys of the environment, else of the credentials file
    /// (`HUAWEICLOUD_SDK_CREDENTIALS_FILE` or `~/.huaweicloud/credentials`). The chain's
    /// refreshable places (federated identity, the ECS metadata service) need a provider: leave
    /// the credentials out of [`ClientBuilder`](crate::ClientBuilder) to get the whole chain.
    pub fn from_default_chain() -> Result<Self, Error> {
        from_environment_or_profile(default_profile_path().as_deref()).map(|(found, _)| found)
    }

    /// AK/SK (and security token) from `HUAWEICLOUD_SDK_*`; `None` when neither is set.
    pub(crate) fn from_environment_variables() -> Result<Option<Self>, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads AK/SK from `lookup` (an environment); `None` when neither is set.
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, Error> {
        let ak = lookup(ENV_AK).filter(|v| !v.is_empty());
        let sk = lookup(ENV_SK).filter(|v| !v.is_empty());
        match (ak, sk) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(ConfigError::Credentials {
                problem: format!("{ENV_AK} is set but {ENV_SK} is not"),
            }
            .into()),
            (None, Some(_)) => Err(ConfigError::Credentials {
                problem: format!("{ENV_SK} is set but {ENV_AK} is not"),
            }
            .into()),
            (Some(ak), Some(sk)) => {
                let credentials = match lookup(ENV_SECURITY_TOKEN).filter(|v| !v.is_empty()) {
                    Some(token) => Self::temporary(ak, sk, token)?,
                    None => Self::access_key(ak, sk)?,
                };
                Ok(Some(credentials))
            }
        }
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

    /// The header value to send for token credentials.
    pub(crate) fn token_value(&self) -> Option<&str> {
        match self {
            Credentials::Token(token) => Some(token.expose_secret()),
            Credentials::AccessKey(_) => None,
        }
    }
}

/// Credentials from the environment, else from the profile at `path` (read once, and only
/// then), with the profile when it was read (for its project id).
pub(crate) fn from_environment_or_profile(
    path: Option<&Path>,
) -> Result<(Credentials, Option<Profile>), Error> {
    if let Some(found) = Credentials::from_lookup(|name| std::env::var(name).ok())? {
        // The profile may still give the project, as it did with the official SDKs.
        let profile = match path {
            Some(path) if path.exists() => Some(Profile::load(path)?),
            _ => None,
        };
        return Ok((found, profile));
    }
    from_profile(path)
}

/// Credentials from the profile at `path` alone (read once).
pub(crate) fn from_profile(path: Option<&Path>) -> Result<(Credentials, Option<Profile>), Error> {
    match path {
        Some(path) if path.exists() => {
            let profile = Profile::load(path)?;
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
pub fn default_profile_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(ENV_CREDENTIALS_FILE).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("HOME").map(|home| Path::new(&home).join(".huaweicloud").join("credentials"))
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
        // The file holds the SK: its text is wiped from memory when dropped.
        let text = std::fs::read_to_string(path)
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
    fn the_environment_gives_ak_sk_and_temporary_credentials() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert!(Credentials::from_lookup(env(&[])).unwrap().is_none());
        let found = Credentials::from_lookup(env(&[(ENV_AK, "AK1"), (ENV_SK, "SK1")])).unwrap();
        assert!(matches!(found, Some(Credentials::AccessKey(s)) if s.access_key() == "AK1"));
        let only_ak = Credentials::from_lookup(env(&[(ENV_AK, "AK1")])).unwrap_err();
        assert!(only_ak.to_string().contains(ENV_SK));
        let blank = Credentials::from_lookup(env(&[(ENV_AK, " "), (ENV_SK, "x")])).unwrap_err();
        assert!(blank.to_string().contains("access key"), "{blank}");
        let temporary = Credentials::from_lookup(env(&[
            (ENV_AK, "A"),
            (ENV_SK, "S"),
            (ENV_SECURITY_TOKEN, "T"),
        ]))
        .unwrap()
        .unwrap();
        assert!(format!("{temporary:?}").contains("security_token: Some(\"[redacted]\")"));
    }

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

    #[test]
    fn secrets_never_show() {
        let token = Credentials::token("tok-secret").unwrap();
        assert_eq!(format!("{token:?}"), "Token([redacted])");
        let keys = Credentials::access_key("AK", "sk-secret").unwrap();
        assert!(!format!("{keys:?}").contains("sk-secret"));
        assert!(Credentials::token(" ").is_err());
    }
}
