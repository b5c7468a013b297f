//! The command line: global flags and the hand-written commands. The operations' commands and
//! flags come from the spec descriptors (`crate::operations`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

/// Flags of every command.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Region of the endpoints, such as cn-north-4.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Endpoint URL to use instead of the region's (both services).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,
    /// IAM project id for HSS (default: HUAWEICLOUD_SDK_PROJECT_ID or the credentials file).
    #[arg(long, global = true, value_name = "ID")]
    pub project_id: Option<String>,
    /// Output format.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Output::Table)]
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
    /// More logs on stderr (-v: info, -vv: debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Run against a simulator started in-process instead of the cloud.
    #[cfg(feature = "sim")]
    #[arg(long, global = true)]
    pub sim: bool,
}

/// How results are printed. Times are RFC 3339 in UTC in every format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// A table that fits the terminal; with --all it holds every record until the last page
    /// (use jsonl or csv for large results).
    Table,
    /// One JSON document, streamed as pages arrive.
    Json,
    /// One JSON record per line, as pages arrive.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
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

/// What `hwc hss vul-history` adds to the operation's flags.
#[derive(Args, Debug, Default)]
pub struct VulHistoryExtras {
    /// Only records handled at or after this time: RFC 3339, YYYY-MM-DD (midnight UTC), or a
    /// duration back from now such as 7d, 12h or 1d6h. Pages every record (like --all) but
    /// stops at the first page that reaches older ones: results come newest first.
    #[arg(long, value_parser = parse_moment)]
    pub since: Option<Moment>,
    /// Only records handled at or before this time (same forms as --since).
    #[arg(long, value_parser = parse_moment)]
    pub until: Option<Moment>,
    /// Incremental export: emit only records newer than the last complete run recorded in
    /// FILE (created when missing), then record this run. FILE belongs to this query only, is
    /// replaced atomically and only when the run completes, and one run at a time writes it
    /// (FILE.lock).
    #[arg(long, value_name = "FILE")]
    pub state: Option<std::path::PathBuf>,
    /// Append the records to FILE instead of printing them (jsonl or csv; a new CSV file gets
    /// the header), only once the run has completed: with --state, every record reaches FILE
    /// exactly once over the runs, interrupted ones included.
    #[arg(long, value_name = "FILE")]
    pub append: Option<std::path::PathBuf>,
    /// With --state or --append: when another run is writing the same files, wait up to this
    /// long for it (such as 30s or 10m) instead of failing at once.
    #[arg(long, value_name = "DURATION", value_parser = parse_wait)]
    pub wait_lock: Option<std::time::Duration>,
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

/// A severity of CodeArts Check's issue counts.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Critical issues.
    Critical,
    /// Major issues.
    Serious,
    /// Common problems.
    Normal,
    /// Suggestions.
    Prompt,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::Serious,
        Severity::Normal,
        Severity::Prompt,
    ];

    /// The API's name of the count.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Serious => "serious",
            Severity::Normal => "normal",
            Severity::Prompt => "prompt",
        }
    }
}

/// `hwc codearts-check gate`.
#[derive(Args, Debug)]
#[command(group(
    clap::ArgGroup::new("rules")
        .required(true)
        .multiple(true)
        .args(["max_critical", "max_serious", "max_normal", "max_prompt", "no_increase"])
))]
pub struct Gate {
    /// Fail when the latest scan has more critical issues than this.
    #[arg(long, value_name = "N")]
    pub max_critical: Option<i64>,
    /// Fail when the latest scan has more serious issues than this.
    #[arg(long, value_name = "N")]
    pub max_serious: Option<i64>,
    /// Fail when the latest scan has more normal issues than this.
    #[arg(long, value_name = "N")]
    pub max_normal: Option<i64>,
    /// Fail when the latest scan has more prompt issues (suggestions) than this.
    #[arg(long, value_name = "N")]
    pub max_prompt: Option<i64>,
    /// Fail when these counts grew since the scan before (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "SEVERITY,..")]
    pub no_increase: Vec<Severity>,
}

impl Gate {
    /// The threshold set for `severity`, if any.
    pub fn maximum(&self, severity: Severity) -> Option<i64> {
        match severity {
            Severity::Critical => self.max_critical,
            Severity::Serious => self.max_serious,
            Severity::Normal => self.max_normal,
            Severity::Prompt => self.max_prompt,
        }
    }
}

/// `hwc codearts-check trend`.
#[derive(Args, Debug)]
pub struct Trend {
    /// Write the chart as SVG to this file.
    #[arg(long, value_name = "FILE", conflicts_with = "png")]
    pub svg: Option<PathBuf>,
    /// Write the chart as PNG to this file.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
}

/// A time given on the command line: an instant, or a duration back from when the command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// This instant.
    At(jiff::Timestamp),
    /// This long before now.
    Ago(std::time::Duration),
}

impl Moment {
    /// The instant, with `now` for durations.
    pub fn at(self, now: jiff::Timestamp) -> jiff::Timestamp {
        match self {
            Moment::At(instant) => instant,
            Moment::Ago(duration) => jiff::SignedDuration::try_from(duration)
                .ok()
                .and_then(|back| now.checked_sub(back).ok())
                .unwrap_or(jiff::Timestamp::MIN),
        }
    }
}

/// RFC 3339, `YYYY-MM-DD`, or a duration such as `7d`, `12h`, `90m`, `1d6h`.
fn parse_moment(text: &str) -> Result<Moment, String> {
    if let Ok(instant) = parse_time(text) {
        return Ok(Moment::At(instant));
    }
    parse_duration(text.trim()).map(Moment::Ago).ok_or_else(|| {
        format!(
            "{text:?} is neither RFC 3339 (2020-09-25T12:05:00Z), a date (2020-09-25), nor a duration such as 7d, 12h or 1d6h"
        )
    })
}

/// A duration such as `30s`, `10m` or `1h30m`.
fn parse_wait(text: &str) -> Result<std::time::Duration, String> {
    parse_duration(text.trim())
        .ok_or_else(|| format!("{text:?} is not a duration such as 30s, 10m or 1h30m"))
}

/// `<number><unit>` repeated, units `d`, `h`, `m`, `s`; `None` for anything else.
fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let mut seconds: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit: u64 = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let value: u64 = number.parse().ok()?;
        seconds = seconds.checked_add(value.checked_mul(unit)?)?;
        number.clear();
    }
    (number.is_empty() && !text.is_empty()).then_some(std::time::Duration::from_secs(seconds))
}

/// RFC 3339 with `Z` or an offset, or `YYYY-MM-DD` as midnight UTC.
pub fn parse_time(text: &str) -> Result<jiff::Timestamp, String> {
    let text = text.trim();
    if let Ok(instant) = text.parse::<jiff::Timestamp>() {
        return Ok(instant);
    }
    jiff::civil::Date::strptime("%Y-%m-%d", text)
        .ok()
        .and_then(|date| date.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|zoned| zoned.timestamp())
        .ok_or_else(|| {
            format!(
                "{text:?} is neither RFC 3339 with an offset (2020-09-25T12:05:00Z, 2020-09-25T20:05:00+08:00) nor a date (2020-09-25, midnight UTC)"
            )
        })
}

#[cfg(test)]
mod moment_tests {
    use super::*;

    #[test]
    fn since_takes_times_dates_and_durations() {
        let now: jiff::Timestamp = "2026-11-23T12:00:00Z".parse().unwrap();
        let at = |text: &str| parse_moment(text).map(|m| m.at(now).to_string());
        assert_eq!(at("7d").unwrap(), "2026-11-16T12:00:00Z");
        assert_eq!(at("1d6h").unwrap(), "2026-11-22T06:00:00Z");
        assert_eq!(at("90m").unwrap(), "2026-11-23T10:30:00Z");
        assert_eq!(at("2026-11-01").unwrap(), "2026-11-01T00:00:00Z");
        assert_eq!(
            at("2026-11-01T08:00:00+08:00").unwrap(),
            "2026-11-01T00:00:00Z"
        );
        for bad in [
            "",
            "7",
            "d",
            "7w",
            "1.5h",
            "yesterday",
            "99999999999999999999d",
        ] {
            assert!(parse_moment(bad).is_err(), "{bad}");
        }
    }
}
