//! Everything printed: the formats ([`format`](mod@format)), records as rows ([`rows`]) written by a
//! [`printer`], pages as they arrive ([`pages`]) with a hint to resume ([`resume`]), and the
//! trend chart ([`chart`]); HSS handling records as OCSF events ([`ocsf`]).

pub mod chart;
mod format;
pub mod ocsf;
mod pages;
mod printer;
mod resume;
mod rows;

pub use format::Output;
pub use pages::{print_page, print_pages};
pub use resume::Resume;
pub use rows::{Layout, Row, Tabular, rfc3339};
