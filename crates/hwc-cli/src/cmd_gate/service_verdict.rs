//! `--service-verdict`: the service's own quality gate (`is_access` of `ShowTaskDetail`), a
//! string whose values no page lists, so both spellings seen in the family are read and
//! anything else fails the gate rather than passing it.

use hwc::Client;

use super::verdict::Check;
use crate::exit::Failure;

/// What `is_access` says: passed, failed, or a value that cannot be read (the text).
#[derive(Debug, PartialEq, Eq)]
pub enum ServiceVerdict {
    /// The service's gate passed.
    Passed,
    /// The service's gate failed.
    Failed,
    /// `is_access` was missing or unreadable: the gate fails closed.
    Unknown(Option<String>),
}

/// Reads `is_access`: `true` or `1`, `false` or `0` (any case, spaces around ignored).
pub fn read(is_access: Option<&str>) -> ServiceVerdict {
    let Some(text) = is_access else {
        return ServiceVerdict::Unknown(None);
    };
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => ServiceVerdict::Passed,
        "false" | "0" => ServiceVerdict::Failed,
        _ => ServiceVerdict::Unknown(Some(text.to_owned())),
    }
}

/// The service's verdict on `task` as a check, and the latest check time it reports.
pub async fn check(client: &Client, task: &str) -> Result<(Check, Option<String>), Failure> {
    let summary = client.codearts_check().task_summary(task).send().await?;
    let is_access = summary.is_access.as_deref();
    let verdict = read(is_access);
    let detail = match &verdict {
        ServiceVerdict::Passed => "the service's quality gate passed".to_owned(),
        ServiceVerdict::Failed => "the service's quality gate failed".to_owned(),
        ServiceVerdict::Unknown(None) => {
            "the service sent no is_access: its verdict is unknown, so the gate fails".to_owned()
        }
        ServiceVerdict::Unknown(Some(text)) => {
            format!("is_access is {text:?}, which is neither true/false nor 1/0: the gate fails")
        }
    };
    let check = Check {
        severity: "service".to_owned(),
        rule: "the service's quality gate".to_owned(),
        latest: None,
        previous: None,
        passed: verdict == ServiceVerdict::Passed,
        detail: Some(detail),
    };
    Ok((check, summary.last_check_time.map(|time| time.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_read_and_anything_else_fails_closed() {
        for text in ["true", "TRUE", " 1 "] {
            assert_eq!(read(Some(text)), ServiceVerdict::Passed, "{text}");
        }
        for text in ["false", "0", "False"] {
            assert_eq!(read(Some(text)), ServiceVerdict::Failed, "{text}");
        }
        assert_eq!(read(None), ServiceVerdict::Unknown(None));
        for text in ["2", "yes", "passed", ""] {
            assert_eq!(
                read(Some(text)),
                ServiceVerdict::Unknown(Some(text.to_owned()))
            );
        }
    }
}
