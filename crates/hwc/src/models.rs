//! The hand-written models of each service's answers, made from the generated records: what
//! the generated service modules (`hwc::hss`, `hwc::codearts_check`) re-export beside their
//! builders.

pub(crate) mod codearts_check;
pub(crate) mod hss;
