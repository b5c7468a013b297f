//! Talking to a simulator over HTTP, as a client would.
#![allow(dead_code)]

use hwc_signing::Signer;
use secrecy::SecretString;
use serde_json::Value;

pub const HSS_PATH: &str =
    "/v5/0123456789abcdef0123456789abcdef/image/vulnerability/handle-history";
pub const DEMO_CHECK_PATH: &str =
    "/v2/0123456789abcdef0123456789abcdef/tasks/demo-task/checkrecord";

/// How a request authenticates.
pub enum Auth<'a> {
    None,
    Token(&'a str),
    AkSk(&'a Signer),
}

/// What came back.
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn error_code(&self) -> String {
        self.json()["error_code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn request_id(&self) -> String {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

pub fn demo_signer() -> Signer {
    Signer::new(hwc_sim::DEMO_AK, SecretString::from(hwc_sim::DEMO_SK)).unwrap()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Sends `GET base + path_and_query`, signed or with a token; panics on a transport error.
pub async fn get(base: &str, path_and_query: &str, auth: Auth<'_>) -> Reply {
    try_get(base, path_and_query, auth)
        .await
        .expect("the request completes")
}

pub async fn try_get(base: &str, path_and_query: &str, auth: Auth<'_>) -> reqwest::Result<Reply> {
    let client = client();
    let mut request = client.get(format!("{base}{path_and_query}")).build()?;
    match auth {
        Auth::None => {}
        Auth::Token(token) => {
            request
                .headers_mut()
                .insert("x-auth-token", token.parse().unwrap());
        }
        Auth::AkSk(signer) => signer.sign(&mut request, jiff::Timestamp::now()).unwrap(),
    }
    let response = client.execute(request).await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await?;
    Ok(Reply {
        status,
        headers,
        text,
    })
}

pub fn token() -> Auth<'static> {
    Auth::Token(hwc_sim::DEMO_TOKEN)
}
