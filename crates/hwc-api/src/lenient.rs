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

/// Floats below 2^53 in magnitude: up to there every integer is exactly a float; at 2^53 and
/// beyond, a float may already be another integer than the one sent.
const EXACT_IN_A_FLOAT: f64 = 9_007_199_254_740_992.0;

/// The whole number a decimal text such as `1736473343218`, `-7`, `1.5e3` or `2.000` holds,
/// read exactly from its digits (never through a float); `None` for a fraction or anything else.
fn whole_decimal(text: &str) -> Option<i128> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().ok()?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    // The value is digits × 10^(exponent − fraction length).
    let shift = i64::from(exponent) - fraction.len() as i64;
    let magnitude: i128 = if shift >= 0 {
        let digits: i128 = digits.trim_start_matches('0').parse().unwrap_or(0);
        let scale = 10i128.checked_pow(u32::try_from(shift).ok()?)?;
        if digits == 0 {
            0
        } else {
            digits.checked_mul(scale)?
        }
    } else {
        let cut = usize::try_from(-shift).ok()?;
        let kept = digits.len().saturating_sub(cut);
        // The digits cut off must all be zeros (when all are cut, the value is zero).
        if !digits[kept..].bytes().all(|b| b == b'0') {
            return None;
        }
        digits[..kept].parse().unwrap_or(0)
    };
    Some(if negative { -magnitude } else { magnitude })
}

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
    let number = deserializer.deserialize_any(WholeNumber)?;
    match number {
        None => Ok(None),
        Some(number) => T::try_from(number)
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{number} is out of the field's range"))),
    }
}

/// Reads one JSON value as [`integer`] takes it, straight from the parser (no
/// `serde_json::Value` in between): `None` for `null`.
struct WholeNumber;

impl<'de> serde::de::Visitor<'de> for WholeNumber {
    type Value = Option<i128>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a whole number, or a string holding one")
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(i128::from(value)))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(i128::from(value)))
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Self::Value, E> {
        if value.is_finite() && value.fract() == 0.0 && value.abs() < EXACT_IN_A_FLOAT {
            Ok(Some(value as i128))
        } else {
            Err(E::custom(format!(
                "{} is not a whole number",
                serde_json::Value::from(value)
            )))
        }
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        let text = text.trim();
        whole_decimal(text)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{text:?} is not a whole number")))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(E::custom("expected a whole number, got a boolean"))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serde::de::Error::custom(
            "expected a whole number, got an array",
        ))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(serde::de::Error::custom(
            "expected a whole number, got an object",
        ))
    }
}

/// Reads a JSON value meant to be text, straight from the parser: a string as-is, anything
/// else as its compact JSON (a number keeps its digits, an object its JSON).
#[doc(hidden)]
pub fn text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(Text)
}

struct Text;

impl<'de> serde::de::Visitor<'de> for Text {
    type Value = String;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<String, E> {
        Ok(text.to_owned())
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<String, E> {
        Ok(text)
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<String, E> {
        Ok(serde_json::Value::from(value).to_string())
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<String, A::Error> {
        let value: serde_json::Value =
            serde::Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        Ok(value.to_string())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<String, A::Error> {
        let value: serde_json::Value =
            serde::Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(value.to_string())
    }
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
    }

    #[test]
    fn texts_take_any_value_as_its_text() {
        #[derive(serde::Deserialize)]
        struct Texts {
            #[serde(deserialize_with = "text")]
            t: String,
        }
        let t = |json: &str| {
            serde_json::from_str::<Texts>(json)
                .map(|texts| texts.t)
                .unwrap()
        };
        assert_eq!(t(r#"{"t": "a\"b"}"#), "a\"b");
        assert_eq!(t(r#"{"t": 123456}"#), "123456");
        assert_eq!(t(r#"{"t": -7}"#), "-7");
        assert_eq!(t(r#"{"t": 1.5}"#), "1.5");
        assert_eq!(t(r#"{"t": true}"#), "true");
        assert_eq!(t(r#"{"t": null}"#), "null");
        assert_eq!(t(r#"{"t": {"v": [1, "x"]}}"#), r#"{"v":[1,"x"]}"#);
        assert_eq!(t(r#"{"t": [1, {"a": null}]}"#), r#"[1,{"a":null}]"#);
    }

    #[test]
    fn numeric_texts_are_read_exactly_from_their_digits() {
        for (text, expected) in [
            ("7", Some(7)),
            ("-7", Some(-7)),
            ("+7", Some(7)),
            ("2.000", Some(2)),
            ("1.5e3", Some(1500)),
            ("1736473343218", Some(1_736_473_343_218)),
            ("1.736473343218e12", Some(1_736_473_343_218)),
            ("9007199254740993.0", Some(9_007_199_254_740_993)),
            ("120e-1", Some(12)),
            ("0.0", Some(0)),
            (".5e1", Some(5)),
            ("1.5", None),
            ("1.00000000000000001", None),
            ("4503599627370496.5", None),
            ("125e-2", None),
            ("1e400", None),
            ("", None),
            (".", None),
            ("1e", None),
            ("seven", None),
            ("1_000", None),
        ] {
            assert_eq!(whole_decimal(text), expected, "{text:?}");
        }
        // Floats at 2^53 and beyond are refused; below, whole ones are read.
        let n = |json: &str| read(json).map(|c| c.n);
        assert!(n(r#"{"n": 9007199254740992.0}"#).is_err());
        assert_eq!(
            n(r#"{"n": 9007199254740991.0}"#),
            Ok(Some(9_007_199_254_740_991))
        );
        assert!(read(r#"{"list": 3}"#).is_err());
    }
}
