//! Helpers shared by hwc-api's integration tests.
#![allow(dead_code)]

pub mod api_page;
pub mod loopback;
pub mod spec;
