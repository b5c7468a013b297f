//! `--junit FILE`: the verdicts as a JUnit XML report, one test suite per task and one test case
//! per check (GitLab's `artifacts:reports:junit`, Jenkins' JUnit plugin). A task whose scan
//! could not be judged gets one failing case saying why.

use std::fmt::Write as _;

use super::verdict::Verdict;

/// The report of `verdicts`.
pub fn report(verdicts: &[Verdict]) -> String {
    let cases = |verdict: &Verdict| {
        verdict
            .checks
            .len()
            .max(usize::from(verdict.reason.is_some()))
    };
    let tests: usize = verdicts.iter().map(cases).sum();
    let failures: usize = verdicts.iter().map(failed).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"hwc codearts-check gate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for verdict in verdicts {
        let task = escape(&verdict.task_id);
        let _ = writeln!(
            xml,
            "  <testsuite name=\"codearts-check gate {task}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            cases(verdict),
            failed(verdict)
        );
        if let Some(reason) = &verdict.reason {
            let reason = escape(reason);
            let _ = writeln!(
                xml,
                "    <testcase classname=\"codearts-check.{task}\" name=\"scan\" time=\"0\">\n      <failure message=\"{reason}\" type=\"gate\">{reason}</failure>\n    </testcase>"
            );
        }
        for check in &verdict.checks {
            let name = escape(&format!("{} {}", check.severity, check.rule));
            let _ = write!(
                xml,
                "    <testcase classname=\"codearts-check.{task}\" name=\"{name}\" time=\"0\""
            );
            if check.passed {
                xml.push_str("/>\n");
            } else {
                let message = escape(&check.describe());
                let _ = writeln!(
                    xml,
                    ">\n      <failure message=\"{message}\" type=\"gate\">{message}</failure>\n    </testcase>"
                );
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn failed(verdict: &Verdict) -> usize {
    verdict.checks.iter().filter(|check| !check.passed).count()
        + usize::from(verdict.reason.is_some())
}

/// `text` as XML character data or an attribute value: the five special characters escaped,
/// characters XML 1.0 cannot hold (most control characters) left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn special_and_control_characters_cannot_break_the_document() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
    }
}
