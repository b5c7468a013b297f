//! `ConfigError`: why a client could not be configured. The facade's `ClientBuilder::build`
//! reports every problem with what was configured; a call reports only what depends on the call
//! (a service the region does not offer, an HSS call without an IAM project).

use std::path::PathBuf;

use thiserror::Error as ThisError;

use hwc_api::Service;

/// What is wrong with the configuration, as data a program can match on. Files and the HTTP
/// client carry their underlying error as `source()`.
#[derive(Debug, ThisError)]
#[non_exhaustive]
pub enum ConfigError {
    /// No credentials were given or found.
    #[error("no credentials: {looked_at}")]
    NoCredentials {
        /// Where they were looked for, and why each gave nothing.
        looked_at: String,
    },

    /// Credentials were found but cannot be used (an AK without its SK, a blank value, a value
    /// a header cannot carry).
    #[error("unusable credentials: {problem}")]
    Credentials {
        /// What is wrong (never the secret itself).
        problem: String,
    },

    /// The region is in neither service's table nor in an override.
    #[error("unknown region {region:?}; known regions: {}", known.join(", "))]
    UnknownRegion {
        /// The region given.
        region: String,
        /// Every region the specs list.
        known: Vec<&'static str>,
    },

    /// The service has no endpoint in the region (the other service may).
    #[error(
        "{} has no endpoint in region {region:?}; its regions are {} (or set {variable})",
        service.display_name(),
        service.regions().join(", ")
    )]
    ServiceNotInRegion {
        /// The service.
        service: Service,
        /// The region.
        region: String,
        /// The environment variable that would give it one.
        variable: String,
    },

    /// Neither a region nor an endpoint was given.
    #[error("no endpoint: set a region or an endpoint")]
    NoEndpoint,

    /// Endpoints were given for the other service only, and no region.
    #[error("no endpoint for {}: set a region or an endpoint for it", service.display_name())]
    ServiceWithoutEndpoint {
        /// The service called.
        service: Service,
    },

    /// An endpoint URL that cannot be used.
    #[error("endpoint {endpoint:?} {problem}")]
    Endpoint {
        /// The URL as given.
        endpoint: String,
        /// What is wrong with it.
        problem: String,
    },

    /// A configuration file exists but cannot be read.
    #[error("cannot read {}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// A configuration file that is not what it should be (a credentials INI file, a
    /// `regions.yaml`).
    #[error("{} is not a valid {what}: {problem}", path.display())]
    FileSyntax {
        /// The file.
        path: PathBuf,
        /// What it should be.
        what: &'static str,
        /// Where and how it is broken.
        problem: String,
    },

    /// A proxy URL that cannot be used; any `user:password` is replaced by `***`.
    #[error("proxy {proxy:?} is not a usable http://, https:// or socks5:// URL")]
    Proxy {
        /// The URL, without its user information.
        proxy: String,
    },

    /// An extra CA certificate that is not PEM.
    #[error("not a PEM certificate")]
    Certificate {
        /// What the TLS library said.
        #[source]
        source: crate::box_error::BoxError,
    },

    /// A TLS setting (an extra CA certificate) in a build of hwc with no TLS backend (neither
    /// its `rustls-aws-lc` nor its `rustls-ring` feature), which speaks plain HTTP only.
    #[error(
        "{setting} needs TLS, and this build of hwc has none (features rustls-aws-lc or rustls-ring)"
    )]
    NoTls {
        /// The setting, as the builder names it.
        setting: &'static str,
    },

    /// The HTTP client could not be built from the settings.
    #[error("cannot build the HTTP client")]
    HttpClient {
        /// What the HTTP library said.
        #[source]
        source: crate::box_error::BoxError,
    },

    /// HSS calls name the IAM project in their path, and none was configured.
    #[error(
        "HSS calls need the IAM project id: set .project_id(..), HUAWEICLOUD_SDK_PROJECT_ID, or project_id in the credentials file (read when the credentials are not given explicitly)"
    )]
    NoProjectId,

    /// Neither credentials nor the IAM project were given or found: both are named at once,
    /// so that a first run does not discover them one at a time.
    #[error(
        "no credentials ({looked_at}), and no IAM project id for HSS calls: set .project_id(..), HUAWEICLOUD_SDK_PROJECT_ID, or project_id in the credentials file"
    )]
    NoCredentialsNorProject {
        /// Where credentials were looked for, and why each gave nothing.
        looked_at: String,
    },

    /// The project could not be looked up in IAM (none, several, or IAM unreachable).
    #[error(
        "cannot find the IAM project of region {region:?} at {iam_endpoint}: {problem} (or give it: .project_id(..), HUAWEICLOUD_SDK_PROJECT_ID)"
    )]
    ProjectLookup {
        /// The region whose project was looked for.
        region: String,
        /// Where IAM was asked.
        iam_endpoint: String,
        /// What came back.
        problem: String,
    },

    /// A setting (an environment variable) has a value that means nothing.
    #[error("{name}={value:?}: {problem}")]
    Setting {
        /// The setting, such as `HUAWEICLOUD_SDK_SIGNING_ALGORITHM`.
        name: &'static str,
        /// Its value.
        value: String,
        /// What it may be.
        problem: String,
    },

    /// An operation without `x-hwc-paging` in its spec was asked for a paginator.
    #[error("{operation} does not page (its spec has no x-hwc-paging)")]
    NotPaged {
        /// The operation.
        operation: &'static str,
    },
}
