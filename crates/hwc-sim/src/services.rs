//! What answers behind the gateway: HSS ([`hss`]) and CodeArts Check ([`codearts_check`]) from
//! the generated data, every other operation from its spec example ([`example`]), IAM
//! ([`iam`]) and the ECS metadata service ([`metadata`]); with how each is told to behave
//! ([`image_type`], [`order`], [`paging`]) and what every request needs ([`request`]).

mod answer;
pub mod codearts_check;
pub mod example;
pub mod hss;
pub mod iam;
pub mod image_type;
pub mod metadata;
pub mod order;
pub mod paging;
mod request;

pub use answer::Answer;
pub use image_type::LocalImageValue;
pub use order::Order;
pub use paging::CodeArtsPaging;
