//! Authenticating one attempt: signed again each time (with the clock's current estimate), or
//! carrying the IAM token.

use jiff::Timestamp;
use reqwest::Request;
use reqwest::header::HeaderValue;

use crate::config_error::ConfigError;
use crate::credentials::Credentials;
use crate::error::Error;
use crate::signing;

/// Authenticates `request` with `credentials`: signed with `scheme` (at `server_time`,
/// replacing any earlier `X-Sdk-Date`) with AK/SK, or carrying the IAM token in `X-Auth-Token`.
pub fn apply_credentials(
    credentials: &Credentials,
    request: &mut Request,
    server_time: Timestamp,
    scheme: &signing::Scheme,
) -> Result<(), Error> {
    match credentials {
        Credentials::AccessKey(signer) => {
            request.headers_mut().remove(signing::SDK_DATE);
            signer.sign_with(request, server_time, scheme)?;
        }
        Credentials::Token(_) => {
            let token = credentials.token_value().unwrap_or_default();
            let mut value = HeaderValue::from_str(token).map_err(|_| ConfigError::Credentials {
                problem: "the IAM token is not ASCII".into(),
            })?;
            value.set_sensitive(true);
            request.headers_mut().insert("x-auth-token", value);
        }
    }
    Ok(())
}
