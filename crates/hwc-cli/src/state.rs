//! `--state FILE` of `hss vul-history`: what an incremental export has already emitted, so the
//! next run emits only newer records. It keeps the newest `handle_time` and the records seen at
//! that instant (records handled in the same second are neither lost nor repeated), and it is
//! written atomically, only after a complete run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use hwc::hss::HandleRecord;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::commands::Failure;

/// The contents of a state file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportState {
    /// The newest `handle_time` emitted so far.
    pub newest: Option<Timestamp>,
    /// The records emitted at exactly that instant, as their JSON.
    pub at_newest: BTreeSet<String>,
    /// The records emitted that carry no `handle_time` (the API's fields are all optional), as
    /// their JSON: without a time they can only be known by what they are.
    #[serde(default)]
    pub untimed: BTreeSet<String>,
}

impl ExportState {
    /// The state in `path`; none yet when the file does not exist. A file that is not a state
    /// is an error naming it, never silently a fresh start.
    pub fn load(path: &Path) -> Result<Self, Failure> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(error) => return Err(Failure::usage(path, &error.to_string())),
        };
        serde_json::from_str(&text)
            .map_err(|error| Failure::usage(path, &format!("not an hwc state file: {error}")))
    }

    /// The key a record is known by: its JSON (HSS records have no id of their own).
    pub fn key(record: &HandleRecord) -> String {
        serde_json::to_string(record).unwrap_or_default()
    }

    /// Whether `record` was emitted by an earlier run.
    pub fn already_emitted(&self, record: &HandleRecord) -> bool {
        match (self.newest, record.handle_time) {
            (_, None) => self.untimed.contains(&Self::key(record)),
            (Some(newest), Some(time)) if time < newest => true,
            (Some(newest), Some(time)) if time == newest => {
                self.at_newest.contains(&Self::key(record))
            }
            _ => false,
        }
    }

    /// Notes that `record` was emitted now.
    pub fn emitted(&mut self, record: &HandleRecord) {
        let Some(time) = record.handle_time else {
            self.untimed.insert(Self::key(record));
            return;
        };
        match self.newest {
            Some(newest) if time < newest => {}
            Some(newest) if time == newest => {
                self.at_newest.insert(Self::key(record));
            }
            _ => {
                self.newest = Some(time);
                self.at_newest = BTreeSet::from([Self::key(record)]);
            }
        }
    }

    /// Writes the state to `path` atomically: a temporary file beside it, then a rename.
    pub fn save(&self, path: &Path) -> Result<(), Failure> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        let temporary = sibling(path, "tmp");
        std::fs::write(&temporary, text)
            .and_then(|()| std::fs::rename(&temporary, path))
            .map_err(|error| Failure::Write {
                target: path.to_owned(),
                message: error.to_string(),
            })
    }
}

/// `path` with `.<suffix>` appended to its file name, in the same directory (so a rename is
/// atomic).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(time: &str, user: &str) -> HandleRecord {
        let json = serde_json::json!({"handle_time": time.parse::<Timestamp>().unwrap().as_millisecond(), "user_name": user});
        let generated: hwc_api::hss::types::GeneralImageVulOperationsResponseInfo =
            serde_json::from_value(json).unwrap();
        generated.try_into().unwrap()
    }

    #[test]
    fn records_of_the_same_second_are_neither_lost_nor_repeated() {
        let (a, b, older) = (
            record("2026-11-01T00:00:00Z", "a"),
            record("2026-11-01T00:00:00Z", "b"),
            record("2026-10-31T00:00:00Z", "c"),
        );
        // The first run saw `a` only (`b` was handled in the same second, after it ran).
        let mut first = ExportState::default();
        first.emitted(&a);
        assert_eq!(first.newest, a.handle_time);
        // The next run: `a` and anything older were exported, `b` was not.
        assert!(first.already_emitted(&a) && first.already_emitted(&older));
        assert!(!first.already_emitted(&b));
        let mut second = first.clone();
        second.emitted(&b);
        assert!(second.already_emitted(&b));
        assert_eq!(
            second.at_newest.len(),
            2,
            "both records of that second are kept"
        );
        // A record without a time is known by what it is.
        let untimed: HandleRecord = serde_json::from_value::<
            hwc_api::hss::types::GeneralImageVulOperationsResponseInfo,
        >(serde_json::json!({"user_name": "e"}))
        .unwrap()
        .try_into()
        .unwrap();
        assert!(!second.already_emitted(&untimed));
        second.emitted(&untimed);
        assert!(second.already_emitted(&untimed));
        // A newer record starts a new second.
        let newer = record("2026-11-02T00:00:00Z", "d");
        second.emitted(&newer);
        assert_eq!(second.newest, newer.handle_time);
        assert_eq!(second.at_newest.len(), 1);
    }
}
