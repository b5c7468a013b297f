//! A test kit for code that uses hwc (feature `test-util`): clients for tests that need no
//! account and, with [`ReplayTransport`], no socket.
//!
//! - [`simulator_client`]: a [`ClientBuilder`](crate::ClientBuilder) for a simulator (such as
//!   `hwc-sim`) at a URL, with its credentials, no backoff between retries and no client-side
//!   flow control, so tests run fast and see every request the code makes.
//! - [`ReplayTransport`]: canned answers per operation, served through the whole client
//!   (validation, signing, retries, decoding, paging) in place of the network, and a record of
//!   every request it was sent, for assertions. As aws-smithy's `StaticReplayClient`.
//!
//! The models have constructors (`HandleRecord::new().with_user_name(..)`,
//! `CheckRecord::new().with_issue_counts(..)`, `IssueCounts::new(..)`), so fixtures keep
//! compiling when a field is added.

mod replay;
mod simulator;

pub use replay::{Canned, RecordedRequest, ReplayTransport};
pub use simulator::{SIMULATOR_PROJECT, no_backoff, simulator_client};
