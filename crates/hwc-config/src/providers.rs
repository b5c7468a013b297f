//! The places credentials come from, in the default chain's order: the environment, the
//! profile file, and the ECS/BMS metadata service; a federated identity (id token file) may stand
//! in for the keys of the first two.

pub mod chain;
pub mod environment;
pub mod federation;
pub mod metadata;
pub mod profile;
