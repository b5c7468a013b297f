//! Round ticks for the chart's time axis: the first instants of days, months or years (UTC)
//! within the span, the step the smallest that keeps the labels few enough to read, each
//! labelled only as precisely as its step needs (`2024`, `2024-03`, `2024-03-05`).

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

/// Most ticks on the axis.
const MAX_TICKS: usize = 8;

/// A tick step, from the finest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Every `n` days.
    Days(i32),
    /// Every `n` months.
    Months(i32),
    /// Every `n` years.
    Years(i32),
}

const STEPS: [Step; 11] = [
    Step::Days(1),
    Step::Days(2),
    Step::Days(7),
    Step::Months(1),
    Step::Months(2),
    Step::Months(3),
    Step::Months(6),
    Step::Years(1),
    Step::Years(2),
    Step::Years(5),
    Step::Years(10),
];

/// The ticks between `start` and `end` (Unix seconds) and the step they were made with.
pub fn ticks(start: i64, end: i64) -> (Vec<i64>, Step) {
    for step in STEPS {
        let found = at_step(start, end, step);
        if found.len() <= MAX_TICKS && !found.is_empty() {
            return (found, step);
        }
    }
    // A span too short for one day's tick, or beyond a century of ticks: its two ends.
    (vec![start, end], Step::Days(1))
}

/// The text of the tick at `seconds`, as precise as `step`.
pub fn label(seconds: i64, step: Step) -> String {
    let Ok(time) = Timestamp::from_second(seconds) else {
        return String::new();
    };
    let date = time.to_zoned(jiff::tz::TimeZone::UTC).date();
    match step {
        Step::Years(_) => format!("{}", date.year()),
        Step::Months(_) => format!("{}-{:02}", date.year(), date.month()),
        Step::Days(_) => format!("{}-{:02}-{:02}", date.year(), date.month(), date.day()),
    }
}

fn at_step(start: i64, end: i64, step: Step) -> Vec<i64> {
    let day = |seconds: i64| {
        Timestamp::from_second(seconds)
            .ok()
            .map(|time| time.to_zoned(jiff::tz::TimeZone::UTC).date())
    };
    let (Some(first), Some(_)) = (day(start), day(end)) else {
        return Vec::new();
    };
    // The round date at or before the start: a multiple of the step.
    let mut date = match step {
        Step::Days(_) => first,
        Step::Months(n) => {
            let month = (i32::from(first.month()) - 1) / n * n + 1;
            Date::new(first.year(), month as i8, 1).unwrap_or(first)
        }
        Step::Years(n) => {
            let year = i32::from(first.year()) / n * n;
            Date::new(year as i16, 1, 1).unwrap_or(first)
        }
    };
    let span = match step {
        Step::Days(n) => n.days(),
        Step::Months(n) => n.months(),
        Step::Years(n) => n.years(),
    };
    let mut out = Vec::new();
    while out.len() <= MAX_TICKS {
        let Ok(seconds) = date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|zoned| zoned.timestamp().as_second())
        else {
            break;
        };
        if seconds > end {
            break;
        }
        if seconds >= start {
            out.push(seconds);
        }
        let Ok(next) = date.checked_add(span) else {
            break;
        };
        date = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_second()
    }

    #[test]
    fn five_years_get_year_ticks_and_a_quarter_gets_months() {
        let (found, step) = ticks(at("2020-03-14T10:00:00Z"), at("2025-02-01T00:00:00Z"));
        assert_eq!(step, Step::Years(1));
        let labels: Vec<String> = found.iter().map(|&t| label(t, step)).collect();
        assert_eq!(labels, ["2021", "2022", "2023", "2024", "2025"]);

        let (found, step) = ticks(at("2024-01-20T00:00:00Z"), at("2024-04-15T00:00:00Z"));
        assert_eq!(step, Step::Months(1));
        let labels: Vec<String> = found.iter().map(|&t| label(t, step)).collect();
        assert_eq!(labels, ["2024-02", "2024-03", "2024-04"]);

        let (found, step) = ticks(at("2024-01-01T05:00:00Z"), at("2024-01-04T00:00:00Z"));
        assert_eq!(step, Step::Days(1));
        assert_eq!(label(found[0], step), "2024-01-02");
    }

    #[test]
    fn a_span_without_a_round_instant_keeps_its_ends() {
        let (found, _) = ticks(at("2024-01-01T05:00:00Z"), at("2024-01-01T06:00:00Z"));
        assert_eq!(found.len(), 2);
    }
}
