//! One record as the real API sends it: named fields in the order they were set, absent ones
//! left out. The names are the spec's item fields (a test checks every record against them),
//! so the simulator repeats no response model of its own.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

/// A response record, field by field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WireRecord {
    fields: Vec<(&'static str, Value)>,
}

impl WireRecord {
    /// The record with `name` set to `value` (replaced if it was set).
    pub fn with(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.set(name, value);
        self
    }

    /// The record with `name` set when `value` is `Some`, left out otherwise, as the API leaves
    /// out fields it has no value for.
    pub fn with_some(self, name: &'static str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(value) => self.with(name, value),
            None => self,
        }
    }

    /// Sets `name` to `value`, in place of an earlier value.
    pub fn set(&mut self, name: &'static str, value: impl Into<Value>) {
        let value = value.into();
        match self.fields.iter_mut().find(|(field, _)| *field == name) {
            Some((_, slot)) => *slot = value,
            None => self.fields.push((name, value)),
        }
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value)
    }

    /// The names set, in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().map(|(name, _)| *name)
    }
}

impl Serialize for WireRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for (name, value) in &self.fields {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_order_and_absent_ones_are_left_out() {
        let mut record = WireRecord::default()
            .with("b", 1)
            .with("a", "x")
            .with_some("c", None::<&str>);
        record.set("b", 2);
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"b":2,"a":"x"}"#
        );
        assert_eq!(record.get("a"), Some(&Value::from("x")));
        assert_eq!(record.names().collect::<Vec<_>>(), ["b", "a"]);
    }
}
