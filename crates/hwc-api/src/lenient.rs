//! How answers are read leniently: what the official SDK decodes, hwc decodes, but never
//! silently changed. The generated types of every schema a 2xx answer is read with name these
//! readers in `deserialize_with` (`cargo xtask gen`, from `info.x-hwc-lenient-responses`).

/// Reads a list that may arrive as `null` (an empty history): `null` is empty.
#[doc(hidden)]
pub fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let list: Option<Vec<T>> = serde::Deserialize::deserialize(deserializer)?;
    Ok(list.unwrap_or_default())
}

/// The largest integer every float up to it holds exactly (2^53): beyond, a float may already be
/// another integer than the one sent.
const EXACT_IN_A_FLOAT: f64 = 9_007_199_254_740_992.0;

/// Reads an integer as the official SDK does, but never silently changed: a JSON integer, an
/// integral float up to 2^53, or a string holding either; `null` is none. A fraction, a
/// non-numeric string, a number beyond the field's range and any other value are errors (a
/// clamped or truncated count or time would be a wrong answer, not a lenient one).
#[doc(hidden)]
pub fn integer<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i128>,
{
    use serde::de::Error as _;
    let integral = |value: f64| {
        (value.is_finite() && value.fract() == 0.0 && value.abs() <= EXACT_IN_A_FLOAT)
            .then_some(value as i128)
    };
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    let number: i128 = match &value {
        serde_json::Value::Null => return Ok(None),
        serde_json::Value::Number(number) => {
            if let Some(n) = number.as_i64() {
                i128::from(n)
            } else if let Some(n) = number.as_u64() {
                i128::from(n)
            } else {
                number
                    .as_f64()
                    .and_then(integral)
                    .ok_or_else(|| D::Error::custom(format!("{number} is not a whole number")))?
            }
        }
        serde_json::Value::String(text) => {
            let text = text.trim();
            text.parse::<i128>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(integral))
                .ok_or_else(|| D::Error::custom(format!("{text:?} is not a whole number")))?
        }
        serde_json::Value::Bool(_) => {
            return Err(D::Error::custom("expected a whole number, got a boolean"));
        }
        serde_json::Value::Array(_) => {
            return Err(D::Error::custom("expected a whole number, got an array"));
        }
        serde_json::Value::Object(_) => {
            return Err(D::Error::custom("expected a whole number, got an object"));
        }
    };
    T::try_from(number)
        .map(Some)
        .map_err(|_| D::Error::custom(format!("{number} is out of the field's range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Counts {
        #[serde(default, deserialize_with = "integer")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "integer")]
        small: Option<u8>,
        #[serde(default, deserialize_with = "null_as_empty")]
        list: Vec<u8>,
    }

    fn read(json: &str) -> Result<Counts, String> {
        serde_json::from_str(json).map_err(|error| error.to_string())
    }

    #[test]
    fn integers_are_read_as_the_rule_says() {
        let n = |json: &str| read(json).map(|c| c.n);
        assert_eq!(n(r#"{"n": 7}"#), Ok(Some(7)));
        assert_eq!(n(r#"{"n": "7"}"#), Ok(Some(7)));
        assert_eq!(
            n(r#"{"n": 1.736473343218e12}"#),
            Ok(Some(1_736_473_343_218))
        );
        assert_eq!(n(r#"{"n": "1.5e3"}"#), Ok(Some(1500)));
        assert_eq!(n(r#"{"n": null}"#), Ok(None));
        assert_eq!(n("{}"), Ok(None));
        for refused in [
            r#"{"n": 1.5}"#,
            r#"{"n": "seven"}"#,
            r#"{"n": 18446744073709551615}"#,
            r#"{"n": 9007199254740994.0}"#,
            r#"{"n": true}"#,
            r#"{"n": [1]}"#,
            r#"{"small": 256}"#,
        ] {
            assert!(read(refused).is_err(), "{refused}");
        }
        assert_eq!(read(r#"{"list": null}"#).map(|c| c.list), Ok(vec![]));
        assert!(read(r#"{"list": 3}"#).is_err());
    }
}
