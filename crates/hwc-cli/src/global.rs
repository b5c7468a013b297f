//! The flags of every command.

use clap::Args;

use crate::render::Output;

/// Flags of every command.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Region of the endpoints, such as cn-north-4.
    #[arg(long, global = true, value_name = "REGION", env = "HWC_REGION")]
    pub region: Option<String>,
    /// Endpoint URL to use instead of the region's (both services).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// IAM project id for HSS (default: HUAWEICLOUD_SDK_PROJECT_ID or the credentials file).
    #[arg(long, global = true, value_name = "ID")]
    pub project_id: Option<String>,
    /// Output format.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Output::Table, env = "HWC_OUTPUT")]
    pub output: Output,
    /// Seconds a whole call may take, retries included.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Retries after a failed attempt (0: none).
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<u32>,
    /// Pages fetched at once with --all [default: as the API's rate times its round trip
    /// needs, 4 to 32, paced under the gateway's flow control].
    #[arg(long, global = true, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Requests a second the gateway allows each API, when your quota is not the documented
    /// 200: every page and call keeps just under it from the start [default: learned from the
    /// gateway's first throttle].
    #[arg(long, global = true, value_name = "PER_SECOND", value_parser = clap::value_parser!(u32).range(1..))]
    pub api_rate_limit: Option<u32>,
    /// How AK/SK requests are signed: hmac-sha256 (the default), hmac-sm3 or sm2-sm3 (GM/T
    /// rules), ecdsa-p256-sha256, or v11-hmac-sha256 (needs --region) [default:
    /// HUAWEICLOUD_SDK_SIGNING_ALGORITHM, else hmac-sha256].
    #[arg(long, global = true, value_name = "ALGORITHM")]
    pub signing_algorithm: Option<hwc::SigningAlgorithm>,
    /// Check each request and print it (method, URL, headers, secrets redacted) instead of
    /// sending it; exit 0. Needs no credentials.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Each HTTP attempt on stderr: method, URL, status, request id and time (never a header,
    /// so never a secret).
    #[arg(long, global = true)]
    pub debug: bool,
    /// More logs on stderr (-v: info, -vv: debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Run against a simulator started in-process instead of the cloud.
    #[cfg(feature = "sim")]
    #[arg(long, global = true)]
    pub sim: bool,
}
