//! Times and durations as the command line takes them: RFC 3339, a date, or a duration such as
//! `7d` back from now.

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
pub fn parse_moment(text: &str) -> Result<Moment, String> {
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
pub fn parse_wait(text: &str) -> Result<std::time::Duration, String> {
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
