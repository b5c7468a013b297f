//! `cargo xtask bench`: the end-to-end benchmark. One simulator in release mode, then every
//! client pages the same two queries (100,000 HSS records, 20,000 CodeArts Check scans by
//! default) in turn, each in its own process, repeated and interleaved so that machine noise
//! falls on all of them alike; then the CLI pages 1,000,000 records to show its memory is flat.
//!
//! - [`scenarios`]: runs the scenarios asked for and writes their tables.
//! - [`loopback`], [`realistic`], [`all_vuls`]: the scenarios (`realistic` also holds the
//!   fan-out; `all_vuls` is the whole-project export).
//! - [`clients`]: one client over one API in its own measured process.
//! - [`figures`]: medians, rates, the tables.
//! - [`setup`]: options, the clients and APIs, the paths a run needs.
//! - [`measure`], [`sim_process`], [`python_env`]: peak memory and CPU of a command, the
//!   simulator as a child process, the official SDK's virtual environment.
//! - [`load`]: `cargo xtask load`, many pagers against one simulator.

mod all_vuls;
mod clients;
mod figures;
pub mod load;
mod loopback;
pub mod measure;
mod python_env;
mod realistic;
mod scenarios;
mod setup;
mod sim_process;

pub use scenarios::run;
pub use setup::Options;
