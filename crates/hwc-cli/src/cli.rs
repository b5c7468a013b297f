//! The command line's hand-written tree: global flags and the commands besides the operations,
//! whose commands and flags come from the spec descriptors (`crate::operations`).

#[cfg(feature = "sim")]
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd_gate::Gate;
use crate::cmd_trend::Trend;
use crate::global::Global;

/// The handling history of HSS image vulnerabilities and the scan history of CodeArts Check
/// tasks, from the terminal.
///
/// Credentials come from the official SDKs' environment variables (HUAWEICLOUD_SDK_AK,
/// HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN, HUAWEICLOUD_SDK_PROJECT_ID) or
/// ~/.huaweicloud/credentials, or an IAM token from HWC_IAM_TOKEN. Exit codes: 0 success, 1 API
/// or network error, 2 usage or validation error, 3 output that cannot be written (a file or
/// standard output), 4 a failed `codearts-check gate`, 130 interrupted.
#[derive(Parser, Debug)]
#[command(name = "hwc", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do, besides the operations of the specs, which `crate::operations` adds to the
/// command line from their descriptors (`hwc hss vul-history`, `hwc codearts-check records`).
#[derive(Subcommand, Debug)]
pub enum Command {
    /// CodeArts Check.
    #[command(subcommand, name = "codearts-check")]
    CodeArtsCheck(CodeArtsCommand),
    /// Start a simulator in-process and walk through both APIs against it.
    #[cfg(feature = "sim")]
    Demo {
        /// Where to write the trend chart.
        #[arg(long, default_value = "hwc-demo-trend.svg")]
        chart: PathBuf,
    },
    /// Where the credentials and the project come from, each service's endpoint, and a signed
    /// call to each service to prove they work (exit 0 when all do, 1 otherwise).
    Config,
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// CodeArts Check commands besides its operations. Each takes the flags of `CheckRecord`
/// (but paging) from the spec, added by `crate::operations`.
#[derive(Subcommand, Debug)]
pub enum CodeArtsCommand {
    /// A chart of issue counts per scan over time, and the last scan against the one before.
    Trend(Trend),
    /// A verdict on the latest scan for CI: thresholds per severity and/or no increase against
    /// the scan before. Exit 0 when it passes, 4 when it fails (1 and 2 stay errors).
    Gate(Gate),
}
