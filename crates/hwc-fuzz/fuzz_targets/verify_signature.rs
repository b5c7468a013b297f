//! The simulator's AK/SK verifier against arbitrary requests: arbitrary `Authorization`,
//! `X-Sdk-Date` and other headers, paths and queries must be answered with an error, never a
//! panic; and a request the client's `Signer` signed must always verify, whatever its path,
//! query and headers.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

use hwc::{SecretString, Signer};
use hwc_sim::{AccessKey, Authenticator};

const AK: &str = "HWCFUZZAK00000000001";
const SK: &str = "hwc-fuzz-secret-key-0000000000000000001";

#[derive(Arbitrary, Debug)]
struct Input {
    post: bool,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    authorization: Option<String>,
    sdk_date: Option<String>,
    body: Vec<u8>,
    /// Seconds after 2026-01-01 of the signing time.
    seconds: u32,
}

fuzz_target!(|input: Input| {
    let authenticator = Authenticator::new(
        vec![AccessKey {
            ak: AK.into(),
            sk: SK.into(),
            security_token: None,
        }],
        Vec::new(),
        None,
    );
    let Ok(now) = jiff::Timestamp::from_second(1_767_225_600 + i64::from(input.seconds)) else {
        return;
    };
    let Ok(url) = reqwest::Url::parse(&format!(
        "http://127.0.0.1:8080/{}?{}",
        input.path, input.query
    )) else {
        return;
    };
    let method = if input.post {
        reqwest::Method::POST
    } else {
        reqwest::Method::GET
    };
    let mut request = reqwest::Request::new(method, url);
    for (name, value) in &input.headers {
        let (Ok(name), Ok(value)) = (
            http::HeaderName::try_from(name.as_str()),
            http::HeaderValue::try_from(value.as_str()),
        ) else {
            continue;
        };
        request.headers_mut().append(name, value);
    }
    if !input.body.is_empty() {
        *request.body_mut() = Some(input.body.clone().into());
    }

    // 1. Hostile headers: whatever comes, an answer and no panic.
    let mut hostile = clone(&request);
    for (name, value) in [
        ("authorization", &input.authorization),
        ("x-sdk-date", &input.sdk_date),
    ] {
        if let Some(Ok(value)) = value.as_deref().map(http::HeaderValue::try_from) {
            hostile.headers_mut().insert(name, value);
        }
    }
    let (parts, body) = into_parts(hostile);
    let _ = authenticator.check(&parts, &body, now);

    // 2. Signed by the client: always accepted (unless the signer refused the request, which
    //    it may only do for headers that are not visible ASCII).
    let signer = match Signer::new(AK, SecretString::from(SK)) {
        Ok(signer) => signer,
        Err(error) => panic!("the fuzz key is valid: {error}"),
    };
    let mut signed = request;
    signed.headers_mut().remove("x-sdk-date");
    signed.headers_mut().remove("authorization");
    // A token request is not an AK/SK request: the gateway checks the token instead.
    signed.headers_mut().remove("x-auth-token");
    if signer.sign(&mut signed, now).is_err() {
        return;
    }
    let (parts, body) = into_parts(signed);
    if let Err(error) = authenticator.check(&parts, &body, now) {
        panic!("a request the client signed was refused: {error:?}\n{parts:?}");
    }
});

fn clone(request: &reqwest::Request) -> reqwest::Request {
    match request.try_clone() {
        Some(copy) => copy,
        None => panic!("byte bodies clone"),
    }
}

fn into_parts(request: reqwest::Request) -> (http::request::Parts, Vec<u8>) {
    let body = request
        .body()
        .and_then(|b| b.as_bytes())
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let mut builder = http::Request::builder()
        .method(request.method().as_str())
        .uri(request.url().as_str());
    for (name, value) in request.headers() {
        builder = builder.header(name, value);
    }
    match builder.body(()) {
        Ok(request) => (request.into_parts().0, body),
        Err(error) => panic!("a reqwest request is a valid http request: {error}"),
    }
}
