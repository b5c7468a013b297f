//! The official SDKs' environment variables, and the AK/SK they give.

use hwc_runtime::{ConfigError, Credentials, Error};

use crate::sources::Sources;

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

/// AK/SK (plus the security token of temporary credentials) from `HUAWEICLOUD_SDK_*`;
/// `None` when neither is set.
pub fn credentials_from(sources: &Sources) -> Result<Option<Credentials>, Error> {
    let lookup = |name: &str| sources.var(name);
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
                Some(token) => Credentials::temporary(ak, sk, token)?,
                None => Credentials::access_key(ak, sk)?,
            };
            Ok(Some(credentials))
        }
    }
}

/// `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` (plus `HUAWEICLOUD_SDK_SECURITY_TOKEN`) of
/// the process's environment, or why there are none.
pub fn credentials_from_env() -> Result<Credentials, Error> {
    credentials_from(&Sources::real())?.ok_or_else(|| {
        ConfigError::NoCredentials {
            looked_at: format!("{ENV_AK} and {ENV_SK} are not set"),
        }
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Sources {
        Sources::from_data(pairs.iter().copied(), std::iter::empty::<(&str, &str)>())
    }

    #[test]
    fn the_environment_gives_ak_sk_and_temporary_credentials() {
        assert!(credentials_from(&env(&[])).unwrap().is_none());
        let found = credentials_from(&env(&[(ENV_AK, "AK1"), (ENV_SK, "SK1")])).unwrap();
        assert!(matches!(found, Some(Credentials::AccessKey(s)) if s.access_key() == "AK1"));
        let only_ak = credentials_from(&env(&[(ENV_AK, "AK1")])).unwrap_err();
        assert!(only_ak.to_string().contains(ENV_SK));
        let blank = credentials_from(&env(&[(ENV_AK, " "), (ENV_SK, "x")])).unwrap_err();
        assert!(blank.to_string().contains("access key"), "{blank}");
        let temporary = credentials_from(&env(&[
            (ENV_AK, "A"),
            (ENV_SK, "S"),
            (ENV_SECURITY_TOKEN, "T"),
        ]))
        .unwrap()
        .unwrap();
        assert!(format!("{temporary:?}").contains("security_token: Some(\"[redacted]\")"));
    }
}
