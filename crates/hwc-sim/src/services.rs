//! What answers behind the gateway: HSS ([`hss`], [`image_vulns`], [`host_history`]) and CodeArts Check ([`codearts_check`]) from
//! the generated data, every other operation from its spec example ([`example`]), IAM
//! ([`iam`]) and the ECS metadata service ([`metadata`]); with how each is told to behave
//! ([`image_type`], [`order`], [`paging`]) and what every request needs ([`request`]).

mod answer;
pub(crate) mod codearts_check;
pub(crate) mod codearts_tasks;
pub(crate) mod example;
pub(crate) mod host_history;
pub(crate) mod hss;
pub(crate) mod iam;
pub(crate) mod image_type;
pub(crate) mod image_vulns;
pub(crate) mod metadata;
pub(crate) mod order;
pub(crate) mod paging;
mod request;

pub(crate) use answer::Answer;
pub use codearts_tasks::{ScanOutcome, VerdictSpelling};
pub use image_type::LocalImageValue;
pub use order::Order;
pub use paging::CodeArtsPaging;
