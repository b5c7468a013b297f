//! The endpoints of one service and which of them to use: failover as the official SDKs do it.
//!
//! A region may have several endpoints (the spec lists a second domain for the cn-* regions of
//! CodeArts Check) and an override may list several, comma-separated. Requests go to the
//! preferred one; when a connection to it cannot be made (DNS failure, refused, TLS handshake
//! failure) the preference moves to the next, for every request of the client, so the one that
//! worked is remembered.

use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::Url;

use crate::config_error::ConfigError;
use crate::error::Error;

/// Every endpoint of a service, in the order to try them, and the one in use.
#[derive(Debug)]
pub struct EndpointSet {
    urls: Vec<Url>,
    /// Base URLs as given (checked, without a trailing `/`), for display.
    texts: Vec<String>,
    preferred: AtomicUsize,
}

impl EndpointSet {
    /// The set of checked base URLs (scheme, host and port only; checked by the configuration).
    pub fn new(texts: Vec<String>) -> Result<Self, Error> {
        if texts.is_empty() {
            return Err(ConfigError::NoEndpoint.into());
        }
        let urls = texts
            .iter()
            .map(|text| {
                Url::parse(text).map_err(|e| -> Error {
                    ConfigError::Endpoint {
                        endpoint: text.clone(),
                        problem: format!("is not a URL ({e})"),
                    }
                    .into()
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            urls,
            texts,
            preferred: AtomicUsize::new(0),
        })
    }

    /// Every endpoint, in the order they are tried.
    pub fn all(&self) -> &[String] {
        &self.texts
    }

    /// How many endpoints there are.
    pub(crate) fn len(&self) -> usize {
        self.urls.len()
    }

    /// The endpoint in use now, by index.
    pub(crate) fn preferred(&self) -> usize {
        self.preferred.load(Ordering::Relaxed) % self.urls.len()
    }

    /// The endpoint in use now.
    pub fn current(&self) -> &str {
        &self.texts[self.preferred()]
    }

    /// The base URL at `index`.
    pub fn text(&self, index: usize) -> &str {
        &self.texts[index % self.texts.len()]
    }

    /// A connection to endpoint `index` could not be made: prefer the next one. Concurrent
    /// failures of the same endpoint move the preference once, not once each.
    pub(crate) fn unreachable(&self, index: usize) {
        let next = (index + 1) % self.urls.len();
        let _ = self
            .preferred
            .compare_exchange(index, next, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// Points `request` (built against the first endpoint) at endpoint `index`: scheme, host
    /// and port change, path and query stay. Signing afterwards signs for that host.
    pub(crate) fn aim(&self, request: &mut reqwest::Request, index: usize) -> Result<(), Error> {
        let target = &self.urls[index % self.urls.len()];
        let url = request.url_mut();
        if url.scheme() == target.scheme()
            && url.host_str() == target.host_str()
            && url.port() == target.port()
        {
            return Ok(());
        }
        let failed = || -> Error {
            ConfigError::Endpoint {
                endpoint: target.to_string(),
                problem: "cannot take a request aimed at another endpoint".into(),
            }
            .into()
        };
        url.set_scheme(target.scheme()).map_err(|()| failed())?;
        url.set_host(target.host_str()).map_err(|_| failed())?;
        url.set_port(target.port()).map_err(|()| failed())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(urls: &[&str]) -> EndpointSet {
        EndpointSet::new(urls.iter().map(|u| (*u).to_owned()).collect()).unwrap()
    }

    #[test]
    fn requests_are_aimed_at_the_chosen_endpoint_keeping_path_and_query() {
        let endpoints = set(&["https://a.example", "http://127.0.0.1:8080"]);
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            "https://a.example/v2/p/tasks/t/checkrecord?offset=1"
                .parse()
                .unwrap(),
        );
        endpoints.aim(&mut request, 1).unwrap();
        assert_eq!(
            request.url().as_str(),
            "http://127.0.0.1:8080/v2/p/tasks/t/checkrecord?offset=1"
        );
        endpoints.aim(&mut request, 0).unwrap();
        assert_eq!(
            request.url().as_str(),
            "https://a.example/v2/p/tasks/t/checkrecord?offset=1"
        );
    }

    #[test]
    fn concurrent_failures_of_one_endpoint_move_the_preference_once() {
        let endpoints = set(&[
            "https://a.example",
            "https://b.example",
            "https://c.example",
        ]);
        assert_eq!(endpoints.current(), "https://a.example");
        for _ in 0..5 {
            endpoints.unreachable(0);
        }
        assert_eq!(endpoints.current(), "https://b.example");
        endpoints.unreachable(1);
        endpoints.unreachable(2);
        assert_eq!(endpoints.current(), "https://a.example", "round and round");
    }
}
