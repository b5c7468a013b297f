//! Checking the URLs a configuration gives (endpoints, IAM, proxies) and showing them without
//! the passwords they may carry.

use hwc_runtime::{ConfigError, Error};
use url::Url;

/// `url` with any `user:password@` replaced by `***@`, for messages: a URL given as an
/// endpoint or proxy may carry a password.
pub fn redact_userinfo(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_owned(),
        },
        None => match url.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => url.to_owned(),
        },
    }
}

/// Checks an endpoint URL: http(s), a host, no path beyond `/`, no query or fragment; plain
/// `http` only on loopback unless `allow_insecure_http`. Returns it without a trailing `/`.
pub fn check_endpoint(text: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let bad = |why: &str| -> Error {
        ConfigError::Endpoint {
            endpoint: redact_userinfo(text),
            problem: why.to_owned(),
        }
        .into()
    };
    let url = Url::parse(text.trim()).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(bad(
                "is plain http to a host other than loopback; use https, or allow insecure http explicitly",
            ));
        }
        other => return Err(bad(&format!("has scheme {other:?}; use https"))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if url.path() != "/" && !url.path().is_empty() {
        return Err(bad("has a path; give only scheme, host and port"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("has a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("carries user information"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_checked() {
        assert_eq!(
            check_endpoint("https://hss.example.com/", false).unwrap(),
            "https://hss.example.com"
        );
        assert_eq!(
            check_endpoint("http://127.0.0.1:8080", false).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            check_endpoint("http://localhost:1", false).unwrap(),
            "http://localhost:1"
        );
        for (bad, why) in [
            ("http://hss.example.com", "plain http"),
            ("https://hss.example.com/v5", "has a path"),
            ("https://hss.example.com/?a=1", "query"),
            ("ftp://x", "scheme"),
            ("not a url", "not a URL"),
            ("https://user:pw@hss.example.com", "user information"),
        ] {
            let error = check_endpoint(bad, false).unwrap_err().to_string();
            assert!(error.contains(why), "{bad}: {error}");
        }
        assert!(check_endpoint("http://hss.example.com", true).is_ok());
    }
}
