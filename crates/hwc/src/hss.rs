//! HSS: the handling history of an image vulnerability (`ListGeneralImageVulOperations`).
//!
//! ```no_run
//! # async fn run(client: hwc::Client) -> Result<(), hwc::Error> {
//! use futures::TryStreamExt;
//! use hwc::hss::{ImageType, VulStatus};
//!
//! let page = client
//!     .hss()
//!     .image_vul_handle_history("CVE-2021-44228", ImageType::Registry)
//!     .status(VulStatus::VulStatusIgnored)
//!     .limit(200)
//!     .send()
//!     .await?;
//! println!("{} of {:?} records", page.items.len(), page.total);
//!
//! let all: Vec<_> = client
//!     .hss()
//!     .image_vul_handle_history("CVE-2021-44228", ImageType::LocalImage)
//!     .into_paginator()
//!     .items()
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```

use hwc_api::hss::types as generated;
use jiff::Timestamp;
use serde::Serialize;

pub use crate::generated::hss::*;
pub use hwc_api::hss::types::{ReportedHandleType, ReportedVulStatus};

/// The operation as the spec describes it.
pub const OPERATION: &hwc_api::descriptor::Operation = LIST_GENERAL_IMAGE_VUL_OPERATIONS;

/// One handling record of an image vulnerability.
///
/// Lenient like the API: `image_id` may arrive as a number and is kept as text; `handle_type`
/// and `status` keep values outside the documented lists (`manual_repair`, `vul_status_fixed`).
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct HandleRecord {
    /// Image id.
    pub image_id: Option<String>,
    /// Image name.
    pub image_name: Option<String>,
    /// Image digest.
    pub image_digest: Option<String>,
    /// Image tag.
    pub image_version: Option<String>,
    /// Agent id (local images).
    pub agent_id: Option<String>,
    /// The user who handled it.
    pub user_name: Option<String>,
    /// When it was handled (from milliseconds since the epoch).
    pub handle_time: Option<Timestamp>,
    /// The handling time as sent, in milliseconds, also when it is outside `Timestamp`'s range.
    pub handle_time_ms: Option<i64>,
    /// `ignore`, `not_ignore`, `add_to_whitelist`, or a value the documentation does not list.
    #[schemars(with = "Option<String>")]
    pub handle_type: Option<ReportedHandleType>,
    /// `vul_status_unfix`, `vul_status_ignored`, or a value the documentation does not list.
    #[schemars(with = "Option<String>")]
    pub status: Option<ReportedVulStatus>,
    /// Software name.
    pub app_name: Option<String>,
    /// Software version.
    pub app_version: Option<String>,
    /// Software path.
    pub app_path: Option<String>,
    /// Remarks.
    pub remark: Option<String>,
}

impl HandleRecord {
    /// Whether this record was handled before `since`. HSS answers newest first, so
    /// `into_paginator().items_until(|r| r.handled_before(since))` lists what is new since then
    /// and stops at the first older page. A record without a time is never "before".
    pub fn handled_before(&self, since: Timestamp) -> bool {
        self.handle_time.is_some_and(|time| time < since)
    }
}

impl From<generated::GeneralImageVulOperationsResponseInfo> for HandleRecord {
    fn from(record: generated::GeneralImageVulOperationsResponseInfo) -> Self {
        let text = |value: Option<generated::LenientString>| {
            value.map(generated::LenientString::into_string)
        };
        Self {
            image_id: text(record.image_id),
            image_name: text(record.image_name),
            image_digest: text(record.image_digest),
            image_version: text(record.image_version),
            agent_id: text(record.agent_id),
            user_name: text(record.user_name),
            handle_time: record
                .handle_time
                .and_then(|ms| Timestamp::from_millisecond(ms).ok()),
            handle_time_ms: record.handle_time,
            handle_type: record.handle_type,
            status: record.status,
            app_name: text(record.app_name),
            app_version: text(record.app_version),
            app_path: text(record.app_path),
            remark: text(record.remark),
        }
    }
}
