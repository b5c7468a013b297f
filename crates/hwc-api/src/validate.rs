//! Checking parameters against the spec before anything is sent.
//!
//! The constraints come from the generated descriptors (`hwc_api::<service>::spec`), so they are
//! the spec's own; nothing here repeats a limit. It lives beside the descriptors so that the
//! client (before sending) and the simulator (on receiving) check with the same functions
//! without depending on each other.

use crate::descriptor::{Location, Operation, Parameter, ParameterSchema};

/// A parameter value the spec does not allow: its name, the value, and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {parameter} {value:?}: {allowed}")]
pub struct InvalidParameter {
    /// The parameter's name on the wire, such as `limit`.
    pub parameter: String,
    /// The value given, as it would have been sent.
    pub value: String,
    /// What the spec allows, such as `an integer from 10 to 200`.
    pub allowed: String,
}

/// What the checks return.
type Error = InvalidParameter;

/// Checks the `(name, value)` pairs of one call, values as they go on the wire: each name is a
/// parameter of `operation` given once, each value keeps its constraints, and every required
/// parameter is present. The first problem is returned.
pub fn check(operation: &Operation, values: &[(&str, &str)]) -> Result<(), Error> {
    check_all(operation, values, Side::Sending)
}

/// [`check`] as a server lenient about what it receives applies it: every constraint of the
/// spec but the form of times (`x-hwc-time-format`), which it reads as best it can, and the
/// client's own rule that a path parameter stays one segment (a server gets the decoded value
/// as data). The simulator checks requests this way, since older clients sent other time forms
/// the service may still read.
pub fn check_received(operation: &Operation, values: &[(&str, &str)]) -> Result<(), Error> {
    check_all(operation, values, Side::Receiving)
}

/// Which side of the wire checks: the sender enforces everything, the receiver is lenient.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Sending,
    Receiving,
}

fn check_all(operation: &Operation, values: &[(&str, &str)], side: Side) -> Result<(), Error> {
    match side {
        Side::Sending => check_pairs(operation, values, side),
        // A list arrives as its parameter repeated: a receiver checks the values as one list.
        Side::Receiving => {
            let merged = merge_lists(operation, values);
            let pairs: Vec<(&str, &str)> = merged
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            check_pairs(operation, &pairs, side)
        }
    }
}

/// `values` with the repeated values of each list parameter as one list text, where the first
/// of them was.
fn merge_lists<'a>(operation: &Operation, values: &[(&'a str, &'a str)]) -> Vec<(&'a str, String)> {
    let mut out: Vec<(&'a str, String)> = Vec::new();
    for (name, value) in values {
        let is_list = operation
            .parameter(name)
            .is_some_and(|p| matches!(p.schema, ParameterSchema::List { .. }));
        if !is_list {
            out.push((name, (*value).to_owned()));
            continue;
        }
        let listed: Vec<String> = values
            .iter()
            .filter(|(other, _)| other == name)
            .map(|(_, value)| (*value).to_owned())
            .collect();
        if !out.iter().any(|(done, _)| done == name) {
            out.push((name, list_text(listed)));
        }
    }
    out
}

fn check_pairs(operation: &Operation, values: &[(&str, &str)], side: Side) -> Result<(), Error> {
    for (index, (name, value)) in values.iter().enumerate() {
        let Some(parameter) = operation.parameter(name) else {
            let known: Vec<&str> = operation.parameters.iter().map(|p| p.name).collect();
            return Err(invalid(
                name,
                value,
                format!(
                    "not a parameter of {}; it takes {}",
                    operation.id,
                    known.join(", ")
                ),
            ));
        };
        if values[..index].iter().any(|(earlier, _)| earlier == name) {
            return Err(invalid(name, value, "given more than once".to_owned()));
        }
        match side {
            Side::Sending => check_value(parameter, value)?,
            Side::Receiving => {
                let is_time = matches!(
                    parameter.schema,
                    ParameterSchema::Text {
                        time_format: Some(_),
                        ..
                    }
                );
                if !is_time {
                    check_schema(parameter, value)?;
                }
            }
        }
    }
    for parameter in operation.parameters.iter().filter(|p| p.required) {
        if !values.iter().any(|(name, _)| *name == parameter.name) {
            return Err(invalid(
                parameter.name,
                "",
                format!("required: {}", describe(&parameter.schema)),
            ));
        }
    }
    Ok(())
}

/// [`check`] for owned values, as operation builders collect them.
pub fn check_wire(operation: &Operation, values: &[(&'static str, String)]) -> Result<(), Error> {
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    check(operation, &pairs)
}

/// What a path parameter may not be: anything that would make the request address another
/// path, as sent or once a server decodes it.
pub const PATH_SEGMENT_RULE: &str =
    "one path segment: not \".\" or \"..\", and no /, \\, % or control characters";

/// Whether `value` stays one path segment whatever decodes it: not `.` or `..` (which URL
/// parsers resolve), no `/` or `\` (which WHATWG URLs treat as a separator), no `%` (a server
/// decoding `%2e%2e` or `%2f` would see a separator or a dot segment), no control characters.
pub fn is_path_segment(value: &str) -> bool {
    value != "."
        && value != ".."
        && !value
            .chars()
            .any(|c| matches!(c, '/' | '\\' | '%') || c.is_control())
}

/// Checks one value to send against its parameter's constraints, and a path parameter against
/// [`PATH_SEGMENT_RULE`].
pub fn check_value(parameter: &Parameter, value: &str) -> Result<(), Error> {
    if parameter.location == Location::Path && !is_path_segment(value) {
        return Err(invalid(parameter.name, value, PATH_SEGMENT_RULE.to_owned()));
    }
    check_schema(parameter, value)
}

/// A list's values as one text: a JSON array of them (how builders hold a list parameter).
pub fn list_text(values: impl IntoIterator<Item = String>) -> String {
    let values: Vec<String> = values.into_iter().collect();
    serde_json::to_string(&values).unwrap_or_default()
}

/// The values of a list text ([`list_text`]), if it is one.
pub fn list_values(text: &str) -> Option<Vec<String>> {
    serde_json::from_str(text).ok()
}

/// Checks one value against the constraints its parameter's spec states.
fn check_schema(parameter: &Parameter, value: &str) -> Result<(), Error> {
    if fits(&parameter.schema, value) {
        Ok(())
    } else {
        Err(invalid(parameter.name, value, describe(&parameter.schema)))
    }
}

/// Whether `value` keeps the constraints of `schema`.
fn fits(schema: &ParameterSchema, value: &str) -> bool {
    match *schema {
        ParameterSchema::Text {
            min_length,
            max_length,
            pattern,
            time_format,
            ..
        } => {
            let length = value.chars().count() as u64;
            min_length.is_none_or(|min| length >= min)
                && max_length.is_none_or(|max| length <= max)
                && time_format.is_none_or(|format| parse_time(format, value).is_some())
                && pattern.is_none_or(|pattern| matches_pattern(pattern, value))
        }
        ParameterSchema::Choice { values, spellings } => {
            values.contains(&value) || spellings.iter().any(|(_, other)| *other == value)
        }
        ParameterSchema::Integer { .. } => {
            let (min, max) = integer_bounds(schema);
            value
                .parse::<i64>()
                .is_ok_and(|number| (min..=max).contains(&number))
        }
        ParameterSchema::List {
            items,
            min_items,
            max_items,
        } => list_values(value).is_some_and(|values| {
            let count = values.len() as u64;
            min_items.is_none_or(|min| count >= min)
                && max_items.is_none_or(|max| count <= max)
                && values.iter().all(|item| fits(items, item))
        }),
    }
}

/// Whether all of `value` matches the ECMA-262 `pattern` (a pattern that does not compile
/// matches nothing: the generator refuses such a spec, so this cannot happen with its output).
fn matches_pattern(pattern: &str, value: &str) -> bool {
    regress::Regex::new(pattern)
        .ok()
        .and_then(|regex| regex.find(value))
        .is_some_and(|found| found.start() == 0 && found.end() == value.len())
}

/// What a parameter accepts, in words: `1 to 256 characters`, `one of: a, b`,
/// `an integer from 10 to 200`.
pub fn describe(schema: &ParameterSchema) -> String {
    match *schema {
        ParameterSchema::Text {
            time_format: Some(format),
            ..
        } => format!(
            "a UTC time such as {}",
            format_time(format, jiff::Timestamp::UNIX_EPOCH)
        ),
        ParameterSchema::Text {
            min_length,
            max_length,
            pattern,
            ..
        } => {
            let length = match (min_length.filter(|&min| min > 0), max_length) {
                (Some(min), Some(max)) => format!("{min} to {max} characters"),
                (Some(min), None) => format!("at least {min} character{}", plural(min)),
                (None, Some(max)) => format!("at most {max} characters"),
                (None, None) => "any text".to_owned(),
            };
            match pattern {
                Some(pattern) => format!("{length} matching the pattern {pattern}"),
                None => length,
            }
        }
        ParameterSchema::Choice { values, spellings } => {
            let mut allowed = format!("one of: {}", values.join(", "));
            for (value, other) in spellings.iter() {
                allowed.push_str(&format!(" ({other} is another spelling of {value})"));
            }
            allowed
        }
        ParameterSchema::Integer { .. } => {
            let (min, max) = integer_bounds(schema);
            format!("an integer from {min} to {max}")
        }
        ParameterSchema::List {
            items,
            min_items,
            max_items,
        } => {
            let count = match (min_items.filter(|&min| min > 0), max_items) {
                (Some(min), Some(max)) => format!("{min} to {max} values"),
                (Some(min), None) => format!("at least {min} value{}", plural(min)),
                (None, Some(max)) => format!("at most {max} value{}", plural(max)),
                (None, None) => "values".to_owned(),
            };
            format!("a list (JSON array) of {count}, each {}", describe(items))
        }
    }
}

/// `instant` in UTC, written in a parameter's `x-hwc-time-format` (a `strftime` form). A format
/// jiff cannot write gives an empty string, which validation then refuses.
pub fn format_time(format: &str, instant: jiff::Timestamp) -> String {
    let zoned = instant.to_zoned(jiff::tz::TimeZone::UTC);
    jiff::fmt::strtime::format(format, &zoned).unwrap_or_default()
}

/// Reads a value written in a parameter's `x-hwc-time-format`, as a UTC instant.
pub fn parse_time(format: &str, text: &str) -> Option<jiff::Timestamp> {
    let civil = jiff::civil::DateTime::strptime(format, text).ok()?;
    civil
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|zoned| zoned.timestamp())
}

/// The allowed range of an integer parameter: its documented bounds within its format's width.
pub fn integer_bounds(schema: &ParameterSchema) -> (i64, i64) {
    let ParameterSchema::Integer {
        bits,
        minimum,
        maximum,
        ..
    } = *schema
    else {
        return (i64::MIN, i64::MAX);
    };
    let (format_min, format_max) = if bits == 32 {
        (i64::from(i32::MIN), i64::from(i32::MAX))
    } else {
        (i64::MIN, i64::MAX)
    };
    (
        minimum.map_or(format_min, |min| min.max(format_min)),
        maximum.map_or(format_max, |max| max.min(format_max)),
    )
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn invalid(parameter: &str, value: &str, allowed: String) -> Error {
    InvalidParameter {
        parameter: parameter.to_owned(),
        value: value.to_owned(),
        allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codearts_check::spec::CHECK_RECORD;
    use crate::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS as HSS;

    fn message(result: Result<(), Error>) -> String {
        result.err().map(|e| e.to_string()).unwrap_or_default()
    }

    const VALID: [(&str, &str); 3] = [
        ("project_id", "p"),
        ("vul_id", "CVE-2021-44228"),
        ("image_type", "registry"),
    ];

    #[test]
    fn a_valid_call_passes() {
        assert!(check(&HSS, &VALID).is_ok());
        let mut all = VALID.to_vec();
        all.extend([("limit", "200"), ("offset", "2000000"), ("image_name", "")]);
        assert!(check(&HSS, &all).is_ok());
    }

    #[test]
    fn errors_name_the_parameter_the_value_and_what_is_allowed() {
        let mut call = VALID.to_vec();
        call.push(("limit", "5"));
        assert_eq!(
            message(check(&HSS, &call)),
            r#"invalid limit "5": an integer from 10 to 200"#
        );
        call[3] = ("status", "vul_status_fixed");
        assert_eq!(
            message(check(&HSS, &call)),
            r#"invalid status "vul_status_fixed": one of: vul_status_unfix, vul_status_ignored"#
        );
        call[3] = ("offset", "ten");
        assert_eq!(
            message(check(&HSS, &call)),
            r#"invalid offset "ten": an integer from 0 to 2000000"#
        );
        assert_eq!(
            message(check(&HSS, &VALID[..2])),
            r#"invalid image_type "": required: one of: local, registry (local_image is another spelling of local)"#
        );
        assert_eq!(
            message(check(
                &CHECK_RECORD,
                &[("project_id", ""), ("task_id", "t")]
            )),
            r#"invalid project_id "": 1 to 32 characters"#
        );
        let long = "x".repeat(257);
        let call = [
            ("project_id", "p"),
            ("vul_id", long.as_str()),
            ("image_type", "registry"),
        ];
        assert!(message(check(&HSS, &call)).ends_with(": 1 to 256 characters"));
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        let mut call = VALID.to_vec();
        call.push(("page", "2"));
        assert!(
            message(check(&HSS, &call))
                .contains("not a parameter of ListGeneralImageVulOperations")
        );
        call[3] = ("vul_id", "again");
        assert!(message(check(&HSS, &call)).ends_with("given more than once"));
    }

    #[test]
    fn times_keep_the_spec_format() {
        let call = |time: &str| {
            check(
                &CHECK_RECORD,
                &[("project_id", "p"), ("task_id", "t"), ("start_time", time)],
            )
        };
        assert!(call("2020-09-25T12:05:00Z").is_ok());
        for bad in [
            "2020-09-25 12:05:00",
            "2020-09-25T12:05:00+08:00",
            "yesterday",
            "",
        ] {
            assert_eq!(
                message(call(bad)),
                format!(r#"invalid start_time "{bad}": a UTC time such as 1970-01-01T00:00:00Z"#)
            );
        }
    }

    #[test]
    fn lists_are_one_text_to_send_and_the_parameter_repeated_on_receipt() {
        use crate::hss::spec::{LIST_GENERAL_IMAGE_VULS as VULS, LIST_VUL_HANDLE_HISTORY as HOST};
        let base = [
            ("project_id", "p"),
            ("enterprise_project_id", "0"),
            ("limit", "200"),
            ("offset", "0"),
        ];
        let two = list_text([
            "vul_status_failed".to_owned(),
            "vul_status_fixed".to_owned(),
        ]);
        assert_eq!(two, r#"["vul_status_failed","vul_status_fixed"]"#);
        assert_eq!(list_values(&two).unwrap().len(), 2);
        let mut call = base.to_vec();
        call.push(("status", &two));
        assert!(check(&HOST, &call).is_ok());
        let bad = list_text(["vul_status_failed".to_owned(), "gone".to_owned()]);
        call[4] = ("status", &bad);
        assert!(message(check(&HOST, &call)).contains("each one of: vul_status_unfix"));
        call[4] = ("status", "vul_status_failed");
        assert!(message(check(&HOST, &call)).contains("a list (JSON array)"));
        // What a server receives: the parameter repeated.
        let mut received = base.to_vec();
        received.extend([
            ("status", "vul_status_failed"),
            ("status", "vul_status_fixed"),
        ]);
        assert!(check_received(&HOST, &received).is_ok());
        received.push(("status", "gone"));
        assert!(check_received(&HOST, &received).is_err());
        // At most ten labels.
        let labels = |count: usize| list_text((0..count).map(|n| format!("l{n}")));
        let vuls = |labels: &str| {
            let call = [
                ("project_id", "p"),
                ("type", "app_vul"),
                ("handle_status", "handled"),
                ("image_type", "local"),
                ("label_list", labels),
            ];
            check(&VULS, &call)
        };
        assert!(vuls(&labels(10)).is_ok());
        assert_eq!(
            message(vuls(&labels(11))).split(": ").last(),
            Some("a list (JSON array) of at most 10 values, each any text")
        );
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let name = "漢".repeat(256);
        let mut call = VALID.to_vec();
        call.push(("image_name", &name));
        assert!(check(&HSS, &call).is_ok());
    }
}
