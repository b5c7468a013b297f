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
//!     .image_vul_handle_history("CVE-2021-44228", ImageType::Local)
//!     .into_paginator()
//!     .items()
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```

use hwc_api::hss::types as generated;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use hwc_api::hss::types::{ReportedHandleType, ReportedVulStatus};

/// The operation as the spec describes it.
pub const OPERATION: &hwc_api::descriptor::Operation =
    &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS;

/// One handling record of an image vulnerability.
///
/// Lenient like the API: `image_id` may arrive as a number and is kept as text; `handle_type`
/// and `status` keep values outside the documented lists (`manual_repair`, `vul_status_fixed`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[non_exhaustive]
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

/// `with_<field>` setters of text fields.
macro_rules! text_setters {
    ($($setter:ident => $field:ident),* $(,)?) => {$(
        #[doc = concat!("This record with `", stringify!($field), "` set.")]
        pub fn $setter(mut self, value: impl Into<String>) -> Self {
            self.$field = Some(value.into());
            self
        }
    )*};
}

impl HandleRecord {
    /// A record with no field set.
    ///
    /// Fixtures in code start here and set fields with the `with_` methods, so they keep
    /// compiling when a field is added:
    ///
    /// ```
    /// use hwc::hss::HandleRecord;
    ///
    /// let record = HandleRecord::new()
    ///     .with_image_name("nginx")
    ///     .with_user_name("alice")
    ///     .with_handle_type("ignore")
    ///     .with_handle_time("2024-05-01T10:00:00Z".parse().unwrap());
    /// assert_eq!(record.handle_time_ms, Some(1_714_557_600_000));
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    text_setters! {
        with_image_id => image_id,
        with_image_name => image_name,
        with_image_digest => image_digest,
        with_image_version => image_version,
        with_agent_id => agent_id,
        with_user_name => user_name,
        with_app_name => app_name,
        with_app_version => app_version,
        with_app_path => app_path,
        with_remark => remark,
    }

    /// This record handled at `time` (both `handle_time` and `handle_time_ms`).
    pub fn with_handle_time(mut self, time: Timestamp) -> Self {
        self.handle_time = Some(time);
        self.handle_time_ms = Some(time.as_millisecond());
        self
    }

    /// This record with `handle_type` set (`ignore`, `not_ignore`, `add_to_whitelist`, or any
    /// other text, kept as it is).
    pub fn with_handle_type(mut self, handle_type: impl Into<ReportedHandleType>) -> Self {
        self.handle_type = Some(handle_type.into());
        self
    }

    /// This record with `status` set (`vul_status_unfix`, `vul_status_ignored`, or any other
    /// text, kept as it is).
    pub fn with_status(mut self, status: impl Into<ReportedVulStatus>) -> Self {
        self.status = Some(status.into());
        self
    }

    /// Whether this record was handled before `since`. A record without a time is never
    /// "before". To list what is new since then, `into_paginator().pages_since(since, |r|
    /// r.handle_time)` stops at the first older page when the answers come newest first (as
    /// HSS is seen to answer, which its page does not promise) and pages everything otherwise.
    pub fn handled_before(&self, since: Timestamp) -> bool {
        self.handle_time.is_some_and(|time| time < since)
    }
}

/// The model of the generated record, field by field in one pass (no JSON in between): texts
/// as the generated lenient text read them, the time as a timestamp beside the milliseconds sent.
impl From<generated::GeneralImageVulOperationsResponseInfo> for HandleRecord {
    fn from(record: generated::GeneralImageVulOperationsResponseInfo) -> Self {
        let text = |value: Option<generated::LenientString>| value.map(String::from);
        Self {
            image_id: text(record.image_id),
            image_name: text(record.image_name),
            image_digest: text(record.image_digest),
            image_version: text(record.image_version),
            agent_id: text(record.agent_id),
            user_name: text(record.user_name),
            // Milliseconds outside `Timestamp`'s range have no timestamp, and are kept as sent.
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

/// The record as the API sends it: what a simulator or a canned answer serves for this model.
/// `handle_time_ms` is sent (it is what was received); `handle_time` only when it is unset.
impl From<HandleRecord> for generated::GeneralImageVulOperationsResponseInfo {
    fn from(record: HandleRecord) -> Self {
        let text = |value: Option<String>| value.map(generated::LenientString::from);
        Self {
            image_id: text(record.image_id),
            image_name: text(record.image_name),
            image_digest: text(record.image_digest),
            image_version: text(record.image_version),
            agent_id: text(record.agent_id),
            user_name: text(record.user_name),
            handle_time: record
                .handle_time_ms
                .or(record.handle_time.map(|time| time.as_millisecond())),
            handle_type: record.handle_type,
            status: record.status,
            app_name: text(record.app_name),
            app_version: text(record.app_version),
            app_path: text(record.app_path),
            remark: text(record.remark),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_records_become_models_that_read_back_their_own_json() {
        let wire: generated::GeneralImageVulOperationsResponseInfo = serde_json::from_str(
            r#"{"image_id": 123456, "handle_time": 1700000000123, "handle_type": "manual_repair",
                "remark": {"v": 2}}"#,
        )
        .unwrap();
        let model = HandleRecord::from(wire);
        assert_eq!(model.image_id.as_deref(), Some("123456"));
        assert_eq!(model.remark.as_deref(), Some(r#"{"v":2}"#));
        assert_eq!(model.handle_time_ms, Some(1_700_000_000_123));
        assert_eq!(
            model.handle_time,
            Some(Timestamp::from_millisecond(1_700_000_000_123).unwrap())
        );
        assert_eq!(model.image_name, None);
        let again: HandleRecord =
            serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
        assert_eq!(again, model, "its own JSON reads back the same");
        let sent = generated::GeneralImageVulOperationsResponseInfo::from(model.clone());
        assert_eq!(HandleRecord::from(sent), model, "and its wire form");

        let far: generated::GeneralImageVulOperationsResponseInfo =
            serde_json::from_str(r#"{"handle_time": 9223372036854775807}"#).unwrap();
        let far = HandleRecord::from(far);
        assert_eq!(
            (far.handle_time, far.handle_time_ms),
            (None, Some(i64::MAX)),
            "out of range: kept in milliseconds only"
        );
    }
}
