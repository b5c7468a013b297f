//! The API gateway in front of every service, in the order a request meets it
//! ([`pipeline`]): a request id ([`request_id`]), the round trip's latency and flow control
//! ([`flow`]), an injected fault ([`faults`], answered by [`fault_answers`]), authentication
//! ([`auth`]), and the gateway's error bodies ([`error`]).

pub(crate) mod auth;
mod error;
mod fault_answers;
pub(crate) mod faults;
pub(crate) mod flow;
pub(crate) mod pipeline;
pub(crate) mod request_id;

pub(crate) use auth::Authenticator;
pub use error::GatewayError;
pub(crate) use faults::FaultInjector;
pub(crate) use flow::{FlowControl, Latency};
