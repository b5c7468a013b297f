//! The runtime of the hwc client: how one call to a Huawei Cloud API is sent. It reads no
//! environment and no files (that is `hwc-config`), and knows no service by hand (the
//! generated `hwc-api` describes them).
//!
//! A call goes down this crate in order:
//!
//! 1. [`credentials`](Credentials) and their [`provider`](ProvideCredentials) and
//!    [`cache`](CredentialsCache); the [`project`](plumbing::ProjectSlot);
//! 2. validation of parameters against the spec ([`validate`]);
//! 3. per-attempt signing with the clock's skew estimate ([`signing`], `auth`, `clock`);
//! 4. sending with retry ([`RetryPolicy`]), flow control, endpoint failover and body limits
//!    (`transport`), each call's record and time limit (`call`);
//! 5. decoding into a typed [`Error`] when it fails ([`ApiError`], [`ConfigError`]);
//! 6. paging ([`Paginator`], from each operation's `x-hwc-paging`).
//!
//! Public policy is at the root; what the facade and its generated code need to wire a client
//! is in [`plumbing`].

#![forbid(unsafe_code)]
#![warn(unreachable_pub, missing_docs)]

mod auth;
mod body;
mod box_error;
mod call;
mod call_options;
mod clock;
mod config_error;
mod connector;
mod credentials;
mod endpoints;
mod error;
mod flow_control;
mod interceptor;
mod paginate;
mod project;
mod provider;
mod retry;
mod runtime;
mod settings;
pub mod signing;
mod spelling;
mod support;
mod time_order;
mod transport;
pub use transport::ATTEMPT_TARGET;
pub mod validate;

pub use box_error::BoxError;
pub use call_options::CallOptions;
pub use config_error::ConfigError;
pub use connector::{Connector, ConnectorError, ConnectorFuture, ConnectorRequest};
pub use credentials::Credentials;
pub use error::{ApiError, Error, Hint, PagingProblem};
pub use hwc_api::Service;
pub use interceptor::{AfterAttempt, AfterCall, BeforeSigning, Interceptor, TraceParent};
pub use paginate::{OffsetLayout, Page, PagedRequest, Paginator};
pub use provider::{
    CredentialsCache, ProvideCredentials, ProvideFuture, ProvidedCredentials,
    REFRESH_BEFORE_EXPIRY, StaticCredentials,
};
pub use retry::RetryPolicy;
pub use settings::{
    CallSettings, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_OPERATION_TIMEOUT, DEFAULT_PAGE_CONCURRENCY,
};
pub use time_order::TimeOrder;

/// Re-exported so that users name secrets with the same type the crate takes.
pub use secrecy::SecretString;

/// What the facade and its generated code need to wire a client, and the configuration crate
/// to send its own requests (IAM, metadata): not an interface to program against.
pub mod plumbing {
    pub use crate::auth::apply_credentials;
    pub use crate::body::{BodyError, read_limited};
    pub use crate::clock::Clock;
    pub use crate::endpoints::EndpointSet;
    pub use crate::project::{LookupFuture, LookupProject, ProjectSlot};
    pub use crate::runtime::Runtime;

    /// What every generated operation builder shares.
    pub mod support {
        pub use crate::support::*;
    }
}
