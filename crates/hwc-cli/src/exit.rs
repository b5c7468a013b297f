//! How a run ends: why a command stopped ([`failure`]), what is said about it on stderr
//! ([`report`]), and the exit code, one meaning each ([`codes`]).

mod codes;
mod failure;
mod report;

pub use failure::Failure;
pub use report::{exit_code, unless_unwritten};
