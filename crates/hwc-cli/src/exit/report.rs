//! How a failure is told: one line on stderr with status, code, message and request id, a hint
//! for the common ones, and the exit code (1 API, network or service failures, IAM and the
//! metadata service included; 2 what the command line or the configuration got wrong; 3 output
//! that cannot be written; 4 a failed gate; 130 interrupted).

use std::io::Write as _;
use std::process::ExitCode;

use hwc::{ConfigError, Error};

use super::codes::{EXIT_API, EXIT_GATE_FAILED, EXIT_INTERRUPTED, EXIT_OUTPUT, EXIT_USAGE};
use super::failure::Failure;

/// Says on stderr that `what` could not be written to stdout, unless the reader closed it (its
/// choice). For commands whose exit code is a verdict (`gate`, `config`), which must not
/// depend on whether their output could be written.
pub fn unless_unwritten(what: &str, written: std::io::Result<()>) {
    if let Err(error) = written
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("hwc: warning: cannot write {what}: {error}");
    }
}

/// Prints `error` to stderr and gives the exit code.
pub fn report(error: &Error) -> u8 {
    let told = in_the_cli_s_words(error).unwrap_or_else(|| with_causes(error));
    eprintln!("hwc: error: {told}");
    if let Some(hint) = hint(error) {
        eprintln!("hint: {hint}");
    }
    if error.is_usage() {
        EXIT_USAGE
    } else {
        EXIT_API
    }
}

/// The errors whose library wording names builder methods (`.project_id(..)`), in the words
/// of the command line (`--project-id`).
fn in_the_cli_s_words(error: &Error) -> Option<String> {
    const GIVE_PROJECT: &str = "give --project-id, set HUAWEICLOUD_SDK_PROJECT_ID, or write project_id in ~/.huaweicloud/credentials";
    match error {
        Error::Config(ConfigError::NoProjectId) => {
            Some(format!("HSS calls need the IAM project id: {GIVE_PROJECT}"))
        }
        Error::Config(ConfigError::NoCredentialsNorProject { looked_at }) => Some(format!(
            "nothing is configured: no credentials ({looked_at}); and no IAM project id for HSS calls: {GIVE_PROJECT}"
        )),
        Error::Config(ConfigError::ProjectLookup {
            region,
            iam_endpoint,
            problem,
        }) => Some(format!(
            "cannot find the IAM project of region {region:?} at {iam_endpoint}: {problem} (or {GIVE_PROJECT})"
        )),
        _ => None,
    }
}

/// The error and each of its causes on one line, as anyhow's `{:#}` prints them.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        line.push_str(": ");
        line.push_str(&inner.to_string());
        cause = inner.source();
    }
    line
}

fn hint(error: &Error) -> Option<&'static str> {
    match error {
        Error::Api(api) => match (api.code.as_str(), api.status) {
            ("APIGW.0301", _) if api.message.contains("signature expired") => Some(
                "this machine's clock is more than 15 minutes off the gateway's; set it right (hwc corrects once per call)",
            ),
            ("APIGW.0301", _) => Some(
                "check HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (or HWC_IAM_TOKEN); 5 failures in a row lock the AK for 5 minutes",
            ),
            ("APIGW.0307", _) | ("CC.00000003", _) => Some(
                "the credentials expired: get a new IAM token (HWC_IAM_TOKEN) or security token, or leave them out so that the metadata service or federated identity provides refreshable ones",
            ),
            ("APIGW.0302", _) => {
                Some("the credentials are valid but not allowed this API: check the IAM policies")
            }
            ("APIGW.0308", _) | (_, 429) => {
                Some("throttled: lower --concurrency or try again later")
            }
            ("APIGW.0101", _) | (_, 404) => {
                Some("check --region or --endpoint: this host does not serve this API")
            }
            _ => None,
        },
        Error::Config(
            ConfigError::UnknownRegion { .. }
            | ConfigError::ServiceNotInRegion { .. }
            | ConfigError::NoEndpoint
            | ConfigError::ServiceWithoutEndpoint { .. },
        ) => {
            Some("give a region the service is in, such as --region cn-north-4, or --endpoint URL")
        }
        Error::Config(
            ConfigError::NoCredentials { .. }
            | ConfigError::Credentials { .. }
            | ConfigError::NoCredentialsNorProject { .. },
        ) => Some(
            "set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, write ~/.huaweicloud/credentials, run on an ECS with an agency, or try --sim",
        ),
        Error::Unreachable { service: "IAM", .. } => Some(
            "check the network and the IAM endpoint, or give --project-id so that IAM is not asked",
        ),
        Error::Unreachable { .. } => {
            Some("check the network and the service's address; this is not a configuration error")
        }
        Error::Transport { .. } | Error::Timeout { .. } => {
            Some("check the network, any proxy (HTTPS_PROXY), and --region or --endpoint")
        }
        _ => None,
    }
}

/// What a command's outcome prints on stderr, and the exit code it gives.
pub fn exit_code(outcome: Result<(), Failure>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // `--dry-run`: the request that would have been sent is the command's output.
        Err(Failure::Hwc(hwc::Error::DryRun { request })) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{request}");
            ExitCode::SUCCESS
        }
        Err(Failure::Hwc(error)) => ExitCode::from(report(&error)),
        // A closed pipe (`hwc ... | head`) is the reader's choice, not an error.
        Err(Failure::Io(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(Failure::Io(error)) => {
            eprintln!("hwc: error: cannot write to standard output: {error}");
            ExitCode::from(EXIT_OUTPUT)
        }
        #[cfg(feature = "sim")]
        Err(Failure::Simulator(error)) => {
            eprintln!("hwc: error: cannot start the simulator: {error}");
            ExitCode::from(EXIT_API)
        }
        Err(Failure::Write { target, message }) => {
            eprintln!("hwc: error: cannot write {}: {message}", target.display());
            ExitCode::from(EXIT_OUTPUT)
        }
        Err(Failure::Locked {
            lock,
            holder,
            waited,
        }) => {
            let holder = holder.map_or_else(String::new, |pid| format!(" (pid {pid})"));
            let advice = match waited {
                Some(waited) => format!("it was still held after waiting {waited:?}"),
                None => "give --wait-lock DURATION to wait for it".to_owned(),
            };
            eprintln!(
                "hwc: error: another hwc run{holder} is writing this export: {} is locked; {advice}",
                lock.display()
            );
            ExitCode::from(EXIT_API)
        }
        Err(Failure::GateFailed) => ExitCode::from(EXIT_GATE_FAILED),
        Err(Failure::ChecksFailed) => ExitCode::from(EXIT_API),
        Err(Failure::Usage(message)) => {
            eprintln!("hwc: error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Interrupted) => {
            eprintln!("hwc: interrupted");
            ExitCode::from(EXIT_INTERRUPTED)
        }
    }
}
