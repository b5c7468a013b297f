//! `cargo xtask gen`: the specs in `spec/` become the generated code of `crates/hwc-api` and
//! `crates/hwc`.
//!
//! - [`command`]: the command, writing or checking every generated file and each folder's
//!   `mod.rs`.
//! - [`spec`]: reading a spec file.
//! - [`progenitor_run`]: the low-level client of one spec (progenitor, then the extra types and
//!   lenient readings, in [`types_module`]).
//! - [`extra_types`], [`lenient`]: open enums and lenient strings; lenient answers.
//! - [`descriptor`]: the spec as `hwc_api::descriptor` values.
//! - [`facade`], [`names`]: the facade's builders, named from `x-hwc-facade`.

mod command;
mod descriptor;
mod extra_types;
mod facade;
mod lenient;
mod names;
mod progenitor_run;
mod spec;
mod types_module;

pub use command::run;
