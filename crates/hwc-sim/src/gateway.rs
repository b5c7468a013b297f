//! The API gateway in front of every service, in the order a request meets it
//! ([`pipeline`]): a request id ([`request_id`]), the round trip's latency and flow control
//! ([`flow`]), an injected fault ([`faults`], answered by [`fault_answers`]), authentication
//! ([`auth`]), and the gateway's error bodies ([`error`]).

pub mod auth;
mod error;
mod fault_answers;
pub mod faults;
pub mod flow;
pub mod pipeline;
pub mod request_id;

pub use auth::Authenticator;
pub use error::GatewayError;
pub use faults::FaultInjector;
pub use flow::{FlowControl, Latency};
