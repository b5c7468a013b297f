//! `--github`: a job summary in Markdown appended to `$GITHUB_STEP_SUMMARY`, and an `::error`
//! annotation per failed check when run under GitHub Actions (`GITHUB_ACTIONS=true`), on
//! standard error, so that standard output keeps the verdict alone.

use std::io::Write;
use std::path::PathBuf;

use super::verdict::Verdict;
use crate::exit::Failure;

/// The summary of `verdicts`, as Markdown.
pub fn summary(verdicts: &[Verdict]) -> String {
    let mut out = String::from(
        "### CodeArts Check gate\n\n| task | verdict | check | latest | previous |\n| --- | --- | --- | ---: | ---: |\n",
    );
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let number = |n: Option<i64>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
    for verdict in verdicts {
        let mark = if verdict.passed {
            "✅ pass"
        } else {
            "❌ fail"
        };
        let task = cell(&verdict.task_id);
        if let Some(reason) = &verdict.reason {
            out.push_str(&format!("| {task} | {mark} | {} | | |\n", cell(reason)));
        }
        for check in &verdict.checks {
            let state = if check.passed { "ok" } else { "**FAIL**" };
            out.push_str(&format!(
                "| {task} | {mark} | {state} {} {} | {} | {} |\n",
                cell(&check.severity),
                cell(&check.rule),
                number(check.latest),
                number(check.previous)
            ));
        }
    }
    out.push('\n');
    out
}

/// The `::error` lines of the failed checks.
pub fn annotations(verdicts: &[Verdict]) -> Vec<String> {
    let mut lines = Vec::new();
    for verdict in verdicts.iter().filter(|verdict| !verdict.passed) {
        let title = property(&format!("CodeArts Check gate: {}", verdict.task_id));
        if let Some(reason) = &verdict.reason {
            lines.push(format!("::error title={title}::{}", data(reason)));
        }
        for check in verdict.checks.iter().filter(|check| !check.passed) {
            lines.push(format!(
                "::error title={title}::{}",
                data(&check.describe())
            ));
        }
    }
    lines
}

/// Writes both, as far as the environment asks: the summary when `GITHUB_STEP_SUMMARY` names a
/// file, the annotations when `GITHUB_ACTIONS` is `true`.
pub fn write(verdicts: &[Verdict]) -> Result<(), Failure> {
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        let written = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut file| file.write_all(summary(verdicts).as_bytes()));
        written.map_err(|error| Failure::Write {
            target: path,
            message: error.to_string(),
        })?;
    }
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|value| value == "true") {
        let mut err = std::io::stderr().lock();
        for line in annotations(verdicts) {
            let _ = writeln!(err, "{line}");
        }
    }
    Ok(())
}

/// A workflow command's message, escaped as the runner reads it.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value, escaped as the runner reads it.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{data, property};

    #[test]
    fn workflow_command_text_is_escaped() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a: b, c"), "a%3A b%2C c");
    }
}
