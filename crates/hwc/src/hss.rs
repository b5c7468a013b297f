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

use hwc_api::descriptor::Operation;
use hwc_api::hss::types as generated;
use jiff::Timestamp;
use serde::Serialize;

use crate::call::call;
use crate::client::Client;
use crate::error::Error;
use crate::paginate::{Page, Paginator};

pub use hwc_api::hss::types::{
    HandleType, ImageType, ReportedHandleType, ReportedVulStatus, VulStatus,
};

/// The operation as the spec describes it.
pub const OPERATION: &Operation = &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS;

/// HSS calls of a [`Client`].
#[derive(Clone, Debug)]
pub struct Hss {
    client: Client,
}

impl Client {
    /// Host Security Service calls.
    pub fn hss(&self) -> Hss {
        Hss {
            client: self.clone(),
        }
    }
}

impl Hss {
    /// The handling history of vulnerability `vul_id` on images of `image_type`.
    pub fn image_vul_handle_history(
        &self,
        vul_id: impl Into<String>,
        image_type: ImageType,
    ) -> ImageVulHandleHistory {
        ImageVulHandleHistory {
            client: self.client.clone(),
            vul_id: vul_id.into(),
            image_type,
            enterprise_project_id: None,
            image_id: None,
            image_name: None,
            status: None,
            user_name: None,
            handle_type: None,
            app_name: None,
            app_version: None,
            remark: None,
            offset: None,
            limit: None,
        }
    }
}

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

/// A `ListGeneralImageVulOperations` call being built. Every parameter is checked against the
/// spec before anything is sent.
#[derive(Clone, Debug)]
pub struct ImageVulHandleHistory {
    client: Client,
    vul_id: String,
    image_type: ImageType,
    enterprise_project_id: Option<String>,
    image_id: Option<String>,
    image_name: Option<String>,
    status: Option<VulStatus>,
    user_name: Option<String>,
    handle_type: Option<HandleType>,
    app_name: Option<String>,
    app_version: Option<String>,
    remark: Option<String>,
    offset: Option<u64>,
    limit: Option<u64>,
}

macro_rules! text_setters {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$name = Some(value.into());
            self
        }
    )+};
}

impl ImageVulHandleHistory {
    text_setters! {
        /// Enterprise project; `all_granted_eps` for all (the API's default is `0`).
        enterprise_project_id,
        /// Only this image.
        image_id,
        /// Only images with this name.
        image_name,
        /// Only records by this user.
        user_name,
        /// Only this application.
        app_name,
        /// Only this application version.
        app_version,
        /// Only records with this remark.
        remark,
    }

    /// Only records in this status.
    pub fn status(mut self, status: VulStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only records of this handling type.
    pub fn handle_type(mut self, handle_type: HandleType) -> Self {
        self.handle_type = Some(handle_type);
        self
    }

    /// Index of the first record (the API's default is 0).
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Records per page (the API's default is 10; it allows 10 to 200).
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The parameters as they go on the wire, for validation against the spec.
    fn wire(
        &self,
        project_id: &str,
        offset: Option<u64>,
        limit: Option<u64>,
    ) -> Vec<(&'static str, String)> {
        let mut wire = vec![
            ("project_id", project_id.to_owned()),
            ("vul_id", self.vul_id.clone()),
            ("image_type", self.image_type.to_string()),
        ];
        let optional = [
            ("enterprise_project_id", self.enterprise_project_id.clone()),
            ("image_id", self.image_id.clone()),
            ("image_name", self.image_name.clone()),
            ("status", self.status.map(|s| s.to_string())),
            ("user_name", self.user_name.clone()),
            ("handle_type", self.handle_type.map(|h| h.to_string())),
            ("app_name", self.app_name.clone()),
            ("app_version", self.app_version.clone()),
            ("remark", self.remark.clone()),
            ("offset", offset.map(|o| o.to_string())),
            ("limit", limit.map(|l| l.to_string())),
        ];
        wire.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.map(|v| (name, v))),
        );
        wire
    }

    /// Sends the call: one page of records and the total.
    pub async fn send(&self) -> Result<Page<HandleRecord>, Error> {
        self.fetch(self.offset, self.limit).await
    }

    /// Every page or every record, as streams; see [`Paginator`].
    pub fn into_paginator(self) -> Paginator<Self> {
        Paginator::new(self)
    }

    async fn fetch(
        &self,
        offset: Option<u64>,
        limit: Option<u64>,
    ) -> Result<Page<HandleRecord>, Error> {
        let project_id = self
            .client
            .project_id()
            .ok_or(crate::ConfigError::NoProjectId)?;
        let wire = self.wire(project_id, offset, limit);
        crate::validate::check_wire(OPERATION, &wire)?;
        let generated_client = self.client.hss_client()?;
        let mut builder = generated_client
            .list_general_image_vul_operations()
            .project_id(project_id)
            .vul_id(self.vul_id.as_str())
            .image_type(self.image_type);
        if let Some(value) = &self.enterprise_project_id {
            builder = builder.enterprise_project_id(value.as_str());
        }
        if let Some(value) = &self.image_id {
            builder = builder.image_id(value.as_str());
        }
        if let Some(value) = &self.image_name {
            builder = builder.image_name(value.as_str());
        }
        if let Some(value) = self.status {
            builder = builder.status(value);
        }
        if let Some(value) = &self.user_name {
            builder = builder.user_name(value.as_str());
        }
        if let Some(value) = self.handle_type {
            builder = builder.handle_type(value);
        }
        if let Some(value) = &self.app_name {
            builder = builder.app_name(value.as_str());
        }
        if let Some(value) = &self.app_version {
            builder = builder.app_version(value.as_str());
        }
        if let Some(value) = &self.remark {
            builder = builder.remark(value.as_str());
        }
        // Validated above, so these fit the generated integer types.
        if let Some(value) = offset {
            builder = builder.offset(i32::try_from(value).unwrap_or(i32::MAX));
        }
        if let Some(value) = limit {
            builder = builder.limit(i32::try_from(value).unwrap_or(i32::MAX));
        }
        let answered = call(&self.client, OPERATION, builder.send()).await?;
        let body = answered.body;
        Ok(Page {
            total: body.total_num.and_then(|t| u64::try_from(t).ok()),
            offset: offset.unwrap_or(0),
            items: body.data_list.into_iter().map(HandleRecord::from).collect(),
            request_id: answered.request_id,
        })
    }
}

crate::paginate::offset_paged!(ImageVulHandleHistory, HandleRecord, OPERATION);
